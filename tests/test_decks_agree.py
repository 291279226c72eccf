"""Each deck agrees with its notebook, and every slide has speaker notes.

An instructor reads a slide and then opens the notebook: a parameter count, a callback setting or
an exercise list that differs between the two costs the room's trust. So the decks' hand-over
slides list exactly the notebooks' exercises, the code written on slides is the notebooks' code,
the settings a deck's figures use (a vectorizer, a model) are the notebooks', and every slide
carries notes with its minutes and a question for the room.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from tools import answer_key, course, guide_tables, slides
from tools import ROOT

DECKS = [ROOT / "slides" / f"{name}.ipynb" for name in course.decks()]
GUIDE = ROOT / "slides" / "README.md"


def solution(number: str) -> Path:
    return ROOT / "solutions" / f"{course.notebook(number).name}.ipynb"


def covered(deck: Path) -> list[Path]:
    """The notebooks a deck introduces, as the course manifest says (deck 01 opens the day with
    notebook 00; the concepts deck introduces none)."""
    return [solution(entry.number) for entry in course.presented_with(deck.stem)]


def slide_groups(deck: Path) -> list[list]:
    """The visible slides of a deck, each as its cells (notes included), as reveal.js shows them."""
    groups = []
    for cell in nbformat.read(deck, as_version=4).cells:
        kind = slides.slide_type(cell)
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


def slide_title(group) -> str:
    found = re.search(r"^#{1,3} +(.+)$", next((c.source for c in group if c.cell_type == "markdown"), ""), re.M)
    return found[1].strip() if found else ""


def notes(group) -> list[str]:
    return [cell.source for cell in group if slides.slide_type(cell) == "notes"]


MINUTES = re.compile(r"^\*\*(\d*½?) min\.\*\*")  # "**2 min.**", "**½ min.**", "**1½ min.**"
ASK = re.compile(r"\*\*Ask:\*\*[^?]+\?")


# ---------------------------------------------------------------- notes on every slide
@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_every_slide_has_notes_with_its_minutes_and_a_question(deck):
    problems = []
    for number, group in enumerate(slide_groups(deck), start=1):
        said = notes(group)
        where = f"slide {number} ({slide_title(group)!r})"
        if not said:
            problems.append(f"{where}: no speaker notes")
        elif not MINUTES.match(said[0]):
            problems.append(f"{where}: the notes do not start with its minutes, '**N min.**' (N may end in ½)")
        elif not ASK.search("\n".join(said)):
            problems.append(f"{where}: the notes ask the room nothing ('**Ask:** ...?')")
    assert not problems, f"{deck.name}:\n" + "\n".join(problems)


def minutes(said: str) -> float:
    found = MINUTES.match(said)[1]
    return float(found.rstrip("½") or 0) + (0.5 if found.endswith("½") else 0)


def teaching_minutes(deck: Path) -> int:
    """The deck's share of the day: its notebooks' teaching minutes, or the guide's concepts slot."""
    if not covered(deck):
        found = re.search(rf"\(deck {deck.stem[:2]}\)[^|]*\|\s*(\d+) \+", GUIDE.read_text(encoding="utf-8"))
        return int(found[1])
    time_line = re.compile(r"\*\*Time:\*\* about (\d+) min teaching")
    return sum(int(time_line.search(nbformat.read(path, as_version=4).cells[0].source)[1])
               for path in covered(deck))


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_the_notes_minutes_fit_the_teaching_time(deck):
    total = sum(minutes(said[0]) for group in slide_groups(deck) if (said := notes(group)) and MINUTES.match(said[0]))
    assert 0 < total <= teaching_minutes(deck), (
        f"{deck.name}: the notes add up to {total:g} min, the schedule gives the slides at most "
        f"{teaching_minutes(deck)} (the teaching time, which also walks through the notebook)")


# ---------------------------------------------------------------- the exercises
def hand_over(deck: Path) -> str:
    found = [cell.source for group in slide_groups(deck) if slide_title(group).startswith("In the notebook")
             for cell in group if cell.cell_type == "markdown" and slides.slide_type(cell) != "notes"]
    assert found, f"{deck.name} has no hand-over slide, '## In the notebook: the exercises'"
    return "\n".join(found)


def plain(markdown: str) -> str:
    return " ".join(re.sub(r"[*`_]", "", markdown).lower().split())


@pytest.mark.parametrize("deck", DECKS[1:], ids=lambda p: p.stem)
def test_the_hand_over_slide_lists_the_notebooks_exercises(deck):
    """Deck NN's hand-over slide names notebook NN's exercises, in order, by their headings, and marks
    the optional ones: the list the room works from."""
    exercises = answer_key.exercises(covered(deck)[-1])
    items = re.findall(r"^(\d+)\. (.+)$", hand_over(deck), re.M)
    assert [int(number) for number, _ in items] == [exercise.number for exercise in exercises]
    for (number, item), exercise in zip(items, exercises):
        assert plain(item).startswith(plain(exercise.title)), (
            f"{deck.name}, item {number}: {item!r} should start with the notebook's heading {exercise.title!r}")
        assert ("(optional)" in item) == exercise.optional, (
            f"{deck.name}, item {number}: the notebook marks it {'optional' if exercise.optional else 'core'}")


# ---------------------------------------------------------------- the code
COMMENT = re.compile(r"(^|\s)#.*$", re.M)
TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(code: str) -> str:
    return " ".join(TOKEN.findall(COMMENT.sub("", code)))


