"""Class choice, budget sampling and the title-grouped split."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from workshop_utils import splits


def catalogue(rows_per_class=(300, 120, 60), titles_per_class=(90, 40, 20)) -> pd.DataFrame:
    """Made-up products: several rows share each title, as in the real catalogue."""
    frames = []
    for number, (rows, titles) in enumerate(zip(rows_per_class, titles_per_class)):
        label = f"class {number}"
        frames.append(pd.DataFrame({"title": [f"{label} title {i % titles}" for i in range(rows)],
                                    "article_type": label}))
    return pd.concat(frames, ignore_index=True)


def test_frequent_classes_keeps_those_with_enough_rows():
    assert splits.frequent_classes(catalogue(), min_count=100) == ["class 0", "class 1"]


def test_sample_to_budget_keeps_every_class_and_the_shares():
    products = catalogue()
    sample = splits.sample_to_budget(products, 96, seed=1, min_per_class=10)
    counts = sample["article_type"].value_counts()
    assert set(counts.index) == set(products["article_type"])
    assert counts["class 0"] == 60 and counts["class 1"] == 24 and counts["class 2"] == 12
    assert splits.sample_to_budget(products, None) is products


def test_sample_is_the_same_for_the_same_seed():
    products = catalogue()
    first = splits.sample_to_budget(products, 100, seed=3)
    assert first.index.equals(splits.sample_to_budget(products, 100, seed=3).index)
    assert not first.index.equals(splits.sample_to_budget(products, 100, seed=4).index)


def test_grouped_split_never_shares_a_title_between_parts():
    train, validation, test = splits.grouped_split(catalogue(), seed=0)
    parts = [set(part["title"]) for part in (train, validation, test)]
    assert not parts[0] & parts[1] and not parts[0] & parts[2] and not parts[1] & parts[2]
    assert len(train) + len(validation) + len(test) == len(catalogue())


def test_grouped_split_is_stratified_and_proportioned():
    train, validation, test = splits.grouped_split(catalogue(), seed=0)
    for part in (train, validation, test):
        assert set(part["article_type"]) == {"class 0", "class 1", "class 2"}
    assert len(train) / len(catalogue()) == pytest.approx(0.70, abs=0.05)
    assert len(test) / len(catalogue()) == pytest.approx(0.15, abs=0.05)


def test_titles_differing_only_in_case_and_spacing_stay_together():
    products = pd.DataFrame({"title": ["Nike  Men Shoe", "nike men shoe.", "Puma Cap", "puma cap",
                                       "Adidas Bag", "Fila Tee"] * 5,
                             "article_type": ["Shoes", "Shoes", "Caps", "Caps", "Bags", "Tees"] * 5})
    parts = splits.grouped_split(products, seed=0)
    keys = [set(part["title"].map(splits.title_key)) for part in parts]
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    assert list(parts[0].columns) == ["title", "article_type"]


def test_fractions_must_add_up():
    with pytest.raises(ValueError, match="add up to 1"):
        splits.grouped_split(catalogue(), fractions=(0.5, 0.2, 0.2))


def test_make_splits_labels_match_the_class_list():
    result = splits.make_splits(catalogue(), sample_size=None, seed=0)
    assert result.classes == ["class 0", "class 1"]
    labels = result.labels("train")
    assert labels.dtype == np.int64 and set(labels) == {0, 1}
    assert (np.array(result.classes)[labels] == result.train["article_type"].to_numpy()).all()
    assert list(result.summary().index) == ["train", "validation", "test"]


def test_make_splits_is_deterministic():
    first = splits.make_splits(catalogue(), sample_size=200, seed=5)
    second = splits.make_splits(catalogue(), sample_size=200, seed=5)
    assert first.test.index.equals(second.test.index)


def test_short_titles_keep_the_first_word_gender_and_colour():
    import math

    import pandas as pd

    from workshop_utils.splits import short_title, short_titles

    assert short_title("Puma Men Black Running Shoes", "Men", "Black") == "Puma Men Black"
    assert short_title("Levis 501 Jeans", "Men", math.nan) == "Levis Men"
    frame = pd.DataFrame({"title": ["United Colors of Benetton Women Red Top"], "gender": ["Women"],
                          "colour": ["Red"]}, index=[7])
    assert short_titles(frame).to_dict() == {7: "United Women Red"}


def repeated_titles_catalogue():
    """One class like the catalogue's rings: 118 products, a few titles repeated dozens of times."""
    import pandas as pd

    sizes = [50, 26, 14, 6, 6, 4, 3, 2, 2, 1, 1, 1, 1, 1]
    titles = [f"ring {group}" for group, size in enumerate(sizes) for _ in range(size)]
    common = [f"shirt {number}" for number in range(300)]
    return pd.DataFrame({"title": titles + common,
                         "article_type": ["Ring"] * len(titles) + ["Shirts"] * len(common)})


def test_every_part_gets_its_share_of_a_class_whose_titles_repeat():
    """Cutting a shuffled list of groups gave some seeds no test ring at all (one 50-product title
    landing in test leaves the rest empty, or the other way round)."""
    from workshop_utils.splits import grouped_split

    products = repeated_titles_catalogue()
    for seed in range(30):
        train, validation, test = grouped_split(products, seed=seed)
        rings = [(part["article_type"] == "Ring").sum() for part in (train, validation, test)]
        assert 10 <= rings[2] <= 25 and 10 <= rings[1] <= 25, (seed, rings)
        assert not set(train["title"]) & set(test["title"])


def test_a_sample_keeps_ten_test_products_of_every_class():
    import pandas as pd

    from workshop_utils.splits import grouped_split, sample_to_budget

    products = pd.DataFrame({"title": [f"item {number}" for number in range(2200)],
                             "article_type": ["Shirts"] * 2000 + ["Ring"] * 100 + ["Caps"] * 100})
    sample = sample_to_budget(products, 500, seed=0)
    test = grouped_split(sample, seed=0)[2]
    assert test["article_type"].value_counts().min() >= 10


@pytest.mark.parametrize("seed", range(5))
def test_a_sample_has_exactly_its_size_and_every_floor(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 3000, size=rng.integers(5, 150))
    size = int(rng.integers(counts.clip(max=70).sum(), counts.sum()))
    rows = splits.rows_per_class(counts, size, 70)
    assert rows.sum() == size and (rows <= counts).all() and (rows >= np.minimum(counts, 70)).all()
    # Above the floor, the classes keep their shares: the rows grow with the class.
    above = rows > np.minimum(counts, 70)
    assert (np.diff(rows[above][np.argsort(counts[above])]) >= 0).all()


def test_floors_that_need_more_than_the_size_win():
    assert splits.rows_per_class([500, 100, 20], 100, 70).tolist() == [70, 70, 20]


@pytest.mark.skipif(not os.environ.get("WORKSHOP_DATA_DIR"), reason="needs the real data (set WORKSHOP_DATA_DIR)")
def test_every_notebook_uses_the_fast_budgets_number_of_products():
    """Notebooks 01-03 explore sample_to_budget's sample, 04-06 split make_splits': both hold exactly
    the number setup prints."""
    from workshop_utils.config import FAST_BUDGET
    from workshop_utils.data import load_products

    catalogue = load_products(with_images=False, progress=False)
    size = FAST_BUDGET["sample_size"]
    assert len(splits.sample_to_budget(catalogue, size)) == size
    parts = splits.make_splits(catalogue, sample_size=size)
    assert len(parts.train) + len(parts.validation) + len(parts.test) == size
