"""The loader: local copy, cache, download (against a server on 127.0.0.1), and errors."""
from __future__ import annotations

import os

import numpy as np
import pytest

from tests.conftest import write_shard
from workshop_utils import data, images
from workshop_utils.errors import CorruptDataError, DataUnavailableError

QUICK = {"retries": 2, "retry_wait": 0.01, "timeout": 5}


def test_local_copy_gives_readable_columns(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    products = data.load_products(folder, shards=shards)
    assert len(products) == 11
    assert list(products.columns) == ["id", "title", "master_category", "sub_category", "article_type",
                                      "gender", "colour", "season", "year", "usage", "image"]
    assert products["year"].dtype == np.int64
    assert images.decode_image(products["image"].iloc[0]).shape == (80, 60, 3)
    assert not clean_environment.exists(), "a local copy must not fill the cache"


def test_environment_variable_selects_the_local_copy(tiny_copy, clean_environment, monkeypatch):
    folder, shards = tiny_copy
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(folder))
    assert len(data.load_products(shards=shards, with_images=False)) == 11


def test_without_images_the_column_is_absent(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    assert "image" not in data.load_products(folder, shards=shards, with_images=False)


def test_a_bad_path_says_which_variable_to_fix(tmp_path, clean_environment):
    with pytest.raises(DataUnavailableError, match="WORKSHOP_DATA_DIR") as error:
        data.load_products(tmp_path / "nowhere")
    assert "\n" not in str(error.value)


def test_a_folder_without_the_shards_names_them(tmp_path, tiny_copy, clean_environment):
    _, shards = tiny_copy
    (tmp_path / "empty" / "data").mkdir(parents=True)
    with pytest.raises(DataUnavailableError, match=shards[0].filename):
        data.load_products(tmp_path / "empty", shards=shards)


def test_a_shard_with_the_wrong_row_count_is_rejected(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    write_shard(folder / "data" / shards[1].filename, 3)
    with pytest.raises(CorruptDataError, match="3 rows instead of 5"):
        data.load_products(folder, shards=shards)


def test_a_file_that_is_not_parquet_is_rejected(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    (folder / "data" / shards[0].filename).write_bytes(b"<html>not found</html>")
    with pytest.raises(CorruptDataError, match="not a readable parquet file"):
        data.load_products(folder, shards=shards)


def test_download_fills_the_cache_with_progress(mirror, clean_environment, capsys):
    server, shards = mirror
    products = data.load_products(shards=shards, **QUICK)
    assert len(products) == 11
    files = sorted(path.name for path in (clean_environment / data.DATASET_NAME / "data").iterdir()
                   if path.suffix != ".sha256")  # the checksum recorded when each file was verified
    assert files == sorted(shard.filename for shard in shards), "no .part file may stay behind"
    assert "100%" in capsys.readouterr().err, "the download shows a progress bar"
    # A second load reads the cache and asks the server nothing.
    before = len(server.requests)
    data.load_products(shards=shards, **QUICK)
    assert len(server.requests) == before


def test_a_broken_transfer_leaves_no_file_that_looks_complete(mirror, clean_environment):
    server, shards = mirror
    server.plan = ["cut", "cut"]
    with pytest.raises(DataUnavailableError, match=shards[0].filename):
        data.download(shards[0], clean_environment / shards[0].filename, progress=False, **QUICK)
    assert not clean_environment.exists() or not any(clean_environment.iterdir())
    assert len(server.requests) == 2, "each failed attempt is retried up to the limit"


def test_a_server_error_is_retried_then_explained(mirror, clean_environment):
    server, shards = mirror
    server.plan = ["error", "error"]
    with pytest.raises(DataUnavailableError, match="HTTP 500") as error:
        data.load_products(shards=shards, progress=False, **QUICK)
    assert "WORKSHOP_DATA_DIR" in str(error.value)
    assert len(server.requests) == 2


def test_one_failure_then_success_recovers(mirror, clean_environment):
    server, shards = mirror
    server.plan = ["error"]
    assert len(data.load_products(shards=shards, progress=False, **QUICK)) == 11


def test_garbage_from_the_server_is_not_kept(mirror, clean_environment):
    server, shards = mirror
    server.plan = ["garbage", "garbage"]
    with pytest.raises(DataUnavailableError, match="damaged"):
        data.load_products(shards=shards, progress=False, **QUICK)
    assert not list(clean_environment.rglob("*.parquet*"))


def test_a_checksum_mismatch_is_caught(mirror, clean_environment):
    server, shards = mirror
    wrong = data.Shard(shards[0].filename, shards[0].url, shards[0].rows, sha256="0" * 64)
    with pytest.raises(DataUnavailableError, match="checksum"):
        data.download(wrong, clean_environment / wrong.filename, progress=False, **QUICK)


def test_a_corrupt_cached_file_is_fetched_again(mirror, clean_environment):
    server, shards = mirror
    data.load_products(shards=shards, progress=False, **QUICK)
    cached = clean_environment / data.DATASET_NAME / "data" / shards[0].filename
    cached.write_bytes(cached.read_bytes()[:100])  # a truncated file, as after a crash
    with pytest.warns(UserWarning, match="fetched again"):
        products = data.load_products(shards=shards, progress=False, **QUICK)
    assert len(products) == 11
    assert server.requests[-1].endswith(shards[0].filename)


def test_no_server_no_copy_says_what_to_do(tiny_copy, clean_environment):
    _, shards = tiny_copy
    closed = tuple(data.Shard(s.filename, f"http://127.0.0.1:9/{s.filename}", s.rows) for s in shards)
    with pytest.raises(DataUnavailableError) as error:
        data.load_products(shards=closed, progress=False, **QUICK)
    message = str(error.value)
    assert "could not be reached" in message and "WORKSHOP_DATA_DIR" in message
    assert "\n" not in message


def test_workshop_offline_reads_the_cache_and_never_downloads(mirror, clean_environment, monkeypatch):
    server, shards = mirror
    data.load_products(shards=shards, progress=False, **QUICK)  # fills the cache
    fetched = len(server.requests)
    monkeypatch.setenv("WORKSHOP_OFFLINE", "1")
    assert len(data.load_products(shards=shards, progress=False, **QUICK)) == 11
    (clean_environment / data.DATASET_NAME / "data" / shards[1].filename).unlink()
    with pytest.raises(DataUnavailableError, match="WORKSHOP_OFFLINE=1 forbids downloading"):
        data.load_products(shards=shards, progress=False, **QUICK)
    assert len(server.requests) == fetched, "nothing was fetched while offline"


def test_save_local_copy_writes_the_mirror_layout(tiny_copy, tmp_path, clean_environment, monkeypatch):
    folder, shards = tiny_copy
    monkeypatch.setattr(data, "SHARDS", shards)
    written = data.save_local_copy(tmp_path / "usb", folder)
    assert written == tmp_path / "usb" / data.DATASET_NAME
    assert len(data.load_products(written, shards=shards)) == 11


@pytest.mark.skipif(not os.environ.get("WORKSHOP_DATA_DIR"), reason="needs the real data (WORKSHOP_DATA_DIR)")
def test_the_real_catalogue_has_every_product():
    products = data.load_products(with_images=False)
    assert len(products) == data.EXPECTED_ROWS == 44_072
    assert products["article_type"].nunique() == 141
    assert products["title"].notna().all()