def notebook_code(paths) -> str:
    return "\n".join(tokens(cell.source) for path in paths for cell in nbformat.read(path, as_version=4).cells
                     if cell.cell_type == "code")


def slide_code_blocks(deck: Path) -> list[str]:
    return [block for cell in nbformat.read(deck, as_version=4).cells if cell.cell_type == "markdown"
            for block in re.findall(r"```python\n(.*?)```", cell.source, re.S)]


@pytest.mark.parametrize("deck", DECKS[1:], ids=lambda p: p.stem)
def test_code_on_slides_is_the_notebooks_code(deck):
    """Every Python block on a slide is the notebook's code (comments aside; a line '...' skips some).
    A call with an argument of its own, or a layer the notebook does not use, fails here. A call of
    the `text` helper is allowed: notebook 03 asserts that it is its own pipeline, and
    test_examples_agree checks the value the slide says it returns."""
    code = notebook_code(covered(deck))
    for block in slide_code_blocks(deck):
        for piece in re.split(r"^\s*\.\.\.\s*$", block, flags=re.M):
            for line in (line for line in piece.splitlines() if tokens(line) and not line.startswith("text.")):
                assert tokens(line) in code, f"{deck.name} shows code the notebook does not have: {line.strip()!r}"


# The calls whose arguments are settings a learner meets in the notebook.
SETTINGS = {"TfidfVectorizer", "CountVectorizer", "LogisticRegression", "TextVectorization", "Embedding", "Dense",
            "Dropout", "EarlyStopping", "ReduceLROnPlateau", "Adam", "Conv2D"}


class Variable(str):
    """An argument that is a name or an expression: its value is not known without running the code."""


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return Variable(ast.unparse(node))


def calls(code: str) -> dict[str, list[dict]]:
    """Each settings call's keyword arguments, by the name called."""
    found = {}
    lines = [line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
             for line in code.splitlines()]  # IPython magics become `pass`, indentation kept
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in SETTINGS:
                found.setdefault(name, []).append({k.arg: literal(k.value) for k in node.keywords if k.arg})
    return found


@pytest.mark.parametrize("deck", DECKS[1:], ids=lambda p: p.stem)
def test_decks_draw_with_the_notebooks_settings(deck):
    """A deck's figure that fits a vectorizer or builds a layer uses the settings of one such call in
    its notebook: the same keywords, with the same values where both give a value (a variable, which
    a deck may vary on purpose, matches any), so its numbers are the notebook's."""
    cells = nbformat.read(deck, as_version=4).cells
    in_deck = calls("\n".join(cell.source for cell in cells if cell.cell_type == "code"))
    in_notebook = calls("\n\n".join(cell.source for path in covered(deck)
                                    for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"))
    for name, used in in_deck.items():
        for keywords in used:
            assert any(all(key in theirs and (Variable in (type(value), type(theirs[key])) or theirs[key] == value)
                           for key, value in keywords.items())
                       for theirs in in_notebook.get(name, [])), (
                f"{deck.name} calls {name}({keywords}); notebook {covered(deck)[-1].stem} never does: "
                f"{in_notebook.get(name, 'no such call')}")


# ---------------------------------------------------------------- the guide
def generated_rows(table: list[str]) -> list[list[str]]:
    """The rows of a table tools/guide_tables.py writes into the guide, header and rule left out, as
    lists of cells; the guide holds that table as it is (or it is stale)."""
    assert "\n".join(table) in GUIDE.read_text(encoding="utf-8"), (
        f"slides/README.md: the table '{table[0]}' is stale; run `python -m tools notebooks`")
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table[2:]]


def test_the_run_sheet_names_each_notebooks_core_and_optional_exercises():
    """The run sheet (written from tools/course.py by tools/guide_tables.py) has a row per notebook,
    in order, the concepts deck's after the notebook it follows; the exercises are the notebook's."""
    rows = generated_rows(guide_tables.run_sheet(ROOT))
    numbers = [row[0][:2] for row in rows if row[0][:2].isdigit()]
    assert numbers == [entry.number for entry in course.NOTEBOOKS], "the run sheet's notebooks"
    blocks = [row[0] for row in rows]
    for concepts in course.CONCEPTS:
        at = blocks.index(f"{concepts.block}, {concepts.minutes} min")
        assert at and blocks[at - 1][:2] == concepts.after, (
            f"run sheet: deck {concepts.deck} comes after notebook {concepts.after}")
    for row in rows:
        if not row[0][:2].isdigit():
            continue
        exercises = answer_key.exercises(solution(row[0][:2]))
        for column, optional in ((2, False), (3, True)):
            listed = [int(n) for n in re.findall(r"\d+", row[column])]
            assert listed == [e.number for e in exercises if e.optional == optional], (
                f"run sheet, notebook {row[0][:2]}: {'optional' if optional else 'core'} exercises {listed}")


def test_the_guides_deck_table_counts_each_decks_slides():
    """The deck table's slide counts, counted here as reveal.js groups the cells (slide_groups)."""
    counts = {row[0].strip("`"): row[2] for row in generated_rows(guide_tables.deck_table(ROOT))}
    assert list(counts) == course.decks(), "the deck table's decks"
    for deck in DECKS:
        assert counts[deck.stem] == str(len(slide_groups(deck))), (
            f"slides/README.md, The decks: the slide count of {deck.stem}")
