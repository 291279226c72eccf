"""What the decks and the instructor's guide print agrees with the helpers and the notebooks.

A learner who meets "t-shirts" becoming "shirts" on a slide and "tshirt" in the notebook stops
trusting both. So every normalisation example a deck or the guide writes, in the form
`"t-shirts" -> "tshirt"` (or `"t-shirts" becomes "tshirt"`), must be what
`workshop_utils.text.normalise` returns; a documented call such as
`text.tokenize("...")` followed by a `# [...]` comment line must print that value; and the
guide's schedule must add up and give each notebook the minutes the notebook itself states.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from workshop_utils import text
from tools import ROOT, course

DECKS = sorted((ROOT / "slides").glob("*.ipynb"))
GUIDE = ROOT / "slides" / "README.md"
README = ROOT / "README.md"
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LIVE_DAY = tuple(entry.number for entry in course.live_day())  # the notebooks of the guide's day

# "t-shirts" -> "tshirt", "t-shirts" becomes "tshirt" (straight or curly quotes).
PAIR = re.compile(r'["“]([^"“”\n]{1,40})["”]\s*(?:->|→|becomes)\s*["“]([^"“”\n]{1,40})["”]')
# A documented call and the value it prints on the next line: text.tokenize("...") / # [...]
CALL = re.compile(r'^\s*(text\.(\w+)\((.*)\))\s*\n\s*#\s*(.+)$', re.MULTILINE)


def prose(path: Path) -> str:
    """The text a reader sees: the guide's Markdown, or a deck's Markdown cells."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    notebook = nbformat.read(path, as_version=4)
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def example_pairs() -> list[tuple[str, str, str]]:
    return [(path.name, before, after) for path in [*DECKS, GUIDE]
            for before, after in PAIR.findall(prose(path))]


def documented_calls() -> list[tuple[str, str, str, str]]:
    return [(path.name, call, function, printed) for path in [*DECKS, GUIDE]
            for call, function, _, printed in CALL.findall(prose(path))]


@pytest.fixture(autouse=True)
def nltk_stopwords(monkeypatch):
    """The examples are read with the same stopwords wherever the tests run."""
    monkeypatch.setattr("workshop_utils.stopwords.english_stopwords",
                        lambda: frozenset({"of", "and", "with", "off", "the", "for", "in"}))


def test_the_decks_and_the_guide_show_normalisation_examples():
    names = {name for name, _, _ in example_pairs()}
    assert {"03_prepare_text.ipynb", "README.md"} <= names, (
        "deck 03 and the guide should each show at least one example in the form \"before\" -> \"after\"")


