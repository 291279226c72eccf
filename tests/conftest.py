"""Fixtures: tiny shards in the mirror's layout, built here, and a local HTTP server."""
from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import pytest

from workshop_utils import data
from tools import ROOT


def jpeg_bytes(colour=(200, 30, 30), size=(60, 80)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def write_shard(path: Path, rows: int, first_id: int = 0) -> None:
    """A parquet file with the mirror's schema and `rows` made-up products."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = [("Apparel", "Topwear", "Shirts"), ("Accessories", "Watches", "Watches"),
             ("Footwear", "Shoes", "Casual Shoes")]
    ids = list(range(first_id, first_id + rows))
    table = pa.table({
        "id": pa.array(ids, pa.int64()),
        "gender": ["Men" if i % 2 else "Women" for i in ids],
        "masterCategory": [kinds[i % 3][0] for i in ids],
        "subCategory": [kinds[i % 3][1] for i in ids],
        "articleType": [kinds[i % 3][2] for i in ids],
        "baseColour": ["Blue"] * rows,
        "season": ["Summer"] * rows,
        "year": pa.array([2012.0] * rows, pa.float64()),
        "usage": ["Casual"] * rows,
        "productDisplayName": [f"Brand {i % 5} {kinds[i % 3][2]} number {i}" for i in ids],
        "image": pa.array([{"bytes": jpeg_bytes((i * 40 % 255, 90, 160)), "path": f"{i}.jpg"} for i in ids],
                          pa.struct([("bytes", pa.binary()), ("path", pa.string())])),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


@pytest.fixture(autouse=True)
def learner_settings(monkeypatch):
    """CI sets WORKSHOP_STRICT_CHECKS and WORKSHOP_OFFLINE for the solution notebooks; the unit
    tests check a learner's defaults (a hint, not an error; downloads allowed) unless a test
    sets them itself."""
    monkeypatch.delenv("WORKSHOP_STRICT_CHECKS", raising=False)
    monkeypatch.delenv("WORKSHOP_OFFLINE", raising=False)
    # A test's setup() makes its settings the helpers' (config.use); the next test starts without.
    monkeypatch.setattr("workshop_utils.config._active", None)


@pytest.fixture
def tiny_copy(tmp_path):
    """A local copy laid out like the mirror: folder/data/<two shards>, 6 + 5 rows."""
    folder = tmp_path / "fashion-product-images-small"
    shards = []
    for number, rows in enumerate((6, 5)):
        name = f"train-0000{number}-of-00002-test.parquet"
        write_shard(folder / "data" / name, rows, first_id=number * 100)
        shards.append(data.Shard(name, f"http://unused/{name}", rows))
    return folder, tuple(shards)


class MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of `server.folder`; `server.plan` can make requests fail."""

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        action = self.server.plan.pop(0) if self.server.plan else "serve"
        if action == "error":
            self.send_error(500, "Internal Server Error")
            return
        body = (self.server.folder / self.path.lstrip("/")).read_bytes()
        if action == "garbage":
            body = b"this is not parquet" * 100
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if action == "cut":  # announce the whole file, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def mirror(tiny_copy):
    """A local HTTP server on 127.0.0.1 serving the tiny shards; yields (server, shards)."""
    folder, shards = tiny_copy
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MirrorHandler)
    server.folder, server.plan, server.requests = folder / "data", [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    served = tuple(data.Shard(shard.filename, base + shard.filename, shard.rows) for shard in shards)
    yield server, served
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    """No data folder, an empty cache, no results file, no forced mode."""
    for name in ("WORKSHOP_DATA_DIR", "WORKSHOP_FAST", "WORKSHOP_RESULTS", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKSHOP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def checkout_copy(tmp_path, monkeypatch):
    """The files `repoint` rewrites (notebooks, tools/course.py, README), copied into tmp_path; the
    repository settings in memory are restored after the test."""
    import shutil

    from tools import course

    root = ROOT
    for folder in ("solutions", "notebooks"):
        shutil.copytree(root / folder, tmp_path / folder)
    for generated in ("tools/course.py", "workshop_utils/exercises/solutions.json"):
        (tmp_path / generated).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / generated, tmp_path / generated)
    shutil.copy(root / "README.md", tmp_path / "README.md")
    monkeypatch.setattr(course, "REPOSITORY", course.REPOSITORY)
    monkeypatch.setattr(course, "BRANCH", course.BRANCH)
    return tmp_path
