"""Bad Wi-Fi, damaged files, read-only disks, odd inputs: one clear sentence, never a hang.

Servers here run on 127.0.0.1; nothing uses the network.
"""
from __future__ import annotations

import errno
import io
import math
import os
import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import jpeg_bytes, write_shard
from workshop_utils import data, images, stopwords, text
from workshop_utils.__main__ import main as cli_main
from workshop_utils.errors import CorruptDataError, DataUnavailableError, ImageDecodeError, StorageError

QUICK = {"retries": 2, "retry_wait": 0.01, "timeout": 5}


def one_sentence(message: str) -> bool:
    return "\n" not in message.strip() and "Traceback" not in message and len(message) < 500


def zero_the_middle(path: Path) -> None:
    """Damage inside the file, footer intact, as a bad sector or a half-synced USB stick does:
    the middle half of the photos' column chunk becomes zeros."""
    import pyarrow.parquet as pq

    chunks = [pq.read_metadata(path).row_group(0).column(number) for number in range(11)]
    photos = max(chunks, key=lambda chunk: chunk.total_compressed_size)
    first = min(offset for offset in (photos.dictionary_page_offset, photos.data_page_offset) if offset)
    start, end = first + photos.total_compressed_size // 4, first + 3 * photos.total_compressed_size // 4
    content = bytearray(path.read_bytes())
    content[start:end] = bytes(end - start)
    path.write_bytes(bytes(content))


@pytest.fixture
def silent_server():
    """Accepts connections and never answers (a captive portal, a stuck proxy)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


# ---------------------------------------------------------------- 1. stopwords
@pytest.fixture
def no_stopwords_corpus(monkeypatch, tmp_path):
    import nltk

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "empty-nltk-data")])
    stopwords.english_stopwords.cache_clear()
    yield
    stopwords.english_stopwords.cache_clear()


def test_offline_stopwords_make_no_network_call_and_say_what_changes(no_stopwords_corpus, monkeypatch, capsys):
    import nltk.downloader

    def no_network(*args, **kwargs):
        raise AssertionError("a download was attempted with WORKSHOP_OFFLINE=1")

    monkeypatch.setattr(nltk.downloader.Downloader, "download", no_network)
    monkeypatch.setenv("WORKSHOP_OFFLINE", "1")
    with pytest.warns(UserWarning, match="WORKSHOP_OFFLINE=1") as warned:
        assert stopwords.english_stopwords() == stopwords.FALLBACK
    message = str(warned[0].message)
    assert "878 of the 44,072 titles" in message and "NLTK_DATA" in message and one_sentence(message)
    assert "[nltk_data]" not in capsys.readouterr().out


def test_a_stopwords_download_that_gets_no_answer_gives_up_quickly(no_stopwords_corpus, monkeypatch, silent_server,
                                                                   capsys):
    monkeypatch.setattr(stopwords, "INDEX_URL", silent_server + "index.xml")
    started = time.perf_counter()
    with pytest.warns(UserWarning, match="could not be downloaded"):
        assert stopwords.english_stopwords(timeout=0.5) == stopwords.FALLBACK
    assert time.perf_counter() - started < 5
    printed = capsys.readouterr()
    assert "[nltk_data]" not in printed.out + printed.err


@pytest.mark.skipif(not (os.environ.get("WORKSHOP_DATA_DIR") and os.environ.get("NLTK_DATA")),
                    reason="needs the real data and NLTK stopwords (WORKSHOP_DATA_DIR, NLTK_DATA)")
def test_the_fallback_effect_quoted_is_measured():
    titles = data.load_products(with_images=False)["title"]
    steps = list(text.STEPS)
    before_stopwords, after = steps[:steps.index("stopwords")], steps[steps.index("stopwords") + 1:]

    def normalised(stopword_list):
        rows = []
        for title in titles:
            tokens = text.remove_stopwords(text.normalise_tokens(title, before_stopwords), stopword_list)
            rows.append(" ".join(text.normalise_tokens(" ".join(tokens), after) if after == ["stem"] else tokens))
        return rows

    changed = sum(a != b for a, b in zip(normalised(stopwords.english_stopwords()), normalised(stopwords.FALLBACK)))
    assert f"{changed:,} of the {len(titles):,} titles ({changed / len(titles):.0%})" in stopwords.FALLBACK_EFFECT


# ---------------------------------------------------------------- 2, 3. damaged files, the right advice
def test_damage_inside_a_cached_shard_is_caught_and_repaired(mirror, clean_environment):
    server, shards = mirror
    data.load_products(shards=shards, progress=False, **QUICK)
    cached = clean_environment / data.DATASET_NAME / "data" / shards[1].filename
    zero_the_middle(cached)
    assert data.shard_problem(cached, shards[1]) is None, "the footer checks alone cannot see this damage"
    with pytest.warns(UserWarning, match="no longer matches its sha256"):
        products = data.load_products(shards=shards, progress=False, **QUICK)
    assert len(products) == 11 and server.requests[-1].endswith(shards[1].filename)


def test_damage_inside_a_local_copy_is_one_sentence_that_does_not_say_delete(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    zero_the_middle(folder / "data" / shards[0].filename)
    with pytest.raises(CorruptDataError, match="damaged") as raised:
        data.load_products(folder, shards=shards)
    message = str(raised.value)
    assert one_sentence(message) and "delete" not in message.lower() and "WORKSHOP_DATA_DIR" in message
    assert (folder / "data" / shards[0].filename).exists(), "a local copy is never deleted"


def test_an_unreadable_local_copy_is_not_to_be_deleted(tiny_copy, clean_environment):
    folder, shards = tiny_copy
    (folder / "data" / shards[0].filename).write_bytes(b"<html>not found</html>")
    with pytest.raises(CorruptDataError, match="not a readable parquet file") as raised:
        data.load_products(folder, shards=shards)
    assert "delete" not in str(raised.value).lower()


def test_a_copy_of_the_first_shard_under_the_second_name_is_refused(tmp_path, clean_environment):
    folder = tmp_path / "copy"
    write_shard(folder / "data" / "first.parquet", 6)
    shutil.copyfile(folder / "data" / "first.parquet", folder / "data" / "second.parquet")
    shards = (data.Shard("first.parquet", "http://unused/first", 6), data.Shard("second.parquet", "http://unused/s", 6))
    with pytest.raises(CorruptDataError, match="second.parquet repeats 6 products") as raised:
        data.load_products(folder, shards=shards, with_images=False)
    assert one_sentence(str(raised.value))


def test_a_cut_download_never_mentions_a_part_file(mirror, clean_environment, monkeypatch):
    server, shards = mirror

    def half_a_file(url, path, **options):  # a transfer cut off with no length announced
        path.write_bytes((server.folder / shards[0].filename).read_bytes()[:3000])

    monkeypatch.setattr(data, "fetch_to", half_a_file)
    with pytest.raises(DataUnavailableError) as raised:
        data.download(shards[0], clean_environment / shards[0].filename, progress=False, **QUICK)
    assert ".part" not in str(raised.value) and "delete" not in str(raised.value).lower()
    assert one_sentence(str(raised.value))


def test_a_download_without_a_pinned_checksum_is_read_through_and_its_checksum_recorded(mirror, clean_environment):
    """The mirror's sha256 of the second shard is not known here: every page is decompressed
    on download, and the file's sha256 is recorded so that later damage in the cache is seen."""
    server, shards = mirror
    assert data.SHARDS[0].sha256 is not None
    zero_the_middle(server.folder / shards[1].filename)
    with pytest.raises(DataUnavailableError, match="content is damaged"):
        data.download(shards[1], clean_environment / shards[1].filename, progress=False, **QUICK)
    write_shard(server.folder / shards[1].filename, shards[1].rows, first_id=100)
    path = data.download(shards[1], clean_environment / shards[1].filename, progress=False, **QUICK)
    assert data.recorded_sha256(path, shards[1]) == data.sha256_of(path)


