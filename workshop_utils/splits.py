"""Which classes we keep, how we sample to the budget, and how we split without leaks.

Notebooks 04 and 05 both call `make_splits`, so they train and test on the same classes
and the same rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

LABEL = "article_type"
# Leaves with fewer products than this are left out: with under 100 examples a class
# cannot be learned or measured reliably. On the full catalogue this keeps 53 of the 141
# article types and about 95% of the products.
MIN_PRODUCTS_PER_CLASS = 100
SPLIT_FRACTIONS = (0.70, 0.15, 0.15)  # train, validation, test
# A sample keeps at least this many products of every class (or all it has): 15% of 70 is 10.5,
# so even in fast mode each class has at least 10 test products, and one product moves its
# F1 by at most about 0.1 (with 3 test products, by 0.3: noise, not signal).
MIN_SAMPLED_PER_CLASS = 70


def frequent_classes(products: pd.DataFrame, label: str = LABEL,
                     min_count: int = MIN_PRODUCTS_PER_CLASS) -> list[str]:
    """Classes with at least `min_count` products, sorted by name."""
    counts = products[label].value_counts()
    return sorted(counts[counts >= min_count].index)


def rows_per_class(counts: np.ndarray, size: int, min_per_class: int = MIN_SAMPLED_PER_CLASS) -> np.ndarray:
    """How many rows each class keeps so that they add up to exactly `size`: at least
    `min_per_class` (or all it has), the rest shared in proportion to class size. When the
    floors alone need more than `size`, the floors win."""
    counts = np.asarray(counts)
    floors = np.minimum(counts, min_per_class)
    floored = np.zeros(len(counts), dtype=bool)
    while True:  # each pass floors the classes whose share fell under the floor; the share only shrinks
        share = (size - floors[floored].sum()) / counts[~floored].sum()
        now = floored | (counts * share < min_per_class)
        if now.all():
            return floors
        if (now == floored).all():
            break
        floored = now
    wanted = np.where(floored, floors, counts * share)
    rows = np.floor(wanted).astype(int)
    largest_remainders = np.argsort(-(wanted - rows), kind="stable")[: size - rows.sum()]
    rows[largest_remainders] += 1
    return rows


def sample_to_budget(products: pd.DataFrame, size: int | None, label: str = LABEL,
                     seed: int = 42, min_per_class: int = MIN_SAMPLED_PER_CLASS) -> pd.DataFrame:
    """A stratified sample of exactly `size` rows (see rows_per_class), so no class disappears."""
    if size is None or size >= len(products):
        return products
    groups = list(products.groupby(label, sort=True, observed=True))
    wanted = rows_per_class([len(rows) for _, rows in groups], size, min_per_class)
    parts = [rows.sample(n=int(n), random_state=seed + position)
             for position, ((_, rows), n) in enumerate(zip(groups, wanted))]
    return pd.concat(parts).sort_index()


def title_key(title: str) -> str:
    """A title reduced to lower-case words, so that "Shirt  ," and "shirt" fall in one group."""
    return " ".join(re.findall(r"[a-z0-9]+", str(title).lower()))


def grouped_split(products: pd.DataFrame, group: str = "title", label: str = LABEL,
                  fractions: tuple[float, ...] = SPLIT_FRACTIONS,
                  seed: int = 42) -> tuple[pd.DataFrame, ...]:
    """Train/validation/test (one part per fraction: k equal ones make k folds), stratified by label,
    with all rows sharing a `group` value in the same part. For titles the value is compared after
    `title_key` (case, spacing and punctuation ignored), so no title is both learned and tested."""
    if not np.isclose(sum(fractions), 1.0):
        raise ValueError(f"The split fractions {fractions} must add up to 1.")
    if group == "title":
        products = products.assign(title_group=products["title"].map(title_key))
        parts = grouped_split(products, "title_group", label, fractions, seed)
        return tuple(part.drop(columns="title_group") for part in parts)
    # Each group goes where its most common label says. Within a label, groups are dealt out
    # largest first (ties in a seeded random order), each to the part furthest below its share
    # of the label's rows: every part gets its share of the products, even in a class where a
    # few titles repeat dozens of times (cutting a shuffled list of groups could leave such a
    # class with no test product at all).
    pairs = (products.groupby([group, label], sort=True).size().rename("rows").reset_index()
             .sort_values("rows", ascending=False, kind="stable").drop_duplicates(group))
    rows_of_group = products.groupby(group, sort=True).size()
    rng = np.random.default_rng(seed)
    part_of_group = {}
    for _, groups in pairs.groupby(label, sort=True):
        names = groups[group].to_numpy()
        names = names[rng.permutation(len(names))]
        sizes = rows_of_group.loc[names].to_numpy()
        order = np.argsort(-sizes, kind="stable")  # largest first, the shuffled order among equals
        wanted = np.asarray(fractions, dtype=float) * sizes.sum()
        filled = np.zeros(len(fractions))
        for position in order:
            part = int(np.argmax(wanted - filled))
            filled[part] += sizes[position]
            part_of_group[names[position]] = part
    part = products[group].map(part_of_group)
    return tuple(products[part == index] for index in range(len(fractions)))


def short_title(title, gender, colour) -> str:
    """What a hurried seller writes: the title's first word (usually the brand), the gender and
    the colour, e.g. "Puma Men Black". A missing gender or colour is left out."""
    words = str(title).split()[:1] + [str(value) for value in (gender, colour)
                                      if isinstance(value, str) and value.strip()]
    return " ".join(words)


def short_titles(frame: pd.DataFrame) -> pd.Series:
    """`short_title` of every row of a products DataFrame (columns title, gender, colour)."""
    return pd.Series([short_title(*row) for row in zip(frame["title"], frame["gender"], frame["colour"])],
                     index=frame.index, name="short title", dtype=object)


@dataclass
class Splits:
    """The workshop's shared split: the same classes and rows in every notebook."""

    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame
    classes: list[str]
    label: str = LABEL

    def labels(self, part: str) -> np.ndarray:
        """Integer labels (positions in `classes`) of one part: 'train', 'validation', 'test'."""
        index = {name: position for position, name in enumerate(self.classes)}
        return getattr(self, part)[self.label].map(index).to_numpy(dtype="int64")

    def fingerprint(self) -> str:
        """A short hash of which rows and labels are in each part: equal fingerprints, the same split."""
        import hashlib

        digest = hashlib.sha256()
        for frame in (self.train, self.validation, self.test):
            hashed = pd.util.hash_pandas_object(frame[["title", self.label]].astype(str), index=True)
            digest.update(hashed.to_numpy().tobytes() + b"|")
        digest.update("\n".join(self.classes).encode())
        return digest.hexdigest()[:16]

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({
            "products": [len(self.train), len(self.validation), len(self.test)],
            "distinct titles": [frame["title"].nunique() for frame in (self.train, self.validation, self.test)],
        }, index=["train", "validation", "test"])


def make_splits(products: pd.DataFrame, sample_size: int | None = None, seed: int = 42,
                label: str = LABEL, min_count: int = MIN_PRODUCTS_PER_CLASS) -> Splits:
    """Keep the frequent classes, sample to the budget, split grouped by title."""
    classes = frequent_classes(products, label, min_count)
    kept = products[products[label].isin(classes)]
    sample = sample_to_budget(kept, sample_size, label, seed)
    train, validation, test = grouped_split(sample, "title", label, SPLIT_FRACTIONS, seed)
    return Splits(train, validation, test, classes, label)
