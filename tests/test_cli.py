"""The command line: offline kit for instructors, notebook generation, short errors."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop_utils import data
from tools import ROOT



def command_line(command: str) -> str:
    """The learner's package has one command (download); the maintainers' are in tools/."""
    return "workshop_utils" if command == "download" else "tools"


def cli(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", command_line(arguments[0]), *arguments], capture_output=True,
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


# ---------------------------------------------------------------- arguments checked before anything is written
def one_line_error(capsys, *arguments: str) -> str:
    """Run the command line in this process: it must fail with exit code 1 and one line."""
    import importlib

    main = importlib.import_module(f"{command_line(arguments[0])}.__main__").main
    assert main(list(arguments)) == 1
    error = capsys.readouterr().err.strip()
    assert error and "\n" not in error and "Traceback" not in error, error
    return error


@pytest.fixture
def clone(checkout_copy):
    """A clone of the repository in tmp_path, with its own package, so a command run there
    (`python -m tools` from that folder) rewrites that copy, never this checkout."""
    import shutil

    for package in ("workshop_utils", "tools"):
        shutil.copytree(ROOT / package, checkout_copy / package, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return checkout_copy


def tree(folder: Path) -> dict:
    """Every file's bytes, Python's own bytecode caches left out (running the command writes them)."""
    return {path: path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def test_repoint_refuses_a_repository_that_cannot_exist_and_changes_nothing(clone):
    before = tree(clone)
    finished = subprocess.run([sys.executable, "-m", "tools", "repoint", "../x"], capture_output=True,
                              text=True, cwd=clone, env={**os.environ, "PYTHONPATH": str(clone)}, timeout=300)
    assert finished.returncode == 1 and finished.stderr.strip().count("\n") == 0, finished.stderr
    assert "not a GitHub repository name" in finished.stderr and tree(clone) == before


@pytest.mark.parametrize("name", ["../x", "owner/..", "owner/.", "a/b/c", "-owner/name", "owner-/name", "own_er/name",
                                  "owner/", "/name", "owner/na me", "o" * 40 + "/name", "owner/name;rm", ""])
def test_repoint_checks_the_name_first(checkout_copy, name):
    from tools import notebooks
    from workshop_utils.errors import SettingError

    before = tree(checkout_copy)
    with pytest.raises(SettingError, match="not a GitHub repository name"):
        notebooks.repoint(name, checkout_copy)
    assert tree(checkout_copy) == before


@pytest.mark.parametrize("ref", ["a/.hidden", "v1.lock", "a//b", ".v1"])
def test_repoint_refuses_a_ref_git_refuses(checkout_copy, ref):
    from tools import notebooks

    with pytest.raises(ValueError, match="not a git branch"):
        notebooks.repoint("someone/fork", checkout_copy, ref=ref)


def test_repoint_takes_a_pasted_github_address(checkout_copy):
    from tools import notebooks

    notebooks.repoint("https://github.com/someone/fork.of_workshop.git", checkout_copy)
    assert 'REPOSITORY = "someone/fork.of_workshop"' in (checkout_copy / "tools" / "course.py").read_text()
    assert not list(checkout_copy.rglob(".partial-*"))


def test_repoint_outside_a_clone_is_one_sentence(tmp_path):
    from tools import notebooks
    from workshop_utils.errors import SettingError

    with pytest.raises(SettingError, match="not a clone"):
        notebooks.repoint("someone/fork", tmp_path)
    assert list(tmp_path.iterdir()) == []


FREEZE = ROOT / "constraints" / "colab-freeze.txt"


def test_colab_constraints_read_a_freeze_saved_by_powershell(tmp_path, capsys):
    from tools.__main__ import main

    utf16 = tmp_path / "freeze.txt"
    utf16.write_bytes(FREEZE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    assert main(["colab-constraints", str(utf16), "--out", str(tmp_path / "colab.txt")]) == 0, capsys.readouterr().err
    assert main(["colab-constraints", str(FREEZE), "--out", str(tmp_path / "expected.txt")]) == 0
    written, expected = ((tmp_path / name).read_text().splitlines()[1:] for name in ("colab.txt", "expected.txt"))
    assert written == expected


@pytest.mark.parametrize("line, words", [("numpy==latest", "line 14"), ("numpy==", "line 14"), ("numpy", "line 14"),
                                         ("numpy>=1.26", "line 14"), ("num py==1.0", "line 14"),
                                         ("numpy===1.0", "line 14"), ("numpy==3.0", "numpy twice")])
def test_a_freeze_line_that_is_not_name_equals_version_is_refused(tmp_path, capsys, line, words):
    lines = FREEZE.read_text(encoding="utf-8").splitlines()
    assert lines[13].count("==") == 1  # line 14: the first package line
    freeze = tmp_path / "freeze.txt"
    freeze.write_text("\n".join(lines[:13] + [line] + lines[13:]) + "\n")
    error = one_line_error(capsys, "colab-constraints", str(freeze), "--out", str(tmp_path / "colab.txt"))
    assert words in error and not (tmp_path / "colab.txt").exists()


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00", b"\x00\x01\x02\x03" * 10, b"", b"PK\x03\x04"])
def test_colab_constraints_on_a_binary_or_empty_file_is_one_line(tmp_path, capsys, content):
    freeze = tmp_path / "freeze.txt"
    freeze.write_bytes(content)
    one_line_error(capsys, "colab-constraints", str(freeze), "--out", str(tmp_path / "colab.txt"))
    assert not (tmp_path / "colab.txt").exists()


def test_constraints_never_replace_their_input_nor_write_into_nowhere(tmp_path, capsys):
    from tools import constraints
    from workshop_utils.errors import StorageError

    freeze = tmp_path / "freeze.txt"
    freeze.write_bytes(FREEZE.read_bytes())
    assert "input" in one_line_error(capsys, "colab-constraints", str(freeze), "--out", str(freeze))
    assert freeze.read_bytes() == FREEZE.read_bytes()
    one_line_error(capsys, "colab-constraints", str(freeze), "--out", str(tmp_path / "no" / "colab.txt"))
    one_line_error(capsys, "colab-constraints", str(freeze), "--out", str(tmp_path))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes((ROOT / "pyproject.toml").read_bytes())
    with pytest.raises(StorageError, match="input"):
        constraints.write_minimum_constraints(pyproject, pyproject)
    assert pyproject.read_bytes() == (ROOT / "pyproject.toml").read_bytes()


@pytest.mark.parametrize("command", ["download --to", "slides --out"])
def test_a_folder_argument_that_is_a_file_is_one_line(tmp_path, capsys, command):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    for target in (a_file, a_file / "kit"):
        assert "is a file, not a folder" in one_line_error(capsys, *command.split(), str(target))
    assert a_file.read_text() == "mine" and [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_a_maintainers_command_given_to_the_package_says_where_it_went():
    finished = subprocess.run([sys.executable, "-m", "workshop_utils", "slides", "00"], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
    assert finished.returncode == 1 and finished.stderr.strip().count("\n") == 0, finished.stderr
    assert "python -m tools slides 00" in finished.stderr
