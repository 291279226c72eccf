"""The title normalisation pipeline of notebook 03, as one helper for the later notebooks.

Notebook 03 writes and shows each step; notebook 04 and later call `normalise_titles`.
Every step takes a list of tokens and returns a list of tokens, so steps can be chained,
left out or reordered:

    tokenize -> lowercase -> strip_accents -> numbers -> punctuation
             -> short tokens -> stopwords -> stem

Nothing here needs a downloaded model: the tokenizer is a regular expression, the stemmer is
NLTK's Snowball stemmer (rules, no data), and the stopwords come from NLTK's corpus with a
built-in fallback (see stopwords.py).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

import pandas as pd

# A token: letters or digits, possibly joined by inner hyphens, apostrophes, slashes or
# dots: "t-shirt", "men's", "3/4th", "u.s". [^\W_] is "a word character but not _".
TOKEN_PATTERN = r"[^\W_]+(?:['’\-/.][^\W_]+)*"
TOKEN = re.compile(TOKEN_PATTERN)
INNER_PUNCTUATION = re.compile(r"['’\-/.]")
DIGIT = re.compile(r"\d")

# Numbers are mostly model codes ("NY4519", "26B") and are dropped, except those that say
# what a product is: a three-quarter length ("3/4", "3/4th") is a capri or a pair of shorts.
MEANINGFUL_NUMBERS = {"3/4": "threequarter", "3/4th": "threequarter"}

Step = Callable[[list[str]], list[str]]


def is_missing(title) -> bool:
    """None, NaN or pandas' NA: a title that is not there."""
    if isinstance(title, str):
        return False
    try:
        return bool(pd.isna(title))
    except (TypeError, ValueError):  # a list or an array is not one missing value
        return False


def tokenize(title) -> list[str]:
    """Cut a title into tokens with the regular expression TOKEN_PATTERN (a missing title: no tokens).

    The title is first brought to one Unicode form (NFKC), so the same words give the same
    tokens however they were typed: "é" as one character or as "e" + accent, full-width
    "Ｔｅｅ", a non-breaking space. (None of the catalogue's titles changes.)
    """
    if is_missing(title):
        return []
    return TOKEN.findall(unicodedata.normalize("NFKC", str(title)))


def lowercase(tokens: list[str]) -> list[str]:
    return [token.lower() for token in tokens]


def strip_accent(token: str) -> str:
    """'crème' -> 'creme': split each letter from its accent (NFKD), then drop the accents."""
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def strip_accents(tokens: list[str]) -> list[str]:
    return [strip_accent(token) for token in tokens]


def remove_numbers(tokens: list[str], keep: dict[str, str] | None = None) -> list[str]:
    """Drop the tokens that contain a digit, except the meaningful ones, which are renamed."""
    keep = MEANINGFUL_NUMBERS if keep is None else keep
    return [keep.get(token, token) for token in tokens if token in keep or not DIGIT.search(token)]


def remove_punctuation(tokens: list[str]) -> list[str]:
    """Delete inner punctuation, so spellings meet: 't-shirt' -> 'tshirt', "men's" -> 'mens'."""
    cleaned = (INNER_PUNCTUATION.sub("", token) for token in tokens)
    return [token for token in cleaned if token]


def remove_short_tokens(tokens: list[str], min_length: int = 2) -> list[str]:
    return [token for token in tokens if len(token) >= min_length]


def remove_stopwords(tokens: list[str], stopwords: Iterable[str] | None = None) -> list[str]:
    """Drop NLTK's English stopwords (or the given ones)."""
    if stopwords is None:
        from .stopwords import english_stopwords

        stopwords = english_stopwords()
    stopwords = stopwords if isinstance(stopwords, (set, frozenset)) else set(stopwords)
    return [token for token in tokens if token not in stopwords]


@cache
def stemmer():
    """NLTK's Snowball stemmer for English: suffix-stripping rules, no download needed."""
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@cache
def stem_word(word: str) -> str:
    # Titles repeat the same few thousand words, so each word is stemmed once.
    return stemmer().stem(word)


def stem(tokens: list[str]) -> list[str]:
    return [stem_word(token) for token in tokens]


# The pipeline, in order (tokenize comes first and turns the title into tokens).
STEPS: dict[str, Step] = {
    "lowercase": lowercase,
    "strip accents": strip_accents,
    "numbers": remove_numbers,
    "punctuation": remove_punctuation,
    "short tokens": remove_short_tokens,
    "stopwords": remove_stopwords,
    "stem": stem,
}


def normalise_tokens(title, steps: Iterable[str] | None = None) -> list[str]:
    """The tokens of one title after the named steps (default: all of STEPS, in order)."""
    names = list(STEPS) if steps is None else list(steps)
    unknown = [name for name in names if name not in STEPS]
    if unknown:
        raise ValueError(f"Unknown normalisation step(s) {unknown}; the steps are: {', '.join(STEPS)}.")
    tokens = tokenize(title)
    for name in names:
        tokens = STEPS[name](tokens)
    return tokens


def normalise(title, steps: Iterable[str] | None = None) -> str:
    """One title, normalised, as a string of space-separated tokens ('' when nothing is left)."""
    return " ".join(normalise_tokens(title, steps))


def normalise_titles(titles: Iterable, steps: Iterable[str] | None = None) -> list[str]:
    """Every title normalised (a list of strings, in the same order)."""
    steps = None if steps is None else list(steps)
    return [normalise(title, steps) for title in titles]


def vocabulary_after_each_step(titles: Iterable) -> list[tuple[str, int]]:
    """(step, number of distinct tokens) after tokenizing and after each step of STEPS."""
    tokens = [tokenize(title) for title in titles]
    sizes = [("tokenize", len({token for row in tokens for token in row}))]
    for name, step in STEPS.items():
        tokens = [step(row) for row in tokens]
        sizes.append((name, len({token for row in tokens for token in row})))
    return sizes