# ---------------------------------------------------------------- 4, 5. read-only and full disks, the CLI
@pytest.mark.parametrize("failure, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "read-only"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    (OSError(errno.ENOSPC, "No space left on device"), "is full"),
])
def test_a_read_only_or_full_disk_is_one_sentence(mirror, clean_environment, monkeypatch, failure, words):
    server, shards = mirror

    def cannot_write(url, path, **options):
        raise failure

    monkeypatch.setattr(data, "fetch_to", cannot_write)
    with pytest.raises(StorageError, match=words) as raised:
        data.load_products(shards=shards, progress=False, **QUICK)
    assert one_sentence(str(raised.value)) and "WORKSHOP_CACHE" in str(raised.value)


def test_a_cache_folder_that_cannot_be_created_is_one_sentence(mirror, clean_environment, monkeypatch):
    server, shards = mirror

    def read_only(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(StorageError, match="read-only"):
        data.load_products(shards=shards, progress=False, **QUICK)


def stopwords_corpus(folder: Path) -> Path:
    """A tiny stopwords.zip in NLTK's layout."""
    (folder / "corpora").mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "corpora" / "stopwords.zip", "w") as archive:
        archive.writestr("stopwords/english", "the\na\nof\n")
    return folder


@pytest.fixture
def kit(tiny_copy, tmp_path, monkeypatch, clean_environment):
    """An offline kit made by `download --to`, exported as the README says."""
    import nltk

    folder, shards = tiny_copy
    monkeypatch.setattr(data, "SHARDS", shards)
    destination = tmp_path / "usb"
    shutil.copytree(folder, destination / data.DATASET_NAME)
    stopwords_corpus(destination / "nltk_data")
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(destination / data.DATASET_NAME))
    monkeypatch.setattr(nltk.data, "path", [str(destination / "nltk_data")])
    return destination


def test_download_again_onto_the_same_kit_succeeds(kit, capsys):
    assert cli_main(["download", "--to", str(kit)]) == 0, capsys.readouterr().err
    assert "WORKSHOP_DATA_DIR=" in capsys.readouterr().out


