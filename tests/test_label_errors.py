"""Notebook 06's label-error helpers: folds grouped by title, the margin, flips, the audit file, and
the batch check that flags listings whose seller's category disagrees with a sure suggestion."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workshop_utils import label_errors
from workshop_utils.errors import StorageError, WorkshopError
from workshop_utils.exercises import nb06
from workshop_utils.splits import grouped_split, title_key

from .test_nb06 import CLASSES, SUB, categorizer  # noqa: F401 (categorizer: a fixture, a tiny text model)


def pool_of(rows_per_class: int = 30) -> pd.DataFrame:
    """Titles with variants (three rows share each title, in other spellings), four classes."""
    rows = []
    for label, word in zip(CLASSES, ["Jeans", "Shirt", "Tshirt", "Watch"]):
        for number in range(rows_per_class):
            title = f"Brand{number // 3} Men {word}"
            rows.append({"title": title.upper() if number % 3 == 1 else title + " ,", "article_type": label})
    return pd.DataFrame(rows, index=np.arange(1000, 1000 + len(rows)))


# ---------------------------------------------------------------- folds, margin, flips
def test_k_equal_fractions_make_k_folds_and_no_title_crosses_them():
    pool = pool_of()
    fold_of = label_errors.grouped_folds(pool, 5, seed=0)
    assert sorted(set(fold_of)) == [0, 1, 2, 3, 4] and len(fold_of) == len(pool)
    titles_of_fold = pool["title"].map(title_key).groupby(fold_of).agg(set).tolist()
    assert not any(one & other for i, one in enumerate(titles_of_fold) for other in titles_of_fold[:i])
    assert np.bincount(fold_of).min() >= 18 and np.bincount(fold_of).max() <= 30  # 120 rows, about 24 each
    per_class = pd.crosstab(fold_of, pool["article_type"])
    assert (per_class > 0).all().all(), "stratified: every fold holds every class"
    assert len(grouped_split(pool, "title", "article_type", (0.25,) * 4, 0)) == 4


def test_normalised_margin():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05], [0.4, 0.4, 0.2]])
    margin = label_errors.normalised_margin(probabilities, np.array([0, 0, 1]))
    assert np.allclose(margin, [0.5, -0.85, 0.0])


def test_flips_stay_under_the_same_parent_and_skip_only_children():
    classes = ["Casual Shoes", "Sports Shoes", "Heels", "Watches"]
    parent = {"Casual Shoes": "Shoes", "Sports Shoes": "Shoes", "Heels": "Shoes", "Watches": "Watches"}
    labels = np.repeat([0, 1, 2, 3], 250)
    flipped_labels, flipped = label_errors.flip_labels(labels, classes, parent, share=0.02, seed=1)
    assert flipped.sum() == 20 and (flipped_labels[flipped] != labels[flipped]).all()
    assert (flipped_labels[~flipped] == labels[~flipped]).all()
    assert not flipped[labels == 3].any(), "Watches has no sibling: never flipped"
    assert all(parent[classes[a]] == parent[classes[b]] for a, b in zip(labels[flipped], flipped_labels[flipped]))
    again, _ = label_errors.flip_labels(labels, classes, parent, share=0.02, seed=1)
    assert (again == flipped_labels).all()


def test_out_of_fold_probabilities_find_a_flipped_label():
    pool = pool_of(24)
    fold_of = label_errors.grouped_folds(pool, 3, seed=0)
    noisy = pool.copy()
    noisy.loc[noisy.index[0], "article_type"] = "Watches"  # "Brand0 Men Jeans" filed as a watch
    labels = noisy["article_type"].map({name: i for i, name in enumerate(CLASSES)}).to_numpy()
    probabilities = label_errors.out_of_fold_probabilities(noisy, fold_of, CLASSES, epochs=30, batch_size=16,
                                                           seed=0)
    assert probabilities.shape == (len(pool), len(CLASSES)) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
    margin = label_errors.normalised_margin(probabilities, labels)
    assert margin.argmin() == 0 and margin[0] < label_errors.SUSPECT_MARGIN


# ---------------------------------------------------------------- the audit
def test_the_committed_audit_holds_fifty_verdicts_with_reasons():
    audit = label_errors.read_audit()
    assert list(audit.columns) == ["id", "catalogue label", "proposed label", "verdict", "why"]
    assert len(audit) == 50 and audit["id"].is_unique and audit["why"].str.len().min() > 0
    assert set(audit["verdict"]) <= set(label_errors.VERDICTS)
    assert (audit["catalogue label"] != audit["proposed label"]).all()
    header = label_errors.AUDIT_FILE.read_text(encoding="utf-8").split("\nid,")[0]
    assert "full mode" in header and "photo" in header, "the header says how the audit was done"


def test_an_unknown_verdict_is_refused_and_precision_counts_only_the_audited(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text("# how\nid,catalogue label,proposed label,verdict,why\n1,Flats,Heels,catalogue wrong,x\n"
                    "2,Tops,Tshirts,ambiguous,y\n3,Tops,Shirts,model wrong,z\n")
    audit = label_errors.read_audit(path)
    assert label_errors.audited_precision([1, 2, 4], audit) == {
        "suspects": 3, "audited": 2, "catalogue wrong": 1, "model wrong": 0, "ambiguous": 1, "audited precision": 0.5}
    assert label_errors.maintainers_verdicts([3, 4], path) == ["model wrong", "ambiguous"]
    path.write_text("id,catalogue label,proposed label,verdict,why\n1,Flats,Heels,wrong,x\n")
    with pytest.raises(WorkshopError, match="one of catalogue wrong"):
        label_errors.read_audit(path)


# ---------------------------------------------------------------- exercise 6
def test_q6_takes_any_ten_verdicts_and_names_the_slips():
    shown = pd.DataFrame({"id": range(10)})
    assert nb06.q6.reason(["catalogue wrong"] * 4 + ["ambiguous"] * 3 + ["model wrong"] * 3, shown) is None
    assert "one string" in nb06.q6.reason("catalogue wrong", shown)
    assert "9 verdicts" in nb06.q6.reason(["ambiguous"] * 9, shown)
    assert '(did you mean "catalogue wrong")' in nb06.q6.reason(["catalog wrong"] + ["ambiguous"] * 9, shown)
    assert "not one of the three" in nb06.q6.reason([1] * 10, shown)
    assert "not a dict" in nb06.q6.reason({1: "ambiguous"}, shown)


# ---------------------------------------------------------------- the batch form
LISTINGS = pd.DataFrame({
    "title": ["Levis Men Blue Jeans", "Titan Men Watch", "Arrow Men White Shirt", "", "Levis Men Blue Jeans",
              "Levis Men Blue Jeans", "👖👖"],
    "category": ["Jeans", "Jeans", "Shirts", "Jeans", "", "Kurtas", "Jeans"]})


def test_check_categories_flags_a_sure_disagreement_and_gives_every_row_a_reason(categorizer):  # noqa: F811
    checked = categorizer_check(categorizer)
    assert checked["flagged"].tolist() == [False, True, False, False, False, False, False]
    reasons = checked["reason"].tolist()
    assert reasons[0] == "the model agrees" and reasons[2] == "the model agrees"
    assert reasons[1].startswith("the seller chose Jeans") and "sure it is Watches" in reasons[1]
    assert "cannot read" in reasons[3] and "title is empty" in reasons[3] and reasons[4].startswith("no category")
    assert "'Kurtas' is not one of the model's 4 categories" in reasons[5] and "vocabulary" in reasons[6]
    assert (checked.index == LISTINGS.index).all() and checked["given"].tolist() == LISTINGS["category"].tolist()


def categorizer_check(categorizer, **options):  # noqa: F811
    return label_errors.check_categories(categorizer, LISTINGS, progress=False, **options)


def test_an_unsure_disagreement_is_not_flagged(categorizer):  # noqa: F811
    import dataclasses

    strict = dataclasses.replace(categorizer, threshold=1.0)  # nothing is ever sure enough
    checked = label_errors.check_categories(strict, LISTINGS, progress=False)
    assert not checked["flagged"].any() and "not surely enough" in checked["reason"][1]


def test_check_categories_csv_writes_all_rows_and_the_queue(categorizer, tmp_path):  # noqa: F811
    source = tmp_path / "listings.csv"
    LISTINGS.rename(columns={"category": "Category "}).to_csv(source, index=False, sep=";")
    counts = label_errors.check_categories_csv(categorizer, source, tmp_path / "checked.csv",
                                               tmp_path / "queue.csv", progress=False)
    checked = pd.read_csv(tmp_path / "checked.csv", keep_default_na=False)
    queue = pd.read_csv(tmp_path / "queue.csv", keep_default_na=False)
    assert counts == {"listings": 7, "flagged": 1, "not checked": 3}
    assert len(checked) == 7 and queue["title"].tolist() == ["Titan Men Watch"] and queue["row"].tolist() == [1]
    # Run again: the earlier outputs are replaced; a file of another kind is not.
    label_errors.check_categories_csv(categorizer, source, tmp_path / "checked.csv", tmp_path / "queue.csv",
                                      progress=False)
    (tmp_path / "notes.csv").write_text("my notes\n")
    with pytest.raises(StorageError, match="not an earlier output"):
        label_errors.check_categories_csv(categorizer, source, tmp_path / "checked.csv", tmp_path / "notes.csv",
                                          progress=False)


def test_a_csv_without_the_category_column_is_one_sentence(categorizer, tmp_path):  # noqa: F811
    source = tmp_path / "listings.csv"
    LISTINGS[["title"]].to_csv(source, index=False)
    with pytest.raises(WorkshopError, match="no 'category' column"):
        label_errors.check_categories_csv(categorizer, source, tmp_path / "a.csv", tmp_path / "b.csv", progress=False)
    assert not (tmp_path / "a.csv").exists()
