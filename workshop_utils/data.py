"""The product catalogue: where it comes from, how it is checked, how it is loaded.

Sources, in order: a folder given as argument or in WORKSHOP_DATA_DIR (laid out like the
public mirror), then the local cache, then a download of the pinned mirror.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .errors import CorruptDataError, DataUnavailableError, StorageError

DATASET_NAME = "fashion-product-images-small"
MIRROR_REVISION = "3859c76db2f6f3d3b9a3863345e3ccdbff75879d"
MIRROR_URL = ("https://huggingface.co/datasets/ashraq/fashion-product-images-small/"
              f"resolve/{MIRROR_REVISION}/data/")
EXPECTED_ROWS = 44_072


@dataclass(frozen=True)
class Shard:
    """One file of the dataset: its name, where to fetch it, and what it must hold."""

    filename: str
    url: str
    rows: int
    sha256: str | None = None  # known for files fetched from the mirror, else None


SHARDS = (
    Shard("train-00000-of-00002-6cff4c59f91661c3.parquet",
          MIRROR_URL + "train-00000-of-00002-6cff4c59f91661c3.parquet", 22_036,
          "0f9b4042c6eea3c77aa0794630c956d1985de791c365abdb332f9d9cfa78d00a"),
    Shard("train-00001-of-00002-bb459e5ac5f01e71.parquet",
          MIRROR_URL + "train-00001-of-00002-bb459e5ac5f01e71.parquet", 22_036),
)

# The mirror's column names and the readable names the notebooks use.
COLUMN_NAMES = {
    "id": "id",
    "productDisplayName": "title",
    "masterCategory": "master_category",
    "subCategory": "sub_category",
    "articleType": "article_type",
    "gender": "gender",
    "baseColour": "colour",
    "season": "season",
    "year": "year",
    "usage": "usage",
    "image": "image",
}
CATEGORY_LEVELS = ["master_category", "sub_category", "article_type"]

MAKING_A_COPY = "(an instructor can make one with `python -m workshop_utils download --to DIR`)"
DOWNLOAD_HINT = (f"set WORKSHOP_DATA_DIR to a local copy of the data {MAKING_A_COPY}, "
                 "or connect to the internet and run this again")
# What to do about a damaged file depends on where it is: the cache is ours to repair; a
# local copy (often a shared USB stick) is not, and deleting it would not bring it back.
LOCAL_COPY_ADVICE = (f"replace the local copy with a good one {MAKING_A_COPY}, "
                     "or unset WORKSHOP_DATA_DIR to download the data")
# Seconds without a byte from the server before an attempt is given up (3 attempts at most).
TIMEOUT = 10.0


# ---------------------------------------------------------------- checking a file
def shard_problem(path: Path, shard: Shard) -> str | None:
    """What is wrong with the file as a shard (unreadable footer, columns, row count), or None.
    A quick look at the file's footer; `check_contents` reads every page."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_metadata(path)
        columns = set(metadata.schema.to_arrow_schema().names)
    except Exception as error:
        return f"is not a readable parquet file ({first_line(error)})"
    missing = sorted(set(COLUMN_NAMES) - columns)
    if missing:
        return f"lacks the columns {missing}: it is not a shard of the Fashion Product Images mirror"
    if metadata.num_rows != shard.rows:
        return f"holds {metadata.num_rows:,} rows instead of {shard.rows:,}"
    return None


def check_shard(path: Path, shard: Shard, advice: str = LOCAL_COPY_ADVICE) -> None:
    """Raise CorruptDataError (with `advice`) unless the file is a parquet file of the right shape."""
    problem = shard_problem(path, shard)
    if problem is not None:
        raise CorruptDataError(f"{path} {problem}; {advice}.")


def check_contents(path: Path) -> None:
    """Read every page (damage inside the file passes the footer checks); CorruptDataError if one fails."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups):
            parquet.read_row_group(group)
    except Exception as error:
        raise CorruptDataError(f"its content is damaged ({first_line(error)})") from None


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:100]


def sha256_of(path: Path) -> str:
    """The file's sha256 (about 0.2 s for the 271 MB of the two mirror files on one core)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_file(path: Path) -> Path:
    """Where the sha256 of a verified download is kept, next to the file."""
    return path.with_name(path.name + ".sha256")


