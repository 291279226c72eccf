"""Checks for 01_python_numpy_pandas."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import A_FRACTION, PERCENTAGE, as_number, describe, exercise, number_check, same, wrong_type


# ---------------------------------------------------------------- q1: words in titles
NOT_LOWER_CASED = "that misses titles written 'BLACK' or 'black': lower-case the title first"
NOT_A_SHARE = "give the number of titles, not a share"

q1 = number_check(
    "q1", hint='lower-case each title, split it into words, and test `"black" in words`; '
               "sum() of True/False values counts the Trues",
    wanted="a number (how many titles)",
    expected=lambda titles: sum("black" in title.lower().split() for title in titles),
    slips=[(lambda expected, titles: sum("black" in title.lower() for title in titles),
            "that also counts words that merely contain black, such as the brand Blackberrys; compare whole words"),
           (lambda expected, titles: sum("Black" in title.split() for title in titles), NOT_LOWER_CASED),
           (lambda expected, titles: sum("Black" in title for title in titles), NOT_LOWER_CASED),
           (A_FRACTION, NOT_A_SHARE),
           (lambda expected, titles: expected / max(len(titles), 1), NOT_A_SHARE)],
    otherwise="{shown} is not the number of titles containing the word black")


# ---------------------------------------------------------------- q2: a boolean mask on a photo
q2 = number_check(
    "q2", hint="`photo >= 240` is True per channel; a pixel is near-white when all three of its channels are "
               "(.all(axis=2)), and the mean of a boolean array is the share of Trues",
    wanted="one number between 0 and 1",
    expected=lambda photo: (photo >= 240).all(axis=2).mean(),
    slips=[(lambda expected, photo: (photo >= 240).mean(),
            "that is the share of channel values (R, G and B counted separately), not of pixels: "
            "a pixel is near-white only when all three channels are"),
           (lambda expected, photo: (photo >= 240).any(axis=2).mean(),
            "that counts pixels where any channel is near-white; all three must be"),
           (lambda expected, photo: (photo > 240).all(axis=2).mean(),
            "a channel value of exactly 240 counts as near-white: use >= rather than >"),
           (lambda expected, photo: (photo >= 240).all(axis=2).sum(),
            "that is the number of near-white pixels; divide by the number of pixels (or use .mean())"),
           PERCENTAGE],
    otherwise="{shown} is not the share of near-white pixels")


# ---------------------------------------------------------------- q3: softmax
def softmax_reference(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    return exps / exps.sum(axis=1, keepdims=True)


@exercise("q3",
          hint="np.exp(scores) divided by the sum of exp over each row: .sum(axis=1, keepdims=True) keeps the "
               "shape (rows, 1) so it broadcasts; subtract each row's maximum first so exp() cannot overflow",
          function="pass the function itself: check.q3(softmax)")
def q3(softmax):
    scores = np.array([[2.0, 1.0, -1.0, 0.5], [0.1, 0.3, 3.2, -0.4], [1.2, 2.5, 0.0, 0.3]])
    original = scores.copy()
    returned = softmax(scores)  # an unfinished function raises ExerciseNotDone here
    if returned is None:
        return "your function returns None: end it with return ..."
    try:
        result = np.asarray(returned, dtype=float)
    except ValueError as error:
        if "broadcast" in str(error):
            return ("an array of shape (rows, columns) cannot be divided by one of shape (rows,): "
                    "sum with keepdims=True to get (rows, 1), which broadcasts")
        return f"softmax(scores) raised ValueError: {error}"
    if not np.array_equal(scores, original):
        return "your function changed its input array; compute new arrays instead of modifying `scores`"
    if result.shape != scores.shape:
        return f"the result has shape {result.shape}; it should keep the shape of the scores {scores.shape}"
    if same(result.sum(axis=0), np.ones(result.shape[1])) and not same(result.sum(axis=1), np.ones(len(result))):
        return "each column sums to 1, but each row (one product) should: normalise along axis=1"
    if same(result, np.exp(scores) / np.exp(scores).sum()):
        return "you divided by the sum over the whole array; divide by each row's own sum (axis=1, keepdims=True)"
    if not same(result, softmax_reference(scores)):
        return "for the example scores the probabilities are not exp(score) / sum of exp(scores) in the row"
    with np.errstate(over="ignore", invalid="ignore"):
        large = np.asarray(softmax(np.array([[1000.0, 1001.0, 1002.0]])), dtype=float)
    if not np.all(np.isfinite(large)):
        return ("for large scores such as [1000, 1001, 1002] the result is nan: np.exp(1000) overflows; "
                "subtract each row's maximum before exp (the probabilities do not change)")
    if not same(large, softmax_reference(np.array([[1000.0, 1001.0, 1002.0]]))):
        return "for the scores [1000, 1001, 1002] the probabilities are wrong"
    return None


# ---------------------------------------------------------------- q4: groupby, and small groups
MIN_GROUP = 100


@exercise("q4",
          hint=f"group by article_type, take the mean and the size of the word counts (.agg), keep the groups "
               f"with at least {MIN_GROUP} products, and find the name of the largest mean with .idxmax()")
def q4(answer, products):
    words = products["title"].str.split().str.len()
    stats = words.groupby(products["article_type"]).agg(["mean", "size"])
    expected = stats[stats["size"] >= MIN_GROUP]["mean"].idxmax()
    if isinstance(answer, (pd.Series, pd.DataFrame)):
        return "give the name of one article type (a string); .idxmax() returns the label of the largest value"
    if not isinstance(answer, str):
        return wrong_type(answer, "the name of one article type (a string)")
    if answer == expected:
        return None
    if answer == stats["mean"].idxmax():
        return (f"that article type has fewer than {MIN_GROUP} products: the mean of a handful of titles is "
                "noise, keep only the large groups before taking the maximum")
    characters = products["title"].str.len().groupby(products["article_type"]).agg(["mean", "size"])
    if answer == characters[characters["size"] >= MIN_GROUP]["mean"].idxmax():
        return "that is the longest in characters; count words (the n_words column)"
    if answer not in set(stats.index):
        return f"{answer!r} is not an article type of this catalogue"
    return f"{answer!r} does not have the most words per title on average among the large article types"


# ---------------------------------------------------------------- q5: merge
def dropped(products, departments):
    """Which products an inner merge with the lookup table drops."""
    return ~products["master_category"].isin(departments["master_category"])


q5 = number_check(
    "q5", hint="merge with how='inner' and compare the number of rows with len(products); or count the products "
               "whose master_category is not in the lookup table (.isin)",
    wanted="a number of products",
    expected=lambda products, departments: int(dropped(products, departments).sum()),
    slips=[(lambda expected, products, departments: len(products) - expected,
            "that is the number of products that are kept; the question asks how many disappear"),
           (lambda expected, products, departments:
            products.loc[dropped(products, departments), "master_category"].nunique(),
            "that is the number of master categories missing from the lookup table; count products"),
           (A_FRACTION, "give the number of products, not a share")],
    otherwise="{shown} is not the number of products an inner merge drops")


# ---------------------------------------------------------------- q6: the two derivatives
def practice_line() -> tuple[np.ndarray, np.ndarray]:
    """The check's example: 50 points around the line y = 5x + 4."""
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 12, size=50)
    return x, 5 * x + 4 + rng.normal(0, 3, size=50)


