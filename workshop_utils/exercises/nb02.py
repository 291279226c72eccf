"""Checks for 02_gather_and_explore."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import as_number, exercise, number_slip, same, shown, wrong_type


def not_a_share(value: float, expected: float, count: float) -> str | None:
    """The usual slips when a share is asked for: a percentage, or the count itself."""
    if same(value, 100 * expected):
        return "give a share between 0 and 1, not a percentage"
    if same(value, count):
        return "that is a number of products; divide by the number of products to get a share"
    return None


# ---------------------------------------------------------------- q1: majority baseline
@exercise("q1",
          hint="the accuracy of always answering one class is that class's share of the products: "
               "value_counts(normalize=True) lists the shares, largest first",
          solution='answer = products["article_type"].value_counts(normalize=True).iloc[0]')
def q1(answer, products):
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one number between 0 and 1")
    counts = products["article_type"].value_counts()
    expected = counts.iloc[0] / len(products)
    if same(value, expected):
        return None
    slip = not_a_share(value, expected, counts.iloc[0])
    if slip:
        return slip
    if same(value, 1 / len(counts)):
        return "that is the uniform random baseline (1/n); always answering the largest class does better"
    for level in ("master_category", "sub_category"):
        if same(value, products[level].value_counts(normalize=True).iloc[0]):
            return f"that is the baseline for {level}; the question is about article_type"
    return number_slip(value, expected) or f"{shown(value)} is not the share of the most common article type"


# ---------------------------------------------------------------- q2: proportional random guessing
@exercise("q2",
          hint="for each class i: P(true class is i) x P(guess is i) = p_i x p_i; add these up over the "
               "classes: (shares ** 2).sum()",
          solution='answer = (products["article_type"].value_counts(normalize=True) ** 2).sum()')
def q2(answer, products):
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one number between 0 and 1")
    shares = products["article_type"].value_counts(normalize=True)
    expected = float((shares ** 2).sum())
    if same(value, expected):
        return None
    if same(value, 100 * expected):
        return "give a share between 0 and 1, not a percentage"
    if same(value, 1 / len(shares)):
        return "that is uniform guessing (1/n); this guesser favours the big classes as often as they occur"
    if same(value, shares.iloc[0]):
        return "that is always guessing the largest class; this guesser draws each class with probability p_i"
    if same(value, 1.0):
        return "the shares add up to 1; the chance of being right for class i is p_i times p_i"
    return number_slip(value, expected) or f"{shown(value)} is not the sum of the squared class shares"


# ---------------------------------------------------------------- q3: the long tail
@exercise("q3",
          hint="value_counts(normalize=True) sorts the shares, largest first; add up the first 10 (.head(10).sum())",
          solution='answer = products["article_type"].value_counts(normalize=True).head(10).sum()')
def q3(answer, products):
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one number between 0 and 1")
    counts = products["article_type"].value_counts()
    expected = counts.head(10).sum() / len(products)
    if same(value, expected):
        return None
    slip = not_a_share(value, expected, counts.head(10).sum())
    if slip:
        return slip
    if same(value, 10 / len(counts)):
        return "that is the share of the article types; the question asks for the share of the products"
    if same(value, counts.tail(10).sum() / len(products)):
        return "those are the 10 smallest article types; value_counts lists the largest first"
    return (number_slip(value, expected)
            or f"{shown(value)} is not the share of the products in the 10 largest article types")


# ---------------------------------------------------------------- q4: word purity
@exercise("q4",
          hint="each row of word_types is one word; its largest count divided by its total is its purity: "
               "word_types.max(axis=1) / word_types.sum(axis=1)",
          solution="answer = word_types.max(axis=1) / word_types.sum(axis=1)")
def q4(answer, word_types):
    expected = word_types.max(axis=1) / word_types.sum(axis=1)
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
@exercise("q5",
          hint="duplicated() marks a row whose title appeared before; keep=False marks every row of a "
               "repeated title, the first one included",
          solution='answer = products["title"].duplicated(keep=False).sum()')
def q5(answer, products):
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "a number of products")
    titles = products["title"]
    expected = int(titles.duplicated(keep=False).sum())
    if same(value, expected):
        return None
    if value == int(titles.duplicated().sum()):
        return ("that counts only the repeats after the first product of each title; count the first one too "
                "(duplicated(keep=False))")
    counts = titles.value_counts()
    if value == int((counts > 1).sum()):
        return "that is the number of distinct titles that repeat; count the products that have them"
    if 0 < value < 1:
        return "give the number of products, not a share"
    return number_slip(value, expected) or f"{shown(value)} is not the number of products that share their title"


# ---------------------------------------------------------------- q6: the leak of a random split
@exercise("q6",
          hint="test_rows['title'].isin(train_rows['title']) is True for each test row whose title is also "
               "in training; its .mean() is the share",
          solution='answer = test_rows["title"].isin(train_rows["title"]).mean()')
def q6(answer, train_rows, test_rows):
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one number between 0 and 1")
    seen = test_rows["title"].isin(train_rows["title"])
    expected = seen.mean()
    if same(value, expected):
        return None
    slip = not_a_share(value, expected, seen.sum())
    if slip:
        return slip
    if same(value, train_rows["title"].isin(test_rows["title"]).mean()):
        return "that is the share of training rows seen in the test part; the question is about the test rows"
    distinct = pd.Series(test_rows["title"].unique())
    if same(value, distinct.isin(train_rows["title"]).mean()):
        return "that is the share of distinct test titles; count test rows (products), duplicates included"
    return (number_slip(value, expected)
            or f"{shown(value)} is not the share of test rows whose title appears in training")


# ---------------------------------------------------------------- q7: leaves with two parents
@exercise("q7",
          hint="group by article_type and count the distinct sub_category values (.nunique()); keep the "
               "article types with more than one, and sort their names",
          solution="""parents = products.groupby("article_type")["sub_category"].nunique()
answer = sorted(parents[parents > 1].index)""")
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