def recorded_sha256(path: Path, shard: Shard) -> str | None:
    """The pinned sha256, else the one recorded when the file was downloaded and verified."""
    if shard.sha256 is not None:
        return shard.sha256
    try:
        return checksum_file(path).read_text().strip() or None
    except OSError:
        return None


def record_sha256(path: Path, digest: str) -> None:
    # Best effort: in a read-only cache the file is just verified the slow way next time.
    with contextlib.suppress(OSError):
        checksum_file(path).write_text(digest + "\n")


# ---------------------------------------------------------------- writing files
@contextlib.contextmanager
def writing_into(folder: Path):
    """Turn 'read-only' and 'disk full' errors while writing into `folder` into one sentence."""
    try:
        yield
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StorageError(f"Cannot write to {folder}: it is read-only; set WORKSHOP_CACHE to a folder "
                               "you can write to (or WORKSHOP_DATA_DIR to a local copy of the data) "
                               "and run this again.") from None
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise StorageError(f"The disk holding {folder} is full; free about 300 MB or set WORKSHOP_CACHE "
                               "to a folder on another disk, and run this again.") from None
        raise


# ---------------------------------------------------------------- downloading
def progress_bar(total: int | None, description: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="B", unit_scale=True,
                unit_divisor=1024, disable=not enabled, file=sys.stderr)


def download(shard: Shard, destination: Path, *, retries: int = 3, retry_wait: float = 2.0,
             timeout: float = TIMEOUT, progress: bool = True) -> Path:
    """Fetch one shard to `destination`, atomically, checked, with a progress bar.

    The bytes go to a `.part` file first; only a complete, verified file is renamed to
    its final name, so an interrupted download never looks like a finished one. A server
    that stays silent for `timeout` seconds is given up (at most `retries` times).
    """
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".part")
    host = urllib.parse.urlsplit(shard.url).netloc
    last_problem = "no attempt made"
    with writing_into(destination.parent):
        destination.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, retries + 1):
            # Said at once: a silent server would otherwise look like a frozen notebook.
            print(f"Downloading {shard.filename} from {host}: waiting for the server "
                  f"(attempt {attempt} of {retries}, at most {timeout:.0f} s of silence)...", flush=True)
            try:
                fetch_to(shard.url, partial, timeout=timeout, progress=progress,
                         description=f"{shard.filename[:14]} ({attempt}/{retries})")
                digest = verify_download(partial, shard)
                partial.replace(destination)
                record_sha256(destination, digest)
                return destination
            except urllib.error.HTTPError as error:
                last_problem = f"the server answered HTTP {error.code} ({error.reason})"
                if 400 <= error.code < 500 and error.code not in (408, 429):
                    break  # a missing file will not appear by asking again
            except TimeoutError:
                last_problem = f"the server sent nothing for {timeout:.0f} s"
            except (urllib.error.URLError, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, TimeoutError):
                    last_problem = f"the server sent nothing for {timeout:.0f} s"
                else:
                    last_problem = f"the server could not be reached ({reason})"
            except http.client.HTTPException as error:  # e.g. the connection dropped mid-file
                last_problem = f"the transfer broke off ({type(error).__name__})"
            except CorruptDataError as error:
                last_problem = f"the downloaded file was damaged ({error})"
            finally:
                with contextlib.suppress(OSError):
                    partial.unlink(missing_ok=True)
            if attempt < retries:
                time.sleep(retry_wait * attempt)
    raise DataUnavailableError(f"Could not download {shard.filename}: {last_problem}; "
                               f"{DOWNLOAD_HINT}.")


