"""Each notebook's core fits its slot, by a stated estimate.

A live session does the core: every section whose heading does not end in " (optional)" (a
heading's " (optional)" covers the sections under it). Its minutes are estimated as
  - prose at 150 words a minute: the markdown a learner reads (the Glossary, a reference, and the
    prompts of the exercises, which their minutes cover, aside);
  - half a minute for each code cell run and looked at (the cells of the exercises aside);
  - each exercise's own minutes, stated under its heading as "*About N min.*" (else 5).
The core must fit the notebook's slot, its teaching + exercise minutes in the course manifest
(tools/course.py, which its Time line and the guide's schedule state: tests/test_course.py), and its
exercises the exercise minutes.
Self-study does everything; `estimate` gives that figure too (README: about twice as long).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from tools import ROOT, course

SOLUTIONS = [ROOT / "solutions" / f"{entry.name}.ipynb" for entry in course.NOTEBOOKS]
WORDS_PER_MINUTE = 150
MINUTES_PER_CODE_CELL = 0.5
UNSTATED_EXERCISE_MINUTES = 5
HEADING = re.compile(r"^(#{2,6}) (.+?)\s*$")
EXERCISE = re.compile(r"^#{2,6} Exercise (\d+)\b")
STATED = re.compile(r"^\*About (\d+) min\.\*")
CHECK_CALL = re.compile(r"^check\.q\d+\(", re.MULTILINE)
TIME_LINE = re.compile(r"\*\*Time:\*\* about (\d+) min teaching \+ (\d+) min exercises")


@dataclass
class Part:
    words: int = 0
    code_cells: int = 0
    exercises: dict = field(default_factory=dict)  # number -> its minutes

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL
                + sum(self.exercises.values()))


def estimate(path: Path) -> dict[str, Part]:
    """{"core": ..., "everything": ...} for one notebook (the student copy's cells: no `solution` cells)."""
    parts = {"core": Part(), "everything": Part()}
    optional_from = None  # the level of the optional heading we are under
    for cell in nbformat.read(path, as_version=4).cells:
        if "solution" in cell.metadata.get("tags", []) or cell.source.startswith("## Glossary"):
            continue
        if cell.cell_type == "code":
            if not CHECK_CALL.search(cell.source):
                for name in ("everything",) + (() if optional_from else ("core",)):
                    parts[name].code_cells += 1
            continue
        exercise, words = None, 0
        for line in cell.source.splitlines():
            heading = HEADING.match(line)
            if heading:
                level = len(heading[1])
                if optional_from and level <= optional_from:
                    optional_from = None
                if not optional_from and heading[2].endswith(" (optional)"):
                    optional_from = level
                exercise = int(EXERCISE.match(line)[1]) if EXERCISE.match(line) else None
                counted = ("everything",) + (() if optional_from else ("core",))
                for name in counted if exercise else ():
                    parts[name].exercises[exercise] = UNSTATED_EXERCISE_MINUTES
            elif exercise is not None:  # the prompt: the exercise's minutes cover it
                stated = STATED.match(line.strip())
                for name in counted if stated else ():
                    parts[name].exercises[exercise] = int(stated[1])
            else:
                words += len(re.sub(r"<[^>]+>", " ", line).split())
        for name in ("everything",) + (() if optional_from else ("core",)):
            parts[name].words += words
    return parts


def slot(path: Path) -> tuple[int, int]:
    """(teaching, exercises) minutes: the manifest's, which the notebook's Time line must state."""
    entry = course.notebook(path.name)
    found = TIME_LINE.search(nbformat.read(path, as_version=4).cells[0].source)
    assert found and (int(found[1]), int(found[2])) == (entry.teaching, entry.exercises), (
        f"{path.name}'s Time line should say about {entry.teaching} min teaching + {entry.exercises} min "
        "exercises, as tools/course.py does")
    return entry.teaching, entry.exercises


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_core_fits_its_slot(path):
    teaching, exercises = slot(path)
    core = estimate(path)["core"]
    exercise_minutes = sum(core.exercises.values())
    assert exercise_minutes <= exercises, (
        f"the core exercises take {exercise_minutes} min; the notebook gives them {exercises}")
    assert core.minutes <= teaching + exercises, (
        f"the core takes about {core.minutes:.0f} min ({core.words:,} words, {core.code_cells} code cells, "
        f"{exercise_minutes} min of exercises); its slot is {teaching + exercises} min: trim it, or mark "
        "sections (optional)")


def test_the_estimate_counts_what_it_says():
    cells = [nbformat.v4.new_markdown_cell("# 99 · A notebook\n\n" + "word " * 150),
             nbformat.v4.new_code_cell("x = 1"),
             nbformat.v4.new_markdown_cell("## 1. Core\n\n### Exercise 1: a sum\n\n*About 4 min.* Add them up."),
             nbformat.v4.new_code_cell("answer = 1  # SOLUTION\ncheck.q1(answer)"),
             nbformat.v4.new_markdown_cell("## 2. More (optional)\n\n" + "word " * 300),
             nbformat.v4.new_code_cell("y = 2"),
             nbformat.v4.new_markdown_cell("### Exercise 2: deeper\n\nNo minutes said."),
             nbformat.v4.new_markdown_cell("## 3. Back to the core\n\nthree more words"),
             nbformat.v4.new_markdown_cell("## Glossary\n\n" + "term " * 500)]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "99_notebook.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
        parts = estimate(path)
    core, everything = parts["core"], parts["everything"]
    assert (core.code_cells, everything.code_cells, core.exercises) == (1, 2, {1: 4})
    assert core.words == 5 + 150 + 3 and everything.words == core.words + 300  # the title's words, not headings'
    assert everything.exercises == {1: 4, 2: UNSTATED_EXERCISE_MINUTES}
    assert core.minutes == pytest.approx(core.words / 150 + 0.5 + 4)
