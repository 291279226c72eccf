"""The course manifest: the one list of the workshop's notebooks, in teaching order.

Everything that lists the notebooks reads it or is checked against it: the README's table and the
instructor's guide's deck table and run sheet (written by `python -m tools notebooks`), the guide's
schedule, the slide build, the tests' notebook lists. Adding a notebook: its solution, its checks
(workshop_utils/exercises/nbNN.py), its deck, and one entry here.
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
    block: str  # its block's name on the guide's run sheet ("explore")
    while_it_runs: str  # the run sheet's "while it runs": what the instructor does during the exercises
    optional: bool = False  # not part of the live day
    # The guide's deck table, given on the first notebook a deck presents:
    deck_what: str = ""  # "what": the deck's topics
    deck_when: str = ""  # "when"; left empty, "before notebook NN"
    # When its deck goes on to present the next notebook too: how many of the deck's slides are this
    # notebook's (the run sheet's "slides 1-3"); the last notebook a deck presents has the rest.
    deck_slides: int = 0

    @property
    def name(self) -> str:
        return f"{self.number}_{self.slug}"

    @property
    def minutes(self) -> int:
        return self.teaching + self.exercises


NOTEBOOKS = (
    Notebook("00", "setup_check", "Setup check",
             "open Colab, pick a GPU, load the catalogue, first photos",
             teaching=6, exercises=4, deck="01_python_numpy_pandas", deck_slides=3,
             deck_when="start of the day",
             deck_what="welcome, the day's plan, the setup check (notebook 00), then notebook 01",
             block="setup",
             while_it_runs="walk around: signed in, *Save a copy in Drive*, the setup cell's output"),
    Notebook("01", "python_numpy_pandas", "Python, NumPy and pandas in 30 minutes",
             "the scientific stack on real titles; gradient descent by hand",
             teaching=12, exercises=18, deck="01_python_numpy_pandas",
             block="Python, NumPy, pandas", while_it_runs="at 10 min: who has reached the softmax?"),
    Notebook("02", "gather_and_explore", "Gather and explore",
             "category tree, long tail, baselines, titles, photos, leaks",
             teaching=10, exercises=15, deck="02_gather_and_explore",
             deck_what="the long tail, baselines, titles, duplicates, photos, questions to ask of a dataset",
             block="explore", while_it_runs="at 5 min: who has exercise 1?"),
    Notebook("03", "prepare_text", "Prepare the data",
             "tokenise, normalise, bag of words, TF-IDF by hand, leak-free splits",
             teaching=12, exercises=18, deck="03_prepare_text",
             deck_what="tokenization, normalisation step by step, bag of words, n-grams, TF-IDF by hand, "
                       "leak-free splits",
             block="prepare", while_it_runs="at 8 min: who has exercise 1 passing?"),
    Notebook("04", "build_train_evaluate", "Build, train and evaluate",
             "baselines, Keras on TF-IDF and on token sequences, honest evaluation: is a difference real?",
             teaching=15, exercises=25, deck="04_build_train_evaluate",
             deck_what="baselines, a Keras network, learning curves, embeddings, per-class metrics, confusion "
                       "matrix, error analysis, is the difference real?",
             block="build, train, evaluate",
             while_it_runs="learners run the notebook up to its first training cell; you present slides 5-9 "
                           "while it trains"),
    Notebook("05", "image_branch_and_fusion", "Add an image branch and fuse",
             "tf.data, a CNN, late fusion and a fusion model: where the photo helps",
             teaching=15, exercises=25, deck="05_image_branch_and_fusion",
             deck_what="images as tensors, augmentation, convolutions, a small CNN, short titles, the fusion "
                       "head trained on what it will meet, text vs image vs fusion on full and short titles, "
                       "per class with support, wrap-up",
             block="images and fusion", while_it_runs="4 and 6 come before a training cell: start it, then read on"),
    Notebook("06", "put_the_model_to_work", "Put the model to work",
             "suggestions (top 3), calibration, a review threshold at 99% accuracy, the long tail one level "
             "up, batch scoring, a demo app, listings whose category is wrong",
             teaching=20, exercises=40, deck="06_put_the_model_to_work", optional=True,
             deck_when="optional: after the day, or in a longer workshop",
             deck_what="the suggestion box (top 3), calibration and temperature scaling, the review threshold, "
                       "the long tail one level up the tree, batch scoring, a demo app; listings whose category "
                       "is wrong: out-of-fold suspects, labels flipped on purpose, the audit",
             block="put to work",
             while_it_runs="start the first training cell (it rebuilds notebook 05's models on Colab)"),
)


@dataclass(frozen=True)
class Concepts:
    """A deck that presents no notebook: a slot of its own in the day, after a notebook."""
    deck: str  # slides/DECK.ipynb
    after: str  # the number of the notebook it follows
    minutes: int  # its slot in the day (the guide's schedule says the same)
    what: str  # the guide's deck table, "what"
    block: str  # its block's name on the run sheet
    while_it_runs: str  # the run sheet's "while it runs"


CONCEPTS = (
    Concepts("00_concepts", after="01", minutes=30,
             what="AI vs ML vs DL, kinds of learning, a neural network, parameters and hyperparameters, softmax, "
                  "loss and cost, gradient descent, splits, under- and overfitting, the workflow",
             block="concepts", while_it_runs="one question per slide (the notes)"),
)

# Decks that belong to no notebook: the concepts deck, presented after notebook 01.
CONCEPT_DECKS = tuple(entry.deck for entry in CONCEPTS)


@dataclass(frozen=True)
class Deck:
    """A deck's row in the guide's deck table, less its slide count (counted from the deck)."""
    name: str
    when: str
    what: str


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


def deck(name: str) -> Deck:
    """When a deck is presented and what it covers: a concepts deck's from CONCEPTS, a notebook deck's
    from the first notebook it presents."""
    for entry in CONCEPTS:
        if entry.deck == name:
            numbers = [each.number for each in NOTEBOOKS]
            following = numbers[numbers.index(notebook(entry.after).number) + 1:]
            before = f", before {following[0]}" if following else ""
            return Deck(name, f"after notebook {entry.after}{before} ({entry.minutes} min)", entry.what)
    first = presented_with(name)[0]
    return Deck(name, first.deck_when or f"before notebook {first.number}", first.deck_what)
