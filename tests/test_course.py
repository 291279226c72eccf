"""The course manifest (tools/course.py) is the one list of notebooks: the files, the Time lines, the
decks and the guide's schedule agree with it, and adding a notebook needs one entry there."""
from __future__ import annotations

import ast
import dataclasses
import re
import sys

import nbformat
import pytest

from tools import ROOT, course, guide_tables, notebooks, readme_table, slides

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
    manifest minutes; a concepts deck has its slot after its notebook. An optional notebook has no row:
    the generated run sheet lists it as not in the day, and where the prose below the schedule names it
    (with its deck), the minutes it states are the manifest's."""
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
    parts = [row[1] for row in day_rows()]
    for concepts in course.CONCEPTS:
        [at] = [index for index, part in enumerate(parts) if f"(deck {concepts.deck[:2]})" in part]
        row = day_rows()[at]
        assert (row[2], row[3]) == (f"{concepts.minutes} + 0", str(concepts.minutes)), (
            f"the guide's schedule gives deck {concepts.deck} {row[2]} = {row[3]} min; tools/course.py "
            f"{concepts.minutes}")
        assert at and rows[concepts.after][0][1] == parts[at - 1], (
            f"deck {concepts.deck} comes after notebook {concepts.after}")
    section = GUIDE.read_text(encoding="utf-8").split("\n## The day", 1)[1].split("\n## ", 1)[0]
    prose = " ".join(section.split())
    sheet = "\n".join(guide_tables.run_sheet(ROOT))
    for entry in course.NOTEBOOKS:
        if entry.optional:
            assert f"| {entry.number} {entry.block} (not in the day), {entry.minutes} min |" in sheet
            stated = rf"notebook {entry.number}\b[^.]*?\(deck {entry.deck[:2]}\), (\d+) \+ (\d+) = (\d+) min"
            found = re.search(stated, prose, re.IGNORECASE)
            assert not found or found.groups() == (str(entry.teaching), str(entry.exercises), str(entry.minutes)), (
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
    with pytest.raises(readme_table.ManifestError, match="exactly one table whose header line starts"):
        readme_table.with_table("no table here\n")


def test_the_guide_tables_are_written_from_the_manifest_and_nothing_else_changes():
    text = (f"intro\n\n{guide_tables.DECK_HEADER}\n|---|\n| `00_concepts` | stale |\nprose\n\n"
            f"{guide_tables.RUN_HEADER}\n| 00 stale |\n| 01 stale |\nmore prose\n| a later table |\n")
    written = guide_tables.with_tables(text, ROOT)
    decks, sheet = guide_tables.deck_table(ROOT), guide_tables.run_sheet(ROOT)
    assert written == "intro\n\n" + "\n".join(decks) + "\nprose\n\n" + "\n".join(sheet) + (
        "\nmore prose\n| a later table |\n")
    assert len(decks) == 2 + len(course.decks()) and len(sheet) == 2 + len(course.NOTEBOOKS) + len(course.CONCEPTS)
    assert guide_tables.with_tables(written, ROOT) == written
    with pytest.raises(readme_table.ManifestError, match="exactly one table"):
        guide_tables.with_tables(text.replace(guide_tables.RUN_HEADER, "| block |"), ROOT)
    guide = ROOT / guide_tables.GUIDE  # a derived file: the freshness test (stale_files) reads it
    assert notebooks.expected_files(ROOT)[guide] == guide.read_text(encoding="utf-8")


def test_a_new_manifest_entry_gets_its_rows_in_the_readme_and_the_guide(tmp_path, monkeypatch):
    """A new notebook (its solution, its deck) and one manifest entry: the README's table, the guide's
    deck table and its run sheet each gain the notebook's row, counted from its files; nothing else
    changes."""
    import shutil

    for folder in ("solutions", "slides"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("_build", "_template"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    number = f"{len(course.NOTEBOOKS):02d}"  # the next one
    name = f"{number}_serve_it_new"
    solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source) for source in (
        f"# {number} · Serve it (optional)", "### Exercise 1: Save the model", "## More (optional)",
        "### Exercise 2: Load it back")])
    nbformat.write(solution, tmp_path / "solutions" / f"{name}.ipynb")
    shutil.copy(ROOT / "slides" / f"{course.decks()[2]}.ipynb", tmp_path / "slides" / f"{name}.ipynb")
    entry = course.Notebook(number, "serve_it_new", "Serve it", "save, load, serve", teaching=10, exercises=20,
                            deck=name, optional=True, deck_what="saving, loading, an endpoint",
                            block="serve", while_it_runs="who has the model saved?")
    monkeypatch.setattr(course, "NOTEBOOKS", (*course.NOTEBOOKS, entry))  # the entry in tools/course.py
    deck_slides = slides.count_slides(nbformat.read(tmp_path / "slides" / f"{name}.ipynb", as_version=4))

    guide = tmp_path / guide_tables.GUIDE
    [(path, text)] = guide_tables.expected(tmp_path, {}).items()
    assert path == guide
    before = guide.read_text(encoding="utf-8").splitlines()
    added = [line for line in text.splitlines() if line not in before]
    assert added == [f"| `{name}` | before notebook {number} | {deck_slides} | saving, loading, an endpoint |",
                     f"| {number} serve (not in the day), 30 min | {number}, 10 | 1 | 2 | who has the model saved? |"]
    assert len(text.splitlines()) == len(before) + 2

    solutions = {path: None for path in (tmp_path / "solutions").glob("*.ipynb")}
    [(_, readme)] = readme_table.expected(tmp_path, solutions).items()
    assert f"| {number} | Serve it *(optional)* | 30 min | save, load, serve |" in readme

    monkeypatch.setattr(course, "NOTEBOOKS", (*course.NOTEBOOKS[:-1], dataclasses.replace(entry, deck_what="")))
    with pytest.raises(readme_table.ManifestError, match=f"notebook {number}, the first that deck {name} presents"):
        guide_tables.expected(tmp_path, {})


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
