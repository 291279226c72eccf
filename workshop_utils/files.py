"""Files a user points the helpers at: read them as people save them, write outputs without ever
losing a file.

Reading: UTF-8 (with or without BOM), UTF-16/32 with a BOM (PowerShell's `>`), else
Windows-1252/Latin-1 (Excel's "CSV"); an empty or binary file is one sentence.
Writing: every output goes to a temporary name in its folder and is renamed when complete (an
interrupted run leaves the old file as it was); an output never replaces an input or another
output of the same run.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import CorruptDataError, SettingError, StorageError, WorkshopError

# UTF-32 first: its little-endian BOM begins with UTF-16's.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# What a binary file given for a text file usually is.
KINDS = {b"PK\x03\x04": "a zip archive, e.g. an Excel .xlsx workbook", b"\xd0\xcf\x11\xe0": "an Excel .xls workbook",
         b"%PDF": "a PDF", b"\xff\xd8\xff": "a JPEG photo", b"\x89PNG": "a PNG image"}


def read_text(path: str | Path, advice: str, encoding: str | None = None) -> str:
    """The text of a file, its encoding detected unless given. `advice` says what file to give
    instead of an empty or binary one (it ends the error sentence)."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise WorkshopError(f"{path} is a folder, not a file: {advice}.")
    if path.exists() and not path.is_file():  # a pipe or a device: reading it could wait forever
        raise WorkshopError(f"{path} is not a regular file (a pipe or a device): {advice}.")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WorkshopError(f"There is no file {path} (a relative path starts in {Path.cwd()}): "
                            "check the name and the folder.") from None
    except OSError as error:
        raise WorkshopError(f"Cannot read {path} ({error.strerror or error}): check that it is yours to "
                            "read, or copy it somewhere you can read it.") from None
    kind = next((name for start, name in KINDS.items() if data.startswith(start)), None)
    if kind:
        raise CorruptDataError(f"{path} is {kind}, not a text file: {advice}.")
    text = decode(data, path, encoding)
    if not text.strip():
        raise CorruptDataError(f"{path} is empty ({len(data)} bytes): {advice}.")
    if "\x00" in text:
        raise CorruptDataError(f"{path} holds binary data, not text: {advice}.")
    return text


def decode(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError:
            raise SettingError(f"encoding={encoding!r} is not an encoding Python knows: give one such as "
                               "'utf-8', 'utf-16' or 'cp1252', or leave it out to detect it.") from None
        except UnicodeDecodeError as error:
            raise CorruptDataError(f"{path} cannot be read as {encoding} (byte {error.object[error.start]:#04x} "
                                   f"at position {error.start:,}): leave encoding out to detect it, or give "
                                   "the one the file was saved in.") from None
    for bom, name in BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    if data[1::2].count(0) > len(data) // 4 and not data[0::2].count(0):  # UTF-16 without a BOM
        return data.decode("utf-16-le", errors="replace")
    if data[0::2].count(0) > len(data) // 4 and not data[1::2].count(0):
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: Excel's "CSV" on Windows (cp1252); latin-1 reads any byte.
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("cp1252")
        return data.decode("latin-1")


def same_file(one: Path, other: Path) -> bool:
    """Are these the same file (also through a link, or another case on a case-blind disk)?"""
    if Path(one).expanduser().resolve() == Path(other).expanduser().resolve():
        return True
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def check_outputs(outputs: Sequence[Path], inputs: Sequence[Path] = (), *,
                  replaceable: Callable[[Path], bool] = lambda path: True, advice: str = "") -> None:
    """Refuse, before anything is computed or written, an output that could not be written or
    would lose a file: a folder, a missing folder, an input, another output of the same call, or
    an existing file that `replaceable` says must be kept (`advice` then says what to do)."""
    for number, path in enumerate(outputs):
        if path.is_dir():
            raise StorageError(f"{path} is a folder: give a file name for this output, e.g. {path / 'out.csv'}.")
        if not path.parent.is_dir():
            raise StorageError(f"There is no folder {path.parent} to write {path.name} in: create it first, "
                               "or give a path in a folder that exists.")
        for other in inputs:
            if same_file(path, other):
                raise StorageError(f"{path} is an input of this call: writing there would replace it; "
                                   "give the output another name.")
        for other in outputs[:number]:
            if same_file(path, other):
                raise StorageError(f"{path} is given for two outputs: the second would replace the first; "
                                   "give each output its own name.")
        if path.exists() and not replaceable(path):
            raise StorageError(f"{path} exists and is not an earlier output of this kind: {advice}.")


def begins_with(path: Path, text: str) -> bool:
    """Does the file begin with `text`? (An earlier output of the same writer may be replaced.)"""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(len(text)) == text
    except OSError:
        return False


def write_files(writers: dict[Path, Callable[[Path], None]]) -> None:
    """Write each file with its writer (called with a temporary path next to the file), then
    rename them all into place: an interrupted run never leaves half a file."""
    partial = {}
    try:
        for path, write in writers.items():
            # Keeps the file's endings, so pandas infers the same compression (.csv.gz).
            partial[path] = path.with_name(f".partial-{os.getpid()}-{path.name}")
            write(partial[path])
        for path, part in partial.items():
            os.replace(part, path)
    except OSError as error:
        raise storage_error(error, path) from None
    finally:
        for part in partial.values():
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    """`text` into `path` (UTF-8), through a temporary file."""
    write_files({Path(path): lambda part: part.write_text(text, encoding="utf-8")})
    return Path(path)


def storage_error(error: OSError, path: Path) -> StorageError:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(f"Cannot write to {path.parent}: it is read-only; give a folder you can write to.")
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return StorageError(f"The disk holding {path.parent} is full: free some space, or write to another disk.")
    return StorageError(f"Cannot write {path} ({error.strerror or error}): give another path.")


def folder_argument(text: str, option: str) -> Path:
    """A folder named on the command line: it may not exist yet, but neither it nor the folders
    above it may be a file."""
    folder = Path(text).expanduser()
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise SettingError(f"{option} {text}: {part} is a file, not a folder; give a folder "
                                   "(it is created if it does not exist).")
            break
    return folder
