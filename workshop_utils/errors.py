"""Errors that teach: each carries one sentence saying what happened and what to do."""


class WorkshopError(Exception):
    """Base class: in a notebook, only its message is shown, not a long traceback."""


class DataUnavailableError(WorkshopError):
    """The data can be found neither locally nor online."""


class CorruptDataError(WorkshopError):
    """A data file is damaged or is not what it should be."""


class ImageDecodeError(WorkshopError, ValueError):
    """An image's bytes cannot be decoded."""


class SettingError(WorkshopError, ValueError):
    """A setting (an environment variable, an argument, a command-line option) holds a value the
    workshop does not accept."""


class StorageError(WorkshopError):
    """A file cannot be written: the folder is read-only or the disk is full."""


class SavedModelError(WorkshopError):
    """Saved models are missing, damaged, or do not belong together."""


class ExerciseNotDone(WorkshopError, NotImplementedError):
    """A blank of the student copy was run before it was filled in."""
