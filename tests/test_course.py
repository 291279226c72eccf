"""The course manifest (tools/course.py) is the one list of notebooks: the files, the Time lines, the
decks and the guide's schedule agree with it, and adding a notebook needs one entry there."""
from __future__ import annotations

import ast
import re
import sys

import nbformat
import pytest

from tools import ROOT, course, readme_table, slides

GUIDE = ROOT / "slides" / "README.md"
TIME_LINE = re.compile(r"\*\*Time:\*\* about (\d+) min teaching \+ (\d+) min exercises")


def test_the_notebooks_are_numbered_in_order_from_00():
    assert [entry.number for entry in course.NOTEBOOKS] == [f"{n:02d}" for n in range(len(course.NOTEBOOKS))]
    assert len({entry.slug for entry in course.NOTEBOOKS}) == len(course.NOTEBOOKS)
    assert all(re.fullmatch(r"[a-z0-9_]+", entry.slug) for entry in course.NOTEBOOKS)
    assert course.live_day() and course.live_day() == course.NOTEBOOKS[:len(course.live_day())], (
        "optional notebooks come after the live day's")


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_every_notebook_file_is_in_the_manifest(folder):
    files = sorted(path.name for path in (ROOT / folder).glob("*.ipynb"))
    assert files == [f"{entry.name}.ipynb" for entry in course.NOTEBOOKS], (
        f"{folder}/ and tools/course.py's NOTEBOOKS list different notebooks")


@pytest.mark.parametrize("entry", course.NOTEBOOKS, ids=lambda entry: entry.number)
def test_each_notebook_has_its_checks_and_states_its_manifest_minutes(entry):
    assert (ROOT / "workshop_utils" / "exercises" / f"nb{entry.number}.py").is_file(), (
        f"notebook {entry.number} has no checks module workshop_utils/exercises/nb{entry.number}.py")
    first = nbformat.read(ROOT / "solutions" / f"{entry.name}.ipynb", as_version=4).cells[0].source
    found = TIME_LINE.search(first)
    assert found, f"{entry.name}: the first cell needs '**Time:** about N min teaching + M min exercises'"
    assert (int(found[1]), int(found[2])) == (entry.teaching, entry.exercises), (
        f"{entry.name} says {found[1]} + {found[2]} min; tools/course.py says {entry.teaching} + {entry.exercises}")
    title = re.search(r"^# (\d\d) · (.+)$", first, re.M)
    named = entry.title + (" (optional)" if entry.optional else "")
    assert title and title[1] == entry.number and title[2] == named, (
        f"{entry.name}: the title should be '# {entry.number} · {named}', as tools/course.py has it")


def test_the_decks_in_slides_are_the_manifests():
    found = sorted(path.stem for path in (ROOT / "slides").glob("[0-9][0-9]_*.ipynb"))
    assert found == course.decks(), "slides/ and tools/course.py (decks and CONCEPT_DECKS) disagree"
    assert [path.stem for path in slides.deck_sources()] == course.decks()
    for deck in course.CONCEPT_DECKS:
        assert course.presented_with(deck) == ()


def test_the_slide_build_refuses_a_deck_the_manifest_does_not_name_and_names_a_missing_one(tmp_path):
    for name in course.decks()[1:]:
        (tmp_path / f"{name}.ipynb").write_text("{}")
    (tmp_path / "99_stray.ipynb").write_text("{}")
    with pytest.raises(slides.SlidesError) as raised:
        slides.deck_sources(folder=tmp_path)
    said = str(raised.value)
    assert "99_stray.ipynb" in said and f"{course.decks()[0]}.ipynb" in said and "\n" not in said


def day_rows() -> list[list[str]]:
    section = GUIDE.read_text(encoding="utf-8").split("\n## The day", 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if re.match(r"\|\s*\d+:\d\d\s*\|", line)]


def test_the_guides_day_is_the_manifests_live_day():
    """Each notebook of the live day has one row in the guide's schedule, in order, with its deck and its
    manifest minutes; an optional notebook has none, and the guide states its minutes below the table."""
    rows = {}
    for row in day_rows():
        for number in re.findall(r"\bnotebook (\d\d)\b", row[1]):
            rows.setdefault(number, []).append(row)
    assert list(rows) == [entry.number for entry in course.live_day()], "the guide's day and the live day"
    for entry in course.live_day():
        [row] = rows[entry.number]
        assert row[2] == f"{entry.teaching} + {entry.exercises}" and row[3] == str(entry.minutes), (
            f"the guide's schedule gives notebook {entry.number} {row[2]} = {row[3]} min; tools/course.py "
            f"{entry.teaching} + {entry.exercises}")
        assert re.search(rf"\(deck {entry.deck[:2]}\b", row[1]), f"notebook {entry.number} comes with {entry.deck}"
    section = GUIDE.read_text(encoding="utf-8").split("\n## The day", 1)[1].split("\n## ", 1)[0]
    prose = " ".join(section.split())
    for entry in course.NOTEBOOKS:
        if entry.optional:
            stated = rf"notebook {entry.number}\b[^.]*?\(deck {entry.deck[:2]}\), (\d+) \+ (\d+) = (\d+) min"
            found = re.search(stated, prose, re.IGNORECASE)
            assert found and found.groups() == (str(entry.teaching), str(entry.exercises), str(entry.minutes)), (
                f"the guide's day should say of optional notebook {entry.number}: '(deck {entry.deck[:2]}), "
                f"{entry.teaching} + {entry.exercises} = {entry.minutes} min'")


def test_the_readme_table_is_written_from_the_manifest_and_nothing_else_changes():
    text = "intro\n\n| # | Part | Time | old |\n|---|\n| 00 | stale |\ntext after\n| a later table |\n"
    written = readme_table.with_table(text)
    assert written.startswith("intro\n\n" + readme_table.HEADER + "\n" + readme_table.RULE + "\n| 00 | ")
    assert written.endswith("|\ntext after\n| a later table |\n")
    assert written.count("colab-badge.svg") == len(course.NOTEBOOKS)
    optional = [entry for entry in course.NOTEBOOKS if entry.optional]
    assert written.count("*(optional)*") == len(optional)
    assert readme_table.with_table(written) == written
    with pytest.raises(readme_table.ManifestError, match="exactly one table of notebooks"):
        readme_table.with_table("no table here\n")


def test_a_solution_without_a_manifest_entry_stops_the_generator(tmp_path):
    solutions = {tmp_path / "solutions" / f"{entry.name}.ipynb": None for entry in course.NOTEBOOKS[1:]}
    solutions[tmp_path / "solutions" / "99_new.ipynb"] = None
    with pytest.raises(readme_table.ManifestError) as raised:
        readme_table.expected(tmp_path, solutions)
    assert "99_new.ipynb is not in tools/course.py" in str(raised.value)
    assert f"lists {course.NOTEBOOKS[0].name}, which has no" in str(raised.value)


def test_the_manifest_needs_only_the_standard_library():
    """tasks.py reads it under plain Python, before any environment exists."""
    tree = ast.parse((ROOT / "tools" / "course.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported - set(sys.stdlib_module_names)
