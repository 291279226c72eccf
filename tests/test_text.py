"""The title normalisation pipeline: each step on tiny inputs, and odd titles end to end."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from workshop_utils import text

STOPWORDS = {"of", "and", "with", "off", "the"}


@pytest.fixture(autouse=True)
def known_stopwords(monkeypatch):
    """The same short list whether or not NLTK's corpus is installed where the tests run."""
    monkeypatch.setattr("workshop_utils.stopwords.english_stopwords", lambda: frozenset(STOPWORDS))


def test_tokenize_keeps_inner_punctuation_and_splits_on_the_rest():
    assert text.tokenize("Fila Men's Navy T-shirt, 3/4th U.S Polo") == ["Fila", "Men's", "Navy", "T-shirt", "3/4th",
                                                                         "U.S", "Polo"]
    assert text.tokenize("Q&Q Watch (black)") == ["Q", "Q", "Watch", "black"]
    assert text.tokenize("  Nike   Shoes  ") == ["Nike", "Shoes"]


@pytest.mark.parametrize("title", ["", "   ", "!!! ---", "👗✨🔥", None, math.nan, pd.NA])
def test_titles_without_words_give_no_tokens(title):
    assert text.tokenize(title) == []
    assert text.normalise(title) == ""


def test_lowercase_and_accents():
    assert text.lowercase(["Nike", "SHOES"]) == ["nike", "shoes"]
    assert text.strip_accents(["crème", "brûlée", "Café", "naïve"]) == ["creme", "brulee", "Cafe", "naive"]
    assert text.strip_accents(["кроссовки"]) == ["кроссовки"], "letters without accents are left alone"


def test_numbers_are_dropped_except_the_meaningful_ones():
    tokens = ["pack", "of", "3", "socks", "ny4519", "3/4th", "3/4", "ml", "150ml"]
    assert text.remove_numbers(tokens) == ["pack", "of", "socks", "threequarter", "threequarter", "ml"]
    assert text.remove_numbers(["12345"]) == []
    assert text.remove_numbers(["3/4", "7"], keep={}) == []


def test_punctuation_is_deleted_so_spellings_meet():
    assert text.remove_punctuation(["t-shirt", "men's", "men’s", "u.s", "3/4", "-"]) == \
        ["tshirt", "mens", "mens", "us", "34"]


def test_short_tokens_and_stopwords():
    assert text.remove_short_tokens(["w", "kurta", "q", "ab"]) == ["kurta", "ab"]
    assert text.remove_short_tokens(["abc", "ab"], min_length=3) == ["abc"]
    assert text.remove_stopwords(["pack", "of", "socks"], stopwords=["of"]) == ["pack", "socks"]
    assert text.remove_stopwords(["off", "white", "shirt"]) == ["white", "shirt"]


def test_snowball_stemming_needs_no_download():
    assert text.stem(["shoes", "printed", "watches", "leggings", "women"]) == ["shoe", "print", "watch", "leg",
                                                                              "women"]


@pytest.mark.parametrize("title, expected", [
    ("Nike Men Off White Running Shoes NY4519", "nike men white run shoe"),
    ("T-SHIRT!!! 3/4th Men's", "tshirt threequart men"),
    ("Crème Brûlée Café Kurta", "creme brule cafe kurta"),
    ("Pack of 3 Socks 150ml", "pack sock"),
    ("12345", ""),
    ("Q&Q W Watch", "watch"),
    ("Кроссовки Nike", "кроссовки nike"),
])
def test_the_whole_pipeline_on_odd_and_ordinary_titles(title, expected):
    assert text.normalise(title) == expected


def test_steps_can_be_chosen_and_unknown_steps_are_named():
    assert text.normalise("Men's T-Shirts", steps=["lowercase"]) == "men's t-shirts"
    assert text.normalise("Men's T-Shirts", steps=[]) == "Men's T-Shirts"
    with pytest.raises(ValueError, match="stemming"):
        text.normalise("x", steps=["stemming"])


def test_normalise_titles_keeps_the_order_and_accepts_a_series():
    titles = pd.Series(["Blue Shoes", "", "Red Shirt"], index=[7, 3, 5])
    assert text.normalise_titles(titles) == ["blue shoe", "", "red shirt"]
    assert text.normalise_titles(iter(["Socks"])) == ["sock"]


def test_vocabulary_after_each_step_shrinks():
    sizes = text.vocabulary_after_each_step(["Nike Shoes", "nike shoe", "NIKE SHOES 2012", "Shoes of Nike"])
    assert [name for name, _ in sizes] == ["tokenize", *text.STEPS]
    counts = dict(sizes)
    assert counts["tokenize"] == 8 and counts["lowercase"] == 5 and counts["numbers"] == 4 and counts["stem"] == 2
    assert all(later <= earlier for (_, earlier), (_, later) in zip(sizes, sizes[1:]))
