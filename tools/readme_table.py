"""The README's table of notebooks, written from the course manifest (tools/course.py).

The table is the block of rows from the `| # | Part | Time | ...` header to the first line after it
that is not a table row; the rest of the README is the maintainers' prose and is left as it is.
"""
from __future__ import annotations

from pathlib import Path

from workshop_utils.errors import WorkshopError

from . import course

README = "README.md"
HEADER = "| # | Part | Time | What you do | Open | |"
RULE = "|---|---|---|---|---|---|"


class ManifestError(WorkshopError):
    """The solutions, the README and the course manifest do not fit together."""


def row(entry: course.Notebook) -> str:
    from .notebooks import SOLUTIONS, STUDENT_COPIES, badge

    part = entry.title + (" *(optional)*" if entry.optional else "")
    solution = f"[solution]({SOLUTIONS}/{entry.name}.ipynb)"
    return (f"| {entry.number} | {part} | {entry.minutes} min | {entry.does} | "
            f"{badge(STUDENT_COPIES, entry.name + '.ipynb')} | {solution} |")


def table() -> list[str]:
    return [HEADER, RULE, *(row(entry) for entry in course.NOTEBOOKS)]


def unlisted(root: Path, solutions) -> list[str]:
    """Solution notebooks with no manifest entry, and manifest entries with no solution notebook."""
    from .notebooks import SOLUTIONS

    found = {Path(path).name for path in solutions}
    listed = {f"{entry.name}.ipynb" for entry in course.NOTEBOOKS}
    return ([f"{SOLUTIONS}/{name} is not in tools/course.py's NOTEBOOKS" for name in sorted(found - listed)]
            + [f"tools/course.py lists {name.removesuffix('.ipynb')}, which has no {SOLUTIONS}/{name}"
               for name in sorted(listed - found)])


def replace_table(text: str, header: str, table: list[str], where: str) -> str:
    """`text` with the markdown table whose header line starts with `header` replaced by `table`."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if line.strip().startswith(header)]
    if len(starts) != 1:
        raise ManifestError(f"{where} needs exactly one table whose header line starts '{header}' "
                            f"(found {len(starts)}): put it back, then run `python -m tools notebooks`.")
    start = end = starts[0]
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    return "\n".join(lines[:start] + table + lines[end + 1:])


def with_table(text: str, where: str = README) -> str:
    """`text` (the README) with its table of notebooks rewritten from the manifest."""
    return replace_table(text, "| # | Part | Time |", table(), where)  # whatever its other columns say


def expected(root: Path, solutions: dict) -> dict[Path, str]:
    """{path: text} of the files this module writes; `solutions` maps each solution's path to its
    normalised notebook."""
    problems = unlisted(root, solutions)
    if problems:
        raise ManifestError("; ".join(problems) + ": a notebook is its solution plus one entry in "
                            "tools/course.py (see its docstring).")
    path = root / README
    if not path.exists():
        return {}
    return {path: with_table(path.read_text(encoding="utf-8"), str(path))}