@pytest.mark.parametrize("where, before, after", example_pairs(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_every_normalisation_example_is_what_the_helper_returns(where, before, after):
    assert text.normalise(before) == after, (
        f"{where} says {before!r} -> {after!r}, but workshop_utils.text.normalise gives "
        f"{text.normalise(before)!r}: draw the example from the helper")


def test_deck_03_documents_the_helpers_tokenizer():
    assert any(name == "03_prepare_text.ipynb" and function == "tokenize"
               for name, _, function, _ in documented_calls())


@pytest.mark.parametrize("where, call, function, printed", documented_calls(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_every_documented_call_prints_what_the_deck_says(where, call, function, printed):
    result = eval(call, {"text": text})  # a call written in our own decks, e.g. text.tokenize("...")
    assert result == ast.literal_eval(printed), f"{where}: {call} gives {result!r}, not {printed}"


def test_deck_03_draws_its_normalisation_with_the_notebooks_helper():
    deck = nbformat.read(ROOT / "slides" / "03_prepare_text.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in deck.cells if cell.cell_type == "code")
    assert "from workshop_utils import" in code and "text.normalise" in code
    for own_step in ("SnowballStemmer", "english_stopwords", "unicodedata"):
        assert own_step not in code, f"deck 03 runs its own {own_step}; use workshop_utils.text"


# The schedule: "**Time:** about 12 min teaching + 18 min exercises (...)" in each notebook.
TIME_LINE = re.compile(r"\*\*Time:\*\* about (\d+) min teaching \+ (\d+) min exercises")


def stated_minutes(path: Path) -> tuple[int, int]:
    first = nbformat.read(path, as_version=4).cells[0].source
    match = TIME_LINE.search(first)
    assert match, f"{path.name}: the first cell needs a line '**Time:** about N min teaching + M min exercises'"
    return int(match[1]), int(match[2])


def guide_schedule() -> list[tuple[int, str, int]]:
    """(start in minutes, part, minutes) for each row of the guide's day table."""
    section = GUIDE.read_text(encoding="utf-8").split("## The day", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"\d+:\d\d", cells[0]):
            hours, minutes = map(int, cells[0].split(":"))
            rows.append((hours * 60 + minutes, cells[1], int(cells[-1]) if cells[-1].isdigit() else 0))
    return rows


def test_the_guides_schedule_adds_up():
    rows = guide_schedule()
    assert len(rows) >= 9
    for (start, part, minutes), (next_start, _, _) in zip(rows, rows[1:]):
        assert start + minutes == next_start, f"'{part}' starts at {start} min and lasts {minutes}"
    heading = re.search(r"## The day: about (\d+) h (\d+) min", GUIDE.read_text(encoding="utf-8"))
    assert heading and rows[-1][0] == int(heading[1]) * 60 + int(heading[2])


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_each_notebook_states_the_minutes_the_guide_and_readme_give_it(path):
    teaching, exercises = stated_minutes(path)
    number = path.name[:2]
    if number not in LIVE_DAY:
        return  # an optional notebook outside the live day: only the form of its Time line is checked
    in_guide = [minutes for _, part, minutes in guide_schedule() if re.search(rf"\bnotebook {number}\b", part)]
    assert in_guide == [teaching + exercises], (
        f"{path.name} says {teaching} + {exercises} min; the guide's schedule gives it {in_guide}")
    in_readme = re.search(rf"^\| {number} \| [^|]+\| (\d+) min \|", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert in_readme and int(in_readme[1]) == teaching + exercises, f"README's Time column for {number}"


def guide_measurement(label: str) -> str:
    """The guide's sentence that quotes a committed measurement file, from its label to its full stop."""
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    found = re.search(re.escape(label) + r"[^.]*(?:\.\d[^.]*)*\.", guide)
    assert found, f"the guide quotes nothing from {label!r}"
    return found[0]


def test_the_guides_notebook_05_and_06_numbers_are_the_measured_ones():
    """The guide quotes notebooks 05 and 06's recorded test numbers: they must be the committed
    measurements, formatted the same way (3 decimals for accuracies, signed for differences)."""
    import json

    from workshop_utils import evaluation as names

    for mode in ("full", "fast"):
        measured = json.loads((ROOT / "benchmarks" / f"measured-05-{mode}.json").read_text())
        sentence = guide_measurement(f"{mode.title()} mode (`measured-05-{mode}.json`")
        expected = [f"{measured[name]['accuracy']:.3f}" for name in (
            names.TEXT_MODEL, names.TEXT_MODEL_SHORT, names.TEXT_BOTH, names.TEXT_BOTH_SHORT, names.LOOKUP_SHORT,
            names.IMAGE_CNN, names.FUSION_MODEL, names.FUSION_MODEL_SHORT)]
        for name in (names.PAIRED_SHORT_FAIR, names.PAIRED_FULL):
            expected += [f"{measured[name][key]:+.3f}" for key in ("difference", "interval low", "interval high")]
        assert re.findall(r"[+-]?\d\.\d{3}\b", sentence) == expected, f"{mode} mode: {sentence}"
        measured = json.loads((ROOT / "benchmarks" / f"measured-06-{mode}.json").read_text())
        sentence = guide_measurement(f"{mode.title()} mode (`measured-06-{mode}.json`")
        expected = [f"{measured[names.FUSION_MODEL_TOP_K]['top 3']:.3f}"]
        for name in (names.POINT_THRESHOLD, names.GUARANTEED_THRESHOLD):
            entry = measured[name]
            expected += [f"{100 * entry['coverage']:.1f}%"] + ([f"{100 * entry[key]:.2f}%" for key in (
                "accuracy", "accuracy 95% low", "accuracy 95% high")] if "accuracy" in entry else [])
        assert re.findall(r"\d+\.\d{3}\b|\d+\.\d{1,2}%", sentence) == expected, f"{mode} mode: {sentence}"
