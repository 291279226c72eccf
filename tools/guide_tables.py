"""The instructor's guide's deck table and run sheet, written from the course manifest (tools/course.py).

slides/README.md keeps two tables of the course: *The decks* (deck | when | slides | what) and the
*Run sheet* (block | slides (deck, minutes) | core exercises | optional | while it runs). Each is the
block of rows from its header line to the first line after it that is not a table row; the rest of
the guide is the instructors' prose and is left as it is. What can be counted is counted: a deck's
slides from the deck (tools/slides.count_slides), the core and optional exercises from the solution
notebook's headings (tools/answer_key.exercises), the minutes from the manifest (a notebook's
teaching minutes, a concepts deck's slot). The words (when, what, the block's name, what to do while
it runs) are the manifest's.
"""
from __future__ import annotations

from pathlib import Path

from . import course
from .readme_table import ManifestError, replace_table

GUIDE = "slides/README.md"
DECK_HEADER = "| deck | when | slides | what |"
DECK_RULE = "|---|---|---|---|"
RUN_HEADER = "| block | slides (deck, minutes) | core exercises | optional | while it runs |"
RUN_RULE = "|---|---|---|---|---|"


def row(*cells: object) -> str:
    """A table row; an empty cell is written `| |`."""
    return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"


def slide_count(root: Path, deck: str) -> int:
    import nbformat

    from .slides import count_slides

    path = root / "slides" / f"{deck}.ipynb"
    if not path.is_file():
        raise ManifestError(f"tools/course.py names the deck {deck}, which has no slides/{deck}.ipynb.")
    return count_slides(nbformat.read(path, as_version=4))


def deck_table(root: Path) -> list[str]:
    rows = []
    for name in course.decks():
        deck = course.deck(name)
        if not deck.what:
            first = course.presented_with(name)[0]
            raise ManifestError(f"tools/course.py: notebook {first.number}, the first that deck {name} presents, "
                                "needs deck_what= (the guide's deck table says what the deck covers).")
        rows.append(row(f"`{name}`", deck.when, slide_count(root, name), deck.what))
    return [DECK_HEADER, DECK_RULE, *rows]


def slide_ranges(root: Path, deck: str) -> dict[str, str]:
    """For a deck that presents several notebooks, each one's slides ("1-3"), by notebook number."""
    presented = course.presented_with(deck)
    if len(presented) < 2:
        return {}
    ranges, first, last = {}, 1, slide_count(root, deck)
    for index, entry in enumerate(presented):
        end = last if index == len(presented) - 1 else first + entry.deck_slides - 1
        if end < first or end > last:
            raise ManifestError(f"tools/course.py: notebook {entry.number} takes deck_slides={entry.deck_slides} "
                                f"of {deck}'s {last} slides, from slide {first}; give each notebook but the last "
                                "a deck presents its number of slides.")
        ranges[entry.number] = f"{first}-{end}" if end > first else str(first)
        first = end + 1
    return ranges


def exercises(root: Path, entry: course.Notebook):
    from .answer_key import exercises

    path = root / "solutions" / f"{entry.name}.ipynb"
    return exercises(path)


def run_sheet(root: Path) -> list[str]:
    rows = []
    for entry in course.NOTEBOOKS:
        ranges = slide_ranges(root, entry.deck)
        slides = f"{entry.deck[:2]}, slides {ranges[entry.number]}" if entry.number in ranges else entry.deck[:2]
        found = exercises(root, entry)
        core = ", ".join(str(exercise.number) for exercise in found if not exercise.optional)
        optional = ", ".join(str(exercise.number) for exercise in found if exercise.optional)
        block = f"{entry.number} {entry.block}{' (not in the day)' if entry.optional else ''}, {entry.minutes} min"
        rows.append(row(block, f"{slides}, {entry.teaching}", core, optional, entry.while_it_runs))
        for concepts in course.CONCEPTS:
            if course.notebook(concepts.after) == entry:
                rows.append(row(f"{concepts.block}, {concepts.minutes} min", f"{concepts.deck[:2]}, {concepts.minutes}",
                                "", "", concepts.while_it_runs))
    return [RUN_HEADER, RUN_RULE, *rows]


def with_tables(text: str, root: Path, where: str = GUIDE) -> str:
    """`text` (the guide) with its deck table and run sheet rewritten from the manifest."""
    text = replace_table(text, DECK_HEADER, deck_table(root), where)
    return replace_table(text, RUN_HEADER, run_sheet(root), where)


def expected(root: Path, solutions: dict) -> dict[Path, str]:
    """{path: text} of the file this module writes (the guide, when the checkout has one)."""
    path = root / GUIDE
    if not path.exists():
        return {}
    return {path: with_tables(path.read_text(encoding="utf-8"), root, str(path))}