def gradients_reference(w, b, x, y):
    error = w * x + b - y
    return 2 * np.mean(error * x), 2 * np.mean(error)


@exercise("q6",
          hint="with error = w * x + b - y, the derivative of mean(error**2) is mean(2 * error * x) for w and "
               "mean(2 * error) for b; return them as a pair (dw, db)",
          function="pass the function itself: check.q6(gradients)")
def q6(gradients):
    x, y = practice_line()
    w, b = 2.5, -1.0
    result = gradients(w, b, x, y)  # an unfinished function raises ExerciseNotDone here
    if result is None:
        return "your function returns None: end it with return dw, db"
    parts = [as_number(part) for part in result] if isinstance(result, (tuple, list, np.ndarray)) else []
    if len(parts) != 2 or None in parts:
        return f"return two numbers, the derivative for w and the one for b (return dw, db), not {describe(result)}"
    dw, db = parts
    expected_dw, expected_db = gradients_reference(w, b, x, y)
    if same(dw, expected_dw) and same(db, expected_db):
        return None
    if same(dw, expected_db) and same(db, expected_dw):
        return "the two derivatives are swapped: return dw (for w) first, then db"
    if same(dw, -expected_dw) and same(db, -expected_db):
        return ("the signs are flipped: use error = prediction - y (the update then subtracts the "
                "gradient)")
    if same(dw, expected_dw / 2) and same(db, expected_db / 2):
        return "the factor 2 from the square is missing: d/dw of error**2 is 2 * error * x"
    if same(dw, 2 * np.sum((w * x + b - y) * x)) or same(db, 2 * np.sum(w * x + b - y)):
        return "the loss is a mean, so its derivatives are means too, not sums"
    if same(db, expected_db) and not same(dw, expected_dw):
        return "the derivative for b is right; for w, multiply each error by its x before taking the mean"
    if same(dw, expected_dw) and not same(db, expected_db):
        return "the derivative for w is right; for b it is mean(2 * error), with no x"
    return "for w=2.5, b=-1 on test data the derivatives do not match mean(2*error*x) and mean(2*error)"


EXERCISES = [q1, q2, q3, q4, q5, q6]
