#!/usr/bin/env python3
"""Set up and run the workshop with nothing but Python 3.10+ installed.

    python3 tasks.py lab         create .venv and open JupyterLab on notebooks/
    python3 tasks.py test        the whole test suite, as CI runs it (see README)
    python3 tasks.py benchmark   time and peak memory of loading the data and of each notebook

Environments live in .venv/ (lab), .venv-colab/ (Colab's versions, constraints/colab.txt)
and .venv-latest/ (the newest releases). Each is rebuilt only when its inputs change.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
COLAB_CONSTRAINTS = ROOT / "constraints" / "colab.txt"
SHARED = ROOT.parent / "shared"


def run(*command: str | Path, **options) -> None:
    print("$", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)


def python_of(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def environment(name: str, extras: str, constraints: Path | None = None, upgrade: bool = False) -> Path:
    """A virtual environment with the package installed (editable), reused while unchanged."""
    folder = ROOT / name
    inputs = [ROOT / "pyproject.toml"] + ([constraints] if constraints else [])
    stamp = hashlib.sha256(b"".join(path.read_bytes() for path in inputs) + extras.encode()).hexdigest()
    marker = folder / ".installed"
    if marker.exists() and marker.read_text() == stamp and python_of(folder).exists():
        return python_of(folder)
    if folder.exists():
        shutil.rmtree(folder)
    venv.create(folder, with_pip=True)
    python = python_of(folder)
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    command = [python, "-m", "pip", "install", "--quiet", "--editable", f".[{extras}]"]
    if constraints:
        command += ["--constraint", constraints]
    if upgrade:
        command += ["--upgrade", "--upgrade-strategy", "eager"]
    run(*command, cwd=ROOT)
    marker.write_text(stamp)
    return python


def offline_data_defaults() -> None:
    """Use ../shared's offline copies when present and nothing else was chosen."""
    data = SHARED / "data" / "fashion-product-images-small"
    if data.is_dir():
        os.environ.setdefault("WORKSHOP_DATA_DIR", str(data))
    if (SHARED / "nltk_data").is_dir():
        os.environ.setdefault("NLTK_DATA", str(SHARED / "nltk_data"))


def lab() -> None:
    python = environment(".venv", "lab")
    offline_data_defaults()
    run(python, "-m", "jupyter", "lab", "--notebook-dir", ROOT / "notebooks")


def browser_for_slide_test() -> None:
    """Debian's chromium, which the slide test renders a deck in: installed with apt-get when missing."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists() or not shutil.which("apt-get"):
        return
    if os.name != "posix" or (os.geteuid() != 0 and not shutil.which("sudo")):
        print("Chromium is missing and cannot be installed here: the slide rendering test will be skipped.")
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        run(*sudo, "apt-get", "update", "-q", env=quiet)
        run(*sudo, "apt-get", "install", "-y", "-q", "chromium", env=quiet)
    except subprocess.CalledProcessError:
        print("Installing chromium failed: the slide rendering test will be skipped.")


def test() -> None:
    offline_data_defaults()
    os.environ.setdefault("WORKSHOP_FAST", "1")
    os.environ.setdefault("WORKSHOP_STRICT_CHECKS", "1")  # a solution must pass its own checks
    os.environ.setdefault("WORKSHOP_OFFLINE", "1")  # the tests use local copies only, never the network
    browser_for_slide_test()
    failures = []
    colab = environment(".venv-colab", "dev,slides", COLAB_CONSTRAINTS)
    latest = environment(".venv-latest", "dev,slides", upgrade=True)
    for label, python, selection in (
        ("Colab's versions: unit tests and every solution notebook", colab, []),
        ("newest releases: unit tests", latest, ["-m", "not notebooks and not browser"]),
    ):
        print(f"\n=== {label} ===", flush=True)
        report = subprocess.run([str(python), "-m", "pytest", *selection], cwd=ROOT)
        if report.returncode != 0:
            failures.append(label)
    if failures:
        sys.exit("Failed: " + "; ".join(failures))
    print("\nAll test runs passed.")


def benchmark() -> None:
    offline_data_defaults()
    python = environment(".venv-colab", "dev,slides", COLAB_CONSTRAINTS)
    run(python, ROOT / "benchmarks" / "run.py", *sys.argv[2:])


if __name__ == "__main__":
    commands = {"lab": lab, "test": test, "benchmark": benchmark}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
