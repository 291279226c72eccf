"""Checks for 02_gather_and_explore."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import A_FRACTION, PERCENTAGE, exercise, number_check, same, wrong_type


A_COUNT = "that is a number of products; divide by the number of products to get a share"


def types(products):
    """How many products each article type has, largest first."""
    return products["article_type"].value_counts()


# ---------------------------------------------------------------- q1: majority baseline
q1 = number_check(
    "q1", hint="the accuracy of always answering one class is that class's share of the products: "
               "value_counts(normalize=True) lists the shares, largest first",
    wanted="one number between 0 and 1",
    expected=lambda products: types(products).iloc[0] / len(products),
    slips=[PERCENTAGE,
           (lambda expected, products: types(products).iloc[0], A_COUNT),
           (lambda expected, products: 1 / len(types(products)),
            "that is the uniform random baseline (1/n); always answering the largest class does better"),
           (lambda expected, products: products["master_category"].value_counts(normalize=True).iloc[0],
            "that is the baseline for master_category; the question is about article_type"),
           (lambda expected, products: products["sub_category"].value_counts(normalize=True).iloc[0],
            "that is the baseline for sub_category; the question is about article_type")],
    otherwise="{shown} is not the share of the most common article type")


# ---------------------------------------------------------------- q2: proportional random guessing
q2 = number_check(
    "q2", hint="for each class i: P(true class is i) x P(guess is i) = p_i x p_i; add these up over the "
               "classes: (shares ** 2).sum()",
    wanted="one number between 0 and 1",
    expected=lambda products: float((products["article_type"].value_counts(normalize=True) ** 2).sum()),
    slips=[PERCENTAGE,
           (lambda expected, products: 1 / len(types(products)),
            "that is uniform guessing (1/n); this guesser favours the big classes as often as they occur"),
           (lambda expected, products: products["article_type"].value_counts(normalize=True).iloc[0],
            "that is always guessing the largest class; this guesser draws each class with probability p_i"),
           (lambda expected, products: 1.0,
            "the shares add up to 1; the chance of being right for class i is p_i times p_i")],
    otherwise="{shown} is not the sum of the squared class shares")


# ---------------------------------------------------------------- q3: the long tail
q3 = number_check(
    "q3", hint="value_counts(normalize=True) sorts the shares, largest first; add up the first 10 (.head(10).sum())",
    wanted="one number between 0 and 1",
    expected=lambda products: types(products).head(10).sum() / len(products),
    slips=[PERCENTAGE,
           (lambda expected, products: types(products).head(10).sum(), A_COUNT),
           (lambda expected, products: 10 / len(types(products)),
            "that is the share of the article types; the question asks for the share of the products"),
           (lambda expected, products: types(products).tail(10).sum() / len(products),
            "those are the 10 smallest article types; value_counts lists the largest first")],
    otherwise="{shown} is not the share of the products in the 10 largest article types")


# ---------------------------------------------------------------- q4: word purity
def purity(word_types):
    """Each word's (row's) largest count over its total: how surely the word names one article type."""
    return word_types.max(axis=1) / word_types.sum(axis=1)


@exercise("q4",
          hint="each row of word_types is one word; its largest count divided by its total is its purity: "
               "word_types.max(axis=1) / word_types.sum(axis=1)")
def q4(answer, word_types):
    expected = purity(word_types)
    if not isinstance(answer, pd.Series):
        if isinstance(answer, pd.DataFrame):
            return "give one number per word (a Series), not a table"
        return wrong_type(answer, "a Series of purities indexed by word")
    if len(answer) == word_types.shape[1] and len(answer) != len(expected):
        return ("you have one value per article type: take the max and the sum along each row "
                "(axis=1), one row per word")
    if len(answer) != len(expected) or not answer.index.equals(expected.index):
        return f"expected one value for each of the {len(expected):,} words of word_types, indexed by word"
    values = pd.to_numeric(answer, errors="coerce").to_numpy(dtype=float)
    if same(values, expected.to_numpy()):
        return None
    if same(values, 100 * expected.to_numpy()):
        return "give shares between 0 and 1, not percentages"
    if same(values, word_types.max(axis=1).to_numpy()):
        return "that is the largest count of each word; divide it by the word's total number of titles"
    return "the values are not (largest count in the row) / (row total)"


# ---------------------------------------------------------------- q5: shared titles
q5 = number_check(
    "q5", hint="duplicated() marks a row whose title appeared before; keep=False marks every row of a "
               "repeated title, the first one included",
    wanted="a number of products",
    expected=lambda products: int(products["title"].duplicated(keep=False).sum()),
    slips=[(lambda expected, products: int(products["title"].duplicated().sum()),
            "that counts only the repeats after the first product of each title; count the first one too "
            "(duplicated(keep=False))"),
           (lambda expected, products: int((products["title"].value_counts() > 1).sum()),
            "that is the number of distinct titles that repeat; count the products that have them"),
           (A_FRACTION, "give the number of products, not a share")],
    otherwise="{shown} is not the number of products that share their title")


# ---------------------------------------------------------------- q6: the leak of a random split
def seen(train_rows, test_rows):
    """For each test row, whether its title is also in training."""
    return test_rows["title"].isin(train_rows["title"])


q6 = number_check(
    "q6", hint="test_rows['title'].isin(train_rows['title']) is True for each test row whose title is also "
               "in training; its .mean() is the share",
    wanted="one number between 0 and 1",
    expected=lambda train_rows, test_rows: seen(train_rows, test_rows).mean(),
    slips=[PERCENTAGE,
           (lambda expected, train_rows, test_rows: seen(train_rows, test_rows).sum(), A_COUNT),
           (lambda expected, train_rows, test_rows: seen(test_rows, train_rows).mean(),
            "that is the share of training rows seen in the test part; the question is about the test rows"),
           (lambda expected, train_rows, test_rows: pd.Series(test_rows["title"].unique()).isin(
               train_rows["title"]).mean(),
            "that is the share of distinct test titles; count test rows (products), duplicates included")],
    otherwise="{shown} is not the share of test rows whose title appears in training")


# ---------------------------------------------------------------- q7: leaves with two parents
@exercise("q7",
          hint="group by article_type and count the distinct sub_category values (.nunique()); keep the "
               "article types with more than one, and sort their names")
def q7(answer, products):
    if isinstance(answer, (int, np.integer)):
        return "give the names of the article types (a sorted list), not how many there are"
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return wrong_type(answer, "a sorted list of article type names")
    names = [str(name) for name in answer]
    parents = products.groupby("article_type")["sub_category"].nunique()
    expected = sorted(parents[parents > 1].index)
    if names == expected:
        return None
    if sorted(names) == expected:
        return "the right names, but not sorted: use sorted(...)"
    by_master = products.groupby("article_type")["master_category"].nunique()
    if sorted(names) == sorted(by_master[by_master > 1].index):
        return ("those article types have two master categories; more have two sub-categories under the "
                "same master: count distinct sub_category values")
    subs = products.groupby("sub_category")["master_category"].nunique()
    if sorted(names) == sorted(subs[subs > 1].index):
        return "those are sub-categories with two master categories; the question is about article types"
    missing, extra = sorted(set(expected) - set(names)), sorted(set(names) - set(expected))
    details = []
    if missing:
        details.append(f"{len(missing)} missing (e.g. {missing[0]!r})")
    if extra:
        details.append(f"{len(extra)} that have a single parent (e.g. {extra[0]!r})")
    return "not the right article types: " + ", ".join(details)


EXERCISES = [q1, q2, q3, q4, q5, q6, q7]
