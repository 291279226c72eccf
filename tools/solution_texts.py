"""Each exercise's solution as its check shows it, taken from the solution notebook."""
from __future__ import annotations

from pathlib import Path


def expected(root: Path, solutions: dict) -> dict[Path, str]:
    """{path: text} of the files this module writes; `solutions` maps each solution's path to its
    normalised notebook."""
    return {}
