"""The course manifest: the one list of the workshop's notebooks, in teaching order.

Everything that lists the notebooks reads it or is checked against it: the README's table
(written by `python -m tools notebooks`), the guide's schedule, the slide build, the tests'
notebook lists. Adding a notebook: its solution, its checks (workshop_utils/exercises/nbNN.py),
its deck, and one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass

# The repository's GitHub slug and the ref learners install from: badges and Colab install lines
# are generated from them (`python -m tools repoint OWNER/NAME` rewrites these two lines for a fork).
REPOSITORY = "product-categorization-workshop/product-categorization-dl"
BRANCH = "main"


@dataclass(frozen=True)
class Notebook:
    number: str  # "00": the file's prefix, and the checks' module (exercises/nbNN.py)
    slug: str  # solutions/NN_slug.ipynb, notebooks/NN_slug.ipynb
    title: str  # the README's "Part"
    does: str  # the README's "What you do"
    teaching: int  # minutes of the live session (the notebook's Time line says the same)
    exercises: int
    deck: str  # the deck presented before it (slides/DECK.ipynb)
    optional: bool = False  # not part of the live day

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"

    @property
    def minutes(self) -> int:
        return self.teaching + self.exercises


NOTEBOOKS = (
    Notebook("00", "setup_check", "Setup check",
             "open Colab, pick a GPU, load the catalogue, first photos",
             teaching=6, exercises=4, deck="01_python_numpy_pandas"),
    Notebook("01", "python_numpy_pandas", "Python, NumPy and pandas in 30 minutes",
             "the scientific stack on real titles; gradient descent by hand",
             teaching=12, exercises=18, deck="01_python_numpy_pandas"),
    Notebook("02", "gather_and_explore", "Gather and explore",
             "category tree, long tail, baselines, titles, photos, leaks",
             teaching=10, exercises=15, deck="02_gather_and_explore"),
    Notebook("03", "prepare_text", "Prepare the data",
             "tokenise, normalise, bag of words, TF-IDF by hand, leak-free splits",
             teaching=12, exercises=18, deck="03_prepare_text"),
    Notebook("04", "build_train_evaluate", "Build, train and evaluate",
             "baselines, Keras on TF-IDF and on token sequences, honest evaluation: is a difference real?",
             teaching=15, exercises=25, deck="04_build_train_evaluate"),
    Notebook("05", "image_branch_and_fusion", "Add an image branch and fuse",
             "tf.data, a CNN, late fusion and a fusion model: where the photo helps",
             teaching=15, exercises=25, deck="05_image_branch_and_fusion"),
    Notebook("06", "put_the_model_to_work", "Put the model to work",
             "suggestions (top 3), calibration, a review threshold at 99% accuracy, the long tail one level "
             "up, batch scoring, a demo app, listings whose category is wrong",
             teaching=20, exercises=40, deck="06_put_the_model_to_work", optional=True),
)

# Decks that belong to no notebook: the concepts deck, presented after notebook 01.
CONCEPT_DECKS = ("00_concepts",)


def notebook(number: str) -> Notebook:
    for entry in NOTEBOOKS:
        if entry.number == number[:2]:
            return entry
    raise KeyError(f"No notebook {number!r} in tools/course.py; the course has "
                   f"{', '.join(entry.number for entry in NOTEBOOKS)}.")


def live_day() -> tuple[Notebook, ...]:
    """The notebooks of the live session, in order."""
    return tuple(entry for entry in NOTEBOOKS if not entry.optional)


def decks() -> list[str]:
    """Every deck's name, in file order (slides/NN_name.ipynb)."""
    return sorted(set(CONCEPT_DECKS) | {entry.deck for entry in NOTEBOOKS})


def presented_with(deck: str) -> tuple[Notebook, ...]:
    """The notebooks a deck introduces (none for a concepts deck), in order."""
    if deck not in decks():
        raise KeyError(f"No deck {deck!r} in tools/course.py; the decks are {', '.join(decks())}.")
    return tuple(entry for entry in NOTEBOOKS if entry.deck == deck)
