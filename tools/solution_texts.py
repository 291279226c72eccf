"""Each exercise's solution as its check shows it, taken from the solution notebook.

`check.qN.solution()` prints the text written here, in workshop_utils/exercises/solutions.json
({"04": {"q1": "answer = ...", ...}, ...}); the solution notebook is the one place it is written.

Which exercise a solution belongs to: the `check.qN(...)` call of its cell. A solution may also
sit in a cell before the call (a cell with solution markers, or a code cell tagged `solution`): it
then belongs to the next check call, which must come before the next `Exercise` heading.

What is shown: the code a learner types. `name = value  # SOLUTION` shows `name = value`; a
top-level `# BEGIN SOLUTION` block shows its lines; a block (or a SOLUTION line) inside a function
shows the whole function, markers removed, since that is what the learner's cell ends up holding.
"""
from __future__ import annotations

import ast
import importlib
import json
import re
import textwrap
from pathlib import Path

from .notebooks import BEGIN, CHECK_CALL, END, SOLUTION_LINE, NotebookSourceError, solution_blocks

PATH = Path("workshop_utils") / "exercises" / "solutions.json"
EXERCISE_HEADING = re.compile(r"^\s*#+\s*Exercise\b", re.MULTILINE | re.IGNORECASE)
SOLUTION_COMMENT = re.compile(r"#\s*SOLUTION\s*$")


def without_markers(line: str) -> str | None:
    """A line as the learner types it: None for a marker line, a `# SOLUTION` line as its assignment."""
    if line.strip() in (BEGIN, END):
        return None
    if SOLUTION_COMMENT.search(line):
        match = SOLUTION_LINE.match(line)
        return f"{match['indent']}{match['target'].rstrip()} = {match['value']}" if match else line
    return line


def functions(source: str) -> list[tuple[int, int]]:
    """(first line, last line), counted from 0, of each top-level function of a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(min([node.lineno] + [item.lineno for item in node.decorator_list]) - 1, node.end_lineno - 1)
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def solution_code(source: str, where: str) -> str:
    """The solution code of one cell ("" when it has no solution markers)."""
    lines = source.splitlines()
    pieces = [(begin + 1, end - 1) for begin, end, _ in solution_blocks(source, where)]
    pieces += [(number, number) for number, line in enumerate(lines) if SOLUTION_COMMENT.search(line)]
    shown, covered = [], set()
    for first, last in sorted(pieces):
        if first in covered:  # a SOLUTION line inside a block, or a second block of a function shown
            continue
        first, last = next(((start, stop) for start, stop in functions(source) if start <= first <= stop),
                           (first, last))
        covered.update(range(first, last + 1))
        kept = [line for line in map(without_markers, lines[first:last + 1]) if line is not None]
        shown.append(textwrap.dedent("\n".join(kept)).strip("\n"))
    return "\n".join(piece for piece in shown if piece)


def notebook_solutions(notebook, filename: str) -> dict[str, str]:
    """{exercise: solution text} of one solution notebook, in the order of the notebook."""
    texts: dict[str, str] = {}
    pending: list[tuple[int, str]] = []  # solution cells whose check call is still to come
    for index, cell in enumerate(notebook.cells):
        where = f"{filename}, cell {index}"
        if cell.cell_type != "code":
            if EXERCISE_HEADING.search(cell.source) and pending:
                raise NotebookSourceError(
                    f"{filename}, cell {pending[0][0]} holds a solution, but no check.qN(...) call follows it "
                    f"before the next exercise (cell {index}): put the check call in its cell or after it.")
            continue
        tagged = "solution" in cell.metadata.get("tags", [])
        code = cell.source.strip("\n") if tagged else solution_code(cell.source, where)
        if code:
            pending.append((index, code))
        calls = list(dict.fromkeys(call["name"] for call in CHECK_CALL.finditer(cell.source)))
        if len(calls) > 1 and pending:
            raise NotebookSourceError(f"{where} calls {', '.join(f'check.{name}' for name in calls)}: a solution "
                                      "cannot be attributed to one exercise; give each exercise its own cell.")
        if calls and pending:
            texts[calls[0]] = "\n\n".join(filter(None, [texts.get(calls[0])] + [text for _, text in pending]))
            pending = []
    if pending:
        raise NotebookSourceError(f"{filename}, cell {pending[0][0]} holds a solution, but no check.qN(...) "
                                  "call follows it.")
    return texts


def checks_of(number: str) -> list[str]:
    """The names of notebook `number`'s checks (workshop_utils/exercises/nbNN.py), [] when it has none."""
    try:
        module = importlib.import_module(f"workshop_utils.exercises.nb{number}")
    except ModuleNotFoundError:
        return []
    return [exercise.name for exercise in module.EXERCISES]


def expected(root: Path, solutions: dict) -> dict[Path, str]:
    """{path: text} of the files this module writes; `solutions` maps each solution's path to its
    normalised notebook."""
    texts = {}
    for path, notebook in sorted(solutions.items()):
        number = path.name[:2]
        found = notebook_solutions(notebook, path.name)
        called = [call["name"] for cell in notebook.cells if cell.cell_type == "code"
                  for call in CHECK_CALL.finditer(cell.source)]
        missing = [name for name in dict.fromkeys(checks_of(number) + called) if name not in found]
        if missing:
            raise NotebookSourceError(
                f"{path.name}: no solution for {', '.join(missing)}: mark it in the cell of its check call "
                "(`answer = ...  # SOLUTION`, or # BEGIN SOLUTION / # END SOLUTION), so check.qN.solution() "
                "can show it.")
        if found:
            texts[number] = found
    return {root / PATH: json.dumps(texts, indent=1, ensure_ascii=False) + "\n"}