def fetch_to(url: str, path: Path, *, timeout: float, progress: bool, description: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "product-categorization-workshop"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        received = 0
        with open(path, "wb") as handle, progress_bar(total, description, progress) as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                handle.write(block)
                received += len(block)
                bar.update(len(block))
    if total is not None and received != total:
        raise CorruptDataError(f"only {received:,} of {total:,} bytes arrived")


def verify_download(path: Path, shard: Shard) -> str:
    """CorruptDataError unless the file is the shard, checked through; returns its sha256."""
    digest = sha256_of(path)
    if shard.sha256 is not None and digest != shard.sha256:
        raise CorruptDataError("its sha256 checksum does not match the pinned one")
    problem = shard_problem(path, shard)
    if problem is not None:
        raise CorruptDataError(f"it {problem}")
    if shard.sha256 is None:
        check_contents(path)  # no pinned checksum: every page must at least decompress
    return digest


# ---------------------------------------------------------------- finding the files
def local_copy_files(folder: Path, shards=SHARDS) -> list[Path]:
    """The shard files of a local copy laid out like the mirror (folder/data/<file>)."""
    folder = Path(folder).expanduser()
    data_folder = folder / "data" if (folder / "data").is_dir() else folder
    if not folder.exists():
        raise DataUnavailableError(f"The data folder {folder} does not exist; fix WORKSHOP_DATA_DIR "
                                   "(or the data_dir argument) or unset it to use the download.")
    paths = [data_folder / shard.filename for shard in shards]
    missing = [path.name for path in paths if not path.exists()]
    if missing:
        raise DataUnavailableError(f"{data_folder} does not hold {', '.join(missing)}; point "
                                   "WORKSHOP_DATA_DIR at the folder that contains data/ "
                                   "in the mirror's layout.")
    for path, shard in zip(paths, shards):
        check_shard(path, shard, LOCAL_COPY_ADVICE)
    return paths


def cached_problem(path: Path, shard: Shard) -> str | None:
    """What is wrong with a cached shard, checked as a download is: shape, then sha256."""
    problem = shard_problem(path, shard)
    if problem is not None:
        return problem
    expected = recorded_sha256(path, shard)
    if expected is None:  # cached before checksums were recorded: read it through once
        try:
            check_contents(path)
        except CorruptDataError as error:
            return str(error)
        record_sha256(path, sha256_of(path))
    elif sha256_of(path) != expected:
        return "no longer matches its sha256 checksum (damaged since it was downloaded)"
    return None


def cached_files(cache: Path, shards=SHARDS, *, progress: bool = True, offline: bool | None = None,
                 **download_options) -> list[Path]:
    """The shards in the cache, fetched (again) when missing or damaged; never fetched `offline`
    (None: as the run's settings say, WORKSHOP_OFFLINE)."""
    offline = config.current().offline if offline is None else offline
    folder = Path(cache) / DATASET_NAME / "data"
    paths = []
    for shard in shards:
        path = folder / shard.filename
        if path.exists():
            problem = cached_problem(path, shard)
            if problem is None:
                paths.append(path)
                continue
            if offline:
                raise CorruptDataError(f"The cached {path} {problem}, and WORKSHOP_OFFLINE=1 forbids fetching "
                                       f"a fresh copy; unset WORKSHOP_OFFLINE and run this again, or set "
                                       f"WORKSHOP_DATA_DIR to a local copy of the data.")
            warnings.warn(f"The cached {path.name} {problem}; it is fetched again.", stacklevel=2)
            forget(path)
        if offline:
            raise DataUnavailableError(f"{shard.filename} is not in the cache {folder} and WORKSHOP_OFFLINE=1 "
                                       f"forbids downloading it; {DOWNLOAD_HINT} (with WORKSHOP_OFFLINE unset).")
        paths.append(download(shard, path, progress=progress, **download_options))
    return paths


def forget(path: Path) -> None:
    """Delete a cached file and its recorded checksum."""
    with writing_into(path.parent):
        path.unlink(missing_ok=True)
        checksum_file(path).unlink(missing_ok=True)


def find_files(data_dir: str | Path | None = None, shards=SHARDS, *, progress: bool = True,
               **download_options) -> list[Path]:
    """The shard files: from `data_dir` if given, else from the run's settings (`config.current()`:
    WORKSHOP_DATA_DIR, else the cache, downloaded into when missing)."""
    run = config.current()
    folder = Path(data_dir) if data_dir is not None else run.data_dir
    if folder is not None:
        return local_copy_files(folder, shards)
    return cached_files(run.cache_dir, shards, progress=progress, offline=run.offline, **download_options)


def in_cache(path: Path) -> bool:
    return Path(path).resolve().is_relative_to(config.current().cache_dir.expanduser().resolve())


def damaged_file_advice(path: Path) -> str:
    """What to do about a damaged file: the cache repairs itself, a local copy must be replaced."""
    if not in_cache(path):
        return LOCAL_COPY_ADVICE
    try:
        forget(path)
    except StorageError:
        return f"delete {path} and run this again to download a fresh copy"
    return "it has been deleted: run this again to download a fresh copy"


# ---------------------------------------------------------------- loading
def read_shard(path: Path, columns: list[str]):
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=columns)
    except Exception as error:  # e.g. "ZSTD decompression failed": damage inside the file
        raise CorruptDataError(f"{path} cannot be read: its content is damaged ({first_line(error)}); "
                               f"{damaged_file_advice(path)}.") from None


