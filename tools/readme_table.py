"""The README's table of notebooks, written from the course manifest (tools/course.py)."""
from __future__ import annotations

from pathlib import Path


def expected(root: Path, solutions: dict) -> dict[Path, str]:
    """{path: text} of the files this module writes; `solutions` maps each solution's path to its
    normalised notebook."""
    return {}
