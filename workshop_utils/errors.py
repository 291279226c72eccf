"""Errors that teach: each carries one sentence saying what happened and what to do."""


class WorkshopError(Exception):
    """Base class: in a notebook, only its message is shown, not a long traceback."""


class DataUnavailableError(WorkshopError):
    """The data can be found neither locally nor online."""


class CorruptDataError(WorkshopError):
    """A data file is damaged or is not what it should be."""


class ImageDecodeError(WorkshopError, ValueError):
    """An image's bytes cannot be decoded."""


class ExerciseNotDone(WorkshopError, NotImplementedError):
    """A blank of the student copy was run before it was filled in."""