def test_download_to_a_read_only_folder_is_one_sentence_and_exit_1(kit, tmp_path, monkeypatch, capsys):
    def read_only(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    assert cli_main(["download", "--to", str(tmp_path / "read-only")]) == 1
    error = capsys.readouterr().err
    assert "read-only" in error and one_sentence(error)


# ---------------------------------------------------------------- 7. a server that never answers
def test_a_silent_server_is_announced_at_once_and_given_up_quickly(silent_server, tmp_path, capsys):
    shard = data.Shard("x.parquet", silent_server + "x.parquet", 5)
    started = time.perf_counter()
    with pytest.raises(DataUnavailableError, match="sent nothing for 1 s") as raised:
        data.download(shard, tmp_path / "x.parquet", retries=2, retry_wait=0.01, timeout=0.6, progress=False)
    assert time.perf_counter() - started < 5
    assert "waiting for the server" in capsys.readouterr().out
    assert one_sentence(str(raised.value))


def test_the_default_patience_is_well_under_a_minute_and_a_half():
    defaults = data.download.__kwdefaults__
    worst = defaults["retries"] * defaults["timeout"] + sum(defaults["retry_wait"] * attempt
                                                           for attempt in range(1, defaults["retries"]))
    assert worst <= 40, f"a silent server keeps the learner waiting {worst:.0f} s"


# ---------------------------------------------------------------- 8. Unicode
def test_the_same_words_in_any_unicode_form_give_the_same_tokens():
    composed = "Crème Brûlée T-shirt for Men"
    forms = [
        composed,
        "Cre\u0300me Bru\u0302le\u0301e T-shirt for Men",  # letters and accents apart (NFD, as macOS types)
        "Crème\u00a0Brûlée T-shirt\u00a0for\u00a0Men",  # non-breaking spaces
        "Ｃｒèｍｅ Ｂｒûｌéｅ Ｔ-ｓｈｉｒｔ ｆｏｒ Ｍｅｎ",  # full-width letters
    ]
    steps = [step for step in text.STEPS if step != "stopwords"]  # no corpus needed
    expected = text.normalise(composed, steps)
    assert expected == "creme brule tshirt for men"
    assert [text.normalise(form, steps) for form in forms] == [expected] * len(forms)
    assert text.tokenize(forms[1]) == text.tokenize(composed)


# ---------------------------------------------------------------- 9. images
def image_file(image_format: str, size=(80, 60)) -> bytes:
    """A one-colour image file; size is (height, width), as images.IMAGE_SIZE."""
    from PIL import Image

    height, width = size
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 220)).save(buffer, format=image_format)
    return buffer.getvalue()


def bomb() -> bytes:
    """A 30,000 x 30,000 PNG in a few bytes: its header alone asks for 2.7 GB of pixels."""
    import struct
    import zlib

    png = image_file("PNG", size=(1, 1))
    header = struct.pack(">II", 30_000, 30_000) + png[24:29]
    return png[:16] + header + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + png[33:]


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "str path", "Path", "WEBP", "TIFF", "PNG"])
def test_decode_image_and_load_photo_accept_the_same_photos(kind, tmp_path):
    content = image_file(kind if kind in ("WEBP", "TIFF", "PNG") else "JPEG")
    path = tmp_path / "photo.img"
    path.write_bytes(content)
    given = {"bytearray": bytearray(content), "str path": str(path), "Path": path}.get(kind, content)
    assert images.decode_image(given).shape == (80, 60, 3)
    loaded = images.load_photo(given).numpy()
    assert loaded.shape == (*images.IMAGE_SIZE, 3) and abs(loaded[..., 2].mean() - 220 / 255) < 0.02


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_a_missing_photo_is_one_sentence_in_both(missing):
    for decode in (images.decode_image, images.load_photo):
        with pytest.raises(ImageDecodeError, match="no photo") as raised:
            decode(missing)
        assert one_sentence(str(raised.value))


def test_a_decompression_bomb_is_refused_in_one_sentence():
    for decode in (images.decode_image, images.load_photo):
        with pytest.raises(ImageDecodeError, match="too large to decode safely") as raised:
            decode(bomb())
        assert one_sentence(str(raised.value))


def test_image_dataset_names_a_truncated_jpeg_before_training():
    photos = [jpeg_bytes() for _ in range(4)]
    photos[2] = photos[2][: len(photos[2]) - 200]
    with pytest.raises(ImageDecodeError, match="position 2: the photo file is damaged: it is cut short"):
        images.image_dataset(photos, [0, 1, 0, 1], batch_size=2)


def test_shards_whose_columns_do_not_fit_together_are_one_sentence(tiny_copy, clean_environment):
    import pyarrow.parquet as pq

    folder, shards = tiny_copy
    path = folder / "data" / shards[1].filename
    table = pq.read_table(path)
    pq.write_table(table.set_column(table.schema.get_field_index("year"), "year", table.column("year").cast("int32")),
                   path)
    with pytest.raises(CorruptDataError, match="do not fit together") as raised:
        data.load_products(folder, shards=shards)
    assert one_sentence(str(raised.value)) and "delete" not in str(raised.value).lower()
