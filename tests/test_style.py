"""The code, notebooks included, passes the linter configured in pyproject.toml."""
import shutil
import subprocess
import sys
from pathlib import Path
from tools import ROOT



def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    finished = subprocess.run([ruff, "check", "--no-cache", "workshop_utils", "tests", "benchmarks", "solutions",
                               "slides", "tasks.py", "conftest.py"], cwd=ROOT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout[-4000:]
