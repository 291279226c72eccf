"""Checks for 03_prepare_text."""
from __future__ import annotations

import math

import numpy as np

from .. import text
from ..checks import as_array, describe, exercise, number_check, wrong_type

# Titles no catalogue row looks like: a normaliser must survive them.
ODD_TITLES = ["", "   ", "12345", "👗✨🔥", "Crème Brûlée Café Kurta", "T-SHIRT!!! 3/4th Men's", "Q&Q W Watch",
              "Pack of 3 Socks 150ml", "Nike " * 30 + "Shoes"]


# ---------------------------------------------------------------- q1: the pipeline as one function
@exercise("q1",
          hint="start from tokens = tokenize(title), then tokens = step(tokens) for each step in the order "
               "lowercase, strip_accents, remove_numbers, remove_punctuation, remove_short_tokens, "
               "remove_stopwords, stem; finish with ' '.join(tokens)",
          function=lambda answer: ("pass the function itself, check.q1(normalise, titles), not the result of "
                                    f"calling it ({describe(answer)})"))
def q1(answer, titles):
    for title in list(titles[:300]) + ODD_TITLES:
        got = answer(title)
        expected = text.normalise(title)
        if isinstance(got, list):
            return f"normalise({title!r}) returned a list; join the tokens with single spaces: ' '.join(tokens)"
        if not isinstance(got, str):
            return f"normalise({title!r}) returned {describe(got)}; return a string"
        if got == expected:
            continue
        for missing in text.STEPS:
            if got == text.normalise(title, [name for name in text.STEPS if name != missing]):
                return f"on {title!r} you get {got!r}: the step '{missing}' seems to be missing"
        if sorted(got.split()) == sorted(expected.split()):
            return f"on {title!r} the tokens are right but not in the title's order: {got!r}"
        return f"normalise({title!r}) gives {got!r}, expected {expected!r}; check the order of the steps"
    return None


# ---------------------------------------------------------------- q2: density of the count matrix
q2 = number_check(
    "q2", hint="the matrix has counts.shape[0] x counts.shape[1] cells, and counts.nnz of them are not zero",
    wanted="one number between 0 and 1",
    expected=lambda counts: counts.nnz / (counts.shape[0] * counts.shape[1]),
    slips=[(lambda expected, counts: 1 - expected,
            "that is the share of cells that ARE zero; the question asks for the non-zero ones"),
           (lambda expected, counts: 100 * expected,
            "that is a percentage (the share times 100): give the fraction between 0 and 1, divided by 100"),
           (lambda expected, counts: counts.nnz,
            "that is the number of non-zero cells; divide it by the number of cells")],
    otherwise="{shown} is not the share of non-zero cells")


# ---------------------------------------------------------------- q3: an IDF by hand
def idf(normalised, word, log=math.log, smooth=1, plus=1, per_title=True) -> float | None:
    """log((smooth + N) / (smooth + df)) + plus, scikit-learn's idf with the defaults; df counts the
    titles that contain the word, or every occurrence (per_title=False: None when that is the same)."""
    n, df = len(normalised), sum(word in title.split() for title in normalised)
    if not per_title:
        occurrences = sum(title.split().count(word) for title in normalised)
        if occurrences == df:
            return None
        df = occurrences
    return log((smooth + n) / (smooth + df)) + plus


q3 = number_check(
    "q3", hint="N = len(normalised) titles, df = titles containing the word; scikit-learn's idf is "
               "ln((1 + N) / (1 + df)) + 1, with the natural logarithm np.log",
    wanted="one number",
    expected=lambda normalised, word: idf(normalised, word),
    slips=[(lambda expected, normalised, word: idf(normalised, word, smooth=0, plus=0),
            "that is the textbook idf, log(N/df); scikit-learn adds 1 to N and df, and 1 to the result"),
           (lambda expected, normalised, word: idf(normalised, word, plus=0),
            "almost: scikit-learn adds 1 to the logarithm, so a word found in every title keeps a weight"),
           (lambda expected, normalised, word: idf(normalised, word, log=math.log10),
            "use the natural logarithm (np.log), not log10"),
           (lambda expected, normalised, word: idf(normalised, word, per_title=False),
            "df counts the titles that contain the word (once per title), not every occurrence")],
    otherwise=lambda shown, normalised, word: f"{shown} is not the idf of {word!r}")


# ---------------------------------------------------------------- q4: one-hot labels
@exercise("q4",
          hint="np.eye(len(classes)) is a square matrix whose row i has a single 1 in column i; "
               "indexing it with the labels picks one row per label: np.eye(n)[labels[:5]]")
def q4(answer, labels, n_classes):
    expected = np.eye(n_classes)[np.asarray(labels)]
    got, problem = as_array(answer, "a matrix (a NumPy array) of 0s and 1s")
    if problem:
        return problem
    if got.shape == expected.T.shape and got.shape != expected.shape:
        return f"the shape is {got.shape}: one ROW per label, one column per class, so {expected.shape}"
    if got.shape != expected.shape:
        return f"the shape is {got.shape}, expected {expected.shape}: one row per label, one column per class"
    if not np.isin(got, (0, 1)).all() or not (got.sum(axis=1) == 1).all():
        return "each row must hold a single 1 and zeros elsewhere"
    if not np.array_equal(got, expected):
        return "the 1s are not at the labels' positions: row i should have its 1 in column labels[i]"
    return None


# ---------------------------------------------------------------- q5: the leak-free split
@exercise("q5",
          hint="run leak(train, test) for each candidate: the leak-free split is the one where no test title "
               "was seen in training")
def q5(answer, candidates):
    names = list(candidates)
    if not isinstance(answer, str) or answer not in candidates:
        return f"answer with one of the names {names}"

    def leak(train, test):
        from ..splits import title_key

        return test["title"].map(title_key).isin(set(train["title"].map(title_key))).mean()

    leaks = {name: leak(parts[0], parts[-1]) for name, parts in candidates.items()}
    if leaks[answer] > 0:
        return (f"in the {answer!r} split, {leaks[answer]:.1%} of the test products have a title that is also "
                "in training: shuffling rows, stratified or not, separates copies of the same title")
    return None


# ---------------------------------------------------------------- q6: TextVectorization by hand
@exercise("q6",
          hint="lowercase the title and split it on spaces; a known word's number is vocab.index(word), an "
               "unknown word is 1 ([UNK]); then add zeros (padding) up to 12 numbers")
def q6(answer, vectorizer, title):
    import tensorflow as tf

    expected = [int(value) for value in np.asarray(vectorizer(tf.constant([title])))[0]]
    if answer is None or isinstance(answer, str):
        return wrong_type(answer, "a list of integers")
    try:
        got = [int(value) for value in np.asarray(answer).ravel()]
    except (TypeError, ValueError):
        return f"give a list of integers, not {describe(answer)}"
    if got == expected:
        return None
    real = [value for value in expected if value != 0]
    if got == real:
        return f"right numbers, but the layer always outputs {len(expected)}: pad with zeros at the end"
    if len(got) != len(expected):
        return f"the layer outputs exactly {len(expected)} numbers per title (output_sequence_length), not {len(got)}"
    if [1 if value == 0 and position < len(real) else value for position, value in enumerate(got)] == expected:
        return "an unknown word is 1 ([UNK]); 0 is kept for padding"
    return f"{got} is not what the layer gives; lowercase the words first, and use vocab.index(word)"


EXERCISES = [q1, q2, q3, q4, q5, q6]
