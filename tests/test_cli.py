"""The command line: offline kit for instructors, notebook generation, short errors."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop_utils import data

ROOT = Path(__file__).resolve().parents[1]


def cli(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workshop_utils", *arguments], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **environment}, timeout=300)


def test_notebooks_check_passes_on_a_clean_tree():
    finished = cli("notebooks", "--check")
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_a_bad_data_folder_is_one_line_and_exit_code_1(tmp_path):
    finished = cli("download", "--to", str(tmp_path / "kit"), "--data-dir", str(tmp_path / "nowhere"))
    assert finished.returncode == 1
    assert finished.stderr.strip().count("\n") == 0 and "WORKSHOP_DATA_DIR" in finished.stderr


@pytest.mark.skipif(not (os.environ.get("WORKSHOP_DATA_DIR") and os.environ.get("NLTK_DATA")),
                    reason="needs the real data and NLTK stopwords (WORKSHOP_DATA_DIR, NLTK_DATA)")
def test_download_to_makes_a_kit_that_works_offline(tmp_path):
    finished = cli("download", "--to", str(tmp_path / "kit"))
    assert finished.returncode == 0, finished.stderr
    dataset = tmp_path / "kit" / data.DATASET_NAME
    assert f"WORKSHOP_DATA_DIR={dataset}" in finished.stdout
    assert (tmp_path / "kit" / "nltk_data" / "corpora" / "stopwords.zip").exists()
    # The kit alone is enough: load from it with the original copy out of sight.
    probe = ("from workshop_utils.data import load_products; from workshop_utils.stopwords import english_stopwords;"
             "print(len(load_products(with_images=False)), len(english_stopwords()))")
    finished = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "WORKSHOP_DATA_DIR": str(dataset),
                                   "NLTK_DATA": str(tmp_path / "kit" / "nltk_data"),
                                   "WORKSHOP_CACHE": str(tmp_path / "empty-cache")})
    assert finished.stdout.split() == ["44072", "179"], finished.stderr


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "    python3 tasks.py test\n" in readme and "\npython3 tasks.py test\n" in ci