def check_distinct_ids(tables, paths: list[Path]) -> None:
    """Each product once: a file holding another file's rows (right shape, wrong content) is refused."""
    seen: set[int] = set()
    for table, path in zip(tables, paths):
        ids = set(table.column("id").to_pylist())
        repeated = len(ids & seen) + (table.num_rows - len(ids))
        if repeated:
            raise CorruptDataError(f"{path} repeats {repeated:,} products of another file (a copy of another "
                                   f"shard under this name?); {damaged_file_advice(path)}.")
        seen |= ids


def load_products(data_dir: str | Path | None = None, *, with_images: bool = True,
                  shards=SHARDS, progress: bool = True, **download_options) -> pd.DataFrame:
    """The catalogue as one DataFrame: readable column names, one row per product.

    `image` holds each photo as JPEG bytes; `images.decode_image` turns them into pixels.
    Pass `with_images=False` to skip the photos (faster, less memory).
    """
    import pyarrow as pa

    paths = find_files(data_dir, shards, progress=progress, **download_options)
    wanted = [name for name in COLUMN_NAMES if with_images or name != "image"]
    tables = [read_shard(path, wanted) for path in paths]
    check_distinct_ids(tables, paths)
    try:
        table = pa.concat_tables(tables)
    except pa.ArrowInvalid as error:  # same columns, other types: not files of one mirror
        raise CorruptDataError(f"The files {', '.join(path.name for path in paths)} do not fit together "
                               f"({first_line(error)}); {damaged_file_advice(paths[-1])}.") from None
    expected = sum(shard.rows for shard in shards)
    if table.num_rows != expected:
        raise CorruptDataError(f"The data holds {table.num_rows:,} rows instead of {expected:,}; "
                               f"{damaged_file_advice(paths[0])}.")
    images = None
    if with_images:
        images = table.column("image").combine_chunks().field("bytes").to_pylist()
        table = table.drop(["image"])
    products = table.to_pandas().rename(columns=COLUMN_NAMES)
    products["year"] = products["year"].astype("int64")
    if images is not None:
        products["image"] = images
    order = ["id", "title", *CATEGORY_LEVELS, "gender", "colour", "season", "year", "usage"]
    return products[order + (["image"] if with_images else [])]


def save_local_copy(destination: str | Path, data_dir: str | Path | None = None, *,
                    progress: bool = True) -> Path:
    """Write the shards in the mirror's layout under destination/fashion-product-images-small."""
    target = Path(destination).expanduser() / DATASET_NAME / "data"
    with writing_into(target):
        target.mkdir(parents=True, exist_ok=True)
    sources = find_files(data_dir, SHARDS, progress=progress)
    for source, shard in zip(sources, SHARDS):
        check_contents_or_explain(source)
        final = target / shard.filename
        if source.resolve() != final.resolve():  # run again on the copy itself: nothing to do
            partial = final.with_name(final.name + ".part")
            with writing_into(target):
                try:
                    shutil.copyfile(source, partial)
                    partial.replace(final)
                finally:
                    with contextlib.suppress(OSError):
                        partial.unlink(missing_ok=True)
        check_shard(final, shard, "copy it again")
    return target.parent


def check_contents_or_explain(path: Path) -> None:
    """A copy must not spread damage: read the source through first."""
    try:
        check_contents(path)
    except CorruptDataError as error:
        raise CorruptDataError(f"{path} cannot be copied: {error}; {damaged_file_advice(path)}.") from None
