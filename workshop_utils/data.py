"""The product catalogue: where it comes from, how it is checked, how it is loaded.

Sources, in order: a folder given as argument or in WORKSHOP_DATA_DIR (laid out like the
public mirror), then the local cache, then a download of the pinned mirror.
"""
from __future__ import annotations

import hashlib
import http.client
import io
import shutil
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import CorruptDataError, DataUnavailableError, ImageDecodeError

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

DOWNLOAD_HINT = ("set WORKSHOP_DATA_DIR to a local copy of the data "
                 "(an instructor can make one with `python -m workshop_utils download --to DIR`), "
                 "or connect to the internet and run this again")


# ---------------------------------------------------------------- checking a file
def check_shard(path: Path, shard: Shard) -> None:
    """Raise CorruptDataError unless the file is a readable parquet file of the right shape."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_metadata(path)
        columns = set(metadata.schema.to_arrow_schema().names)
    except Exception as error:
        raise CorruptDataError(f"{path} is not a readable parquet file ({error}); "
                               "delete it and run again to fetch a fresh copy.") from None
    missing = sorted(set(COLUMN_NAMES) - columns)
    if missing:
        raise CorruptDataError(f"{path} lacks the columns {missing}; "
                               "it is not a shard of the Fashion Product Images mirror.")
    if metadata.num_rows != shard.rows:
        raise CorruptDataError(f"{path} holds {metadata.num_rows:,} rows instead of {shard.rows:,}; "
                               "delete it and run again to fetch a fresh copy.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- downloading
def progress_bar(total: int | None, description: str, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="B", unit_scale=True,
                unit_divisor=1024, disable=not enabled, file=sys.stderr)


def download(shard: Shard, destination: Path, *, retries: int = 3, retry_wait: float = 2.0,
             timeout: float = 30.0, progress: bool = True) -> Path:
    """Fetch one shard to `destination`, atomically, checked, with a progress bar.

    The bytes go to a `.part` file first; only a complete, verified file is renamed to
    its final name, so an interrupted download never looks like a finished one.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    last_problem = "no attempt made"
    for attempt in range(1, retries + 1):
        try:
            fetch_to(shard.url, partial, timeout=timeout, progress=progress,
                     description=f"{shard.filename[:14]} ({attempt}/{retries})")
            verify_download(partial, shard)
            partial.replace(destination)
            return destination
        except urllib.error.HTTPError as error:
            last_problem = f"the server answered HTTP {error.code} ({error.reason})"
            if 400 <= error.code < 500 and error.code not in (408, 429):
                break  # a missing file will not appear by asking again
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            last_problem = f"the server could not be reached ({reason})"
        except http.client.HTTPException as error:  # e.g. the connection dropped mid-file
            last_problem = f"the transfer broke off ({type(error).__name__})"
        except CorruptDataError as error:
            last_problem = f"the downloaded file was damaged ({error})"
        finally:
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


def verify_download(path: Path, shard: Shard) -> None:
    if shard.sha256 is not None and sha256_of(path) != shard.sha256:
        raise CorruptDataError("its sha256 checksum does not match the pinned one")
    check_shard(path, shard)


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
        check_shard(path, shard)
    return paths


def cached_files(cache: Path, shards=SHARDS, *, progress: bool = True, **download_options) -> list[Path]:
    """The shards in the cache, fetched (again) when missing or damaged."""
    folder = Path(cache) / DATASET_NAME / "data"
    paths = []
    for shard in shards:
        path = folder / shard.filename
        if path.exists():
            try:
                check_shard(path, shard)
                paths.append(path)
                continue
            except CorruptDataError as error:
                warnings.warn(f"The cached file was damaged and is fetched again: {error}", stacklevel=2)
                path.unlink()
        if config.offline():
            raise DataUnavailableError(f"{shard.filename} is not in the cache {folder} and WORKSHOP_OFFLINE=1 "
                                       f"forbids downloading it; {DOWNLOAD_HINT} (with WORKSHOP_OFFLINE unset).")
        paths.append(download(shard, path, progress=progress, **download_options))
    return paths


def find_files(data_dir: str | Path | None = None, shards=SHARDS, *, progress: bool = True,
               **download_options) -> list[Path]:
    folder = Path(data_dir) if data_dir is not None else config.data_dir_from_env()
    if folder is not None:
        return local_copy_files(folder, shards)
    return cached_files(config.cache_dir(), shards, progress=progress, **download_options)


# ---------------------------------------------------------------- loading
def load_products(data_dir: str | Path | None = None, *, with_images: bool = True,
                  shards=SHARDS, progress: bool = True, **download_options) -> pd.DataFrame:
    """The catalogue as one DataFrame: readable column names, one row per product.

    `image` holds each photo as JPEG bytes; `decode_image` turns them into pixels.
    Pass `with_images=False` to skip the photos (faster, less memory).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = find_files(data_dir, shards, progress=progress, **download_options)
    wanted = [name for name in COLUMN_NAMES if with_images or name != "image"]
    tables = [pq.read_table(path, columns=wanted) for path in paths]
    table = pa.concat_tables(tables)
    expected = sum(shard.rows for shard in shards)
    if table.num_rows != expected:
        raise CorruptDataError(f"The data holds {table.num_rows:,} rows instead of {expected:,}; "
                               "delete the cache folder and run again.")
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


def decode_image(jpeg: bytes | None, size: tuple[int, int] | None = None) -> np.ndarray:
    """JPEG bytes -> (height, width, 3) uint8 array; `size` = (width, height) resizes."""
    from PIL import Image, UnidentifiedImageError

    if jpeg is None or len(jpeg) == 0:
        raise ImageDecodeError("This product has no photo (empty image bytes); skip it or use its title alone.")
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            image = image.convert("RGB")
            if size is not None:
                image = image.resize(size)
            return np.asarray(image)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageDecodeError(f"These bytes are not a readable image ({error}); "
                               "the file may be corrupt: skip it or use the title alone.") from None


def save_local_copy(destination: str | Path, data_dir: str | Path | None = None, *,
                    progress: bool = True) -> Path:
    """Write the shards in the mirror's layout under destination/fashion-product-images-small."""
    target = Path(destination).expanduser() / DATASET_NAME / "data"
    target.mkdir(parents=True, exist_ok=True)
    for source, shard in zip(find_files(data_dir, SHARDS, progress=progress), SHARDS):
        final = target / shard.filename
        if source.resolve() != final.resolve():
            partial = final.with_name(final.name + ".part")
            shutil.copyfile(source, partial)
            partial.replace(final)
        check_shard(final, shard)
    return target.parent
