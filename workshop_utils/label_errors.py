"""Listings whose catalogue category looks wrong (notebook 06, "Catch the seller's mistake").

Notebook 06 writes each step out in its cells; the deck and the batch check call these:

    pool (training + validation listings) -> k folds grouped by title -> a text model per fold,
    trained without it -> out-of-fold probabilities -> normalised margin of the given label
    (its probability minus the best other class's) -> suspects below SUSPECT_MARGIN

`check_categories` / `check_categories_csv` are the batch form: a seller-facing queue of listings
whose given category disagrees with a suggestion the categorizer is sure enough to auto-accept.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import WorkshopError
from .splits import LABEL, Splits, grouped_split

FOLDS = 5              # each listing is scored by a model trained on 3/5 of the pool (1/5 stops it)
SHARE_FLIPPED = 0.02   # the injected seller mistakes of the measurement
# A listing is a suspect when the best other class gets at least 0.95 more probability than its given
# label. Chosen on flips drawn with seeds 1-3, never the notebook's: there, full mode found about 90%
# of the flips with 82% precision (75% and 86% with the models trained on the flips), fast mode about
# 80% with 80%; looser cuts let in more of the catalogue's own doubtful labels.
SUSPECT_MARGIN = -0.95
VERDICTS = ("catalogue wrong", "model wrong", "ambiguous")
AUDIT_FILE = Path(__file__).with_name("label_audit.csv")


def grouped_folds(pool: pd.DataFrame, k: int, seed: int, label: str = LABEL) -> np.ndarray:
    """Each row's fold (0 .. k-1): k folds of about equal size, stratified by label and grouped by title
    as the workshop's split is (`splits.grouped_split`), so the variants of one title never score each
    other. A row's fold depends on its label: give the pool with the labels it has before any change."""
    fold_of = np.zeros(len(pool), dtype=int)
    for fold, rows in enumerate(grouped_split(pool, "title", label, (1 / k,) * k, seed)):
        fold_of[pool.index.get_indexer(rows.index)] = fold
    return fold_of


def out_of_fold_probabilities(pool: pd.DataFrame, fold_of: np.ndarray, classes: list[str], epochs: int,
                              batch_size: int, seed: int, label: str = LABEL) -> np.ndarray:
    """Each row's probabilities from a text model that never saw it (notebook 06 writes this loop out):
    for fold i, notebook 04's model (`models.train_text_model`) trains on the other folds but fold i + 1,
    which stops its training, so the fold it scores chose nothing, not even the epoch. Rows in the
    order of `pool`; `fold_of` from `grouped_folds`."""
    from .models import string_tensor, train_text_model

    k = int(fold_of.max()) + 1
    probabilities = np.zeros((len(pool), len(classes)), dtype="float32")
    for i in range(k):
        held_out, stop = pool[fold_of == i], pool[fold_of == (i + 1) % k]
        rest = pool[(fold_of != i) & (fold_of != (i + 1) % k)]
        model, _ = train_text_model(Splits(rest, stop, held_out, classes, label), epochs=epochs,
                                    batch_size=batch_size, verbose=0, seed=seed + i)
        probabilities[fold_of == i] = model.predict(string_tensor(held_out["title"]), batch_size=1024, verbose=0)
    return probabilities


def normalised_margin(probabilities, given) -> np.ndarray:
    """The given label's probability minus the best other class's: from -1 (the model is sure of
    another class) to 1 (sure of the given one)."""
    probabilities, given = np.asarray(probabilities), np.asarray(given)
    rows = np.arange(len(given))
    others = probabilities.copy()
    others[rows, given] = -np.inf
    return probabilities[rows, given] - others.max(axis=1)


def flip_labels(labels, classes: list[str], parent_of: dict, share: float = SHARE_FLIPPED,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seller's mistakes, made on purpose: `share` of the rows (drawn among the classes that have a
    sibling) get another class of the same parent (`parent_of`: class -> sub-category). Returns the
    new labels and True for the flipped rows."""
    labels = np.asarray(labels)
    siblings = {i: [j for j, other in enumerate(classes) if j != i and parent_of[other] == parent_of[name]]
                for i, name in enumerate(classes)}
    rng = np.random.default_rng(seed)
    eligible = np.flatnonzero([bool(siblings[label]) for label in labels])
    chosen = rng.choice(eligible, size=min(len(eligible), round(share * len(labels))), replace=False)
    flipped = labels.copy()
    flipped[chosen] = [rng.choice(siblings[label]) for label in labels[chosen]]
    return flipped, np.isin(np.arange(len(labels)), chosen)


# ---------------------------------------------------------------- the audit of the real suspects
def read_audit(path: str | Path = AUDIT_FILE) -> pd.DataFrame:
    """The maintainers' audit of the top 50 real suspects of a full-mode run: id, catalogue label,
    proposed label, verdict (one of VERDICTS) and why; how it was done is in the file's header."""
    audit = pd.read_csv(path, comment="#", dtype={"id": "int64"}, keep_default_na=False)
    unknown = sorted(set(audit["verdict"]) - set(VERDICTS))
    if unknown:
        raise WorkshopError(f"{path} has verdicts {unknown}: each must be one of {', '.join(VERDICTS)}.")
    return audit


def maintainers_verdicts(ids, path: str | Path = AUDIT_FILE) -> list[str]:
    """The audit's verdict of each listing id; "ambiguous" (undecided) for an id it does not hold."""
    verdicts = read_audit(path).set_index("id")["verdict"]
    return [verdicts.get(int(listing), "ambiguous") for listing in ids]


def audited_precision(suspect_ids, audit: pd.DataFrame) -> dict:
    """Of the suspects the audit covers: how many, and the share whose catalogue label is wrong."""
    verdicts = audit.set_index("id")["verdict"].reindex(list(suspect_ids)).dropna()
    wrong = int((verdicts == "catalogue wrong").sum())
    return {"suspects": len(suspect_ids), "audited": len(verdicts), "catalogue wrong": wrong,
            "model wrong": int((verdicts == "model wrong").sum()),
            "ambiguous": int((verdicts == "ambiguous").sum()),
            "audited precision": wrong / len(verdicts) if len(verdicts) else float("nan")}


# ---------------------------------------------------------------- the batch form
OUTPUT_HEADER = "row,title,given,suggestion,probability,flagged,reason"  # an earlier output may be replaced


def check_categories(categorizer, listings: pd.DataFrame, category_column: str = "category",
                     progress: bool = True) -> pd.DataFrame:
    """Score listings (`serving.Categorizer.score`) and compare each with the category its seller gave.
    `flagged` is True when the categorizer would auto-accept another leaf (its review threshold: a
    suggestion that sure is right 99% of the time); `reason` says why each row is, or is not, flagged.
    One output row per input row, in the same order."""
    if not isinstance(listings, pd.DataFrame) or category_column not in listings:
        raise WorkshopError(f"check_categories needs a table with a {category_column!r} column, the category "
                            "each seller chose: name the column so, or pass category_column=.")
    scored = categorizer.score(listings, progress=progress)
    known = set(categorizer.classes)
    flagged, reasons = [], []
    for category, (_, row) in zip(listings[category_column], scored.iterrows()):
        category = "" if pd.isna(category) else " ".join(str(category).split())
        suggestion, sure = row["suggestion_1"], row["decision"] == "auto-accept"
        if not category:
            why = "no category given: nothing to check"
        elif category not in known:
            why = f"{category[:60]!r} is not one of the model's {len(known)} categories: not checked"
        elif not isinstance(suggestion, str):
            why = f"the model cannot read this listing ({row['reason']}): not checked"
        elif suggestion == category:
            why = "the model agrees"
        else:
            given = next((f"{row[f'probability_{k}']:.2f}" for k in (2, 3) if row[f"suggestion_{k}"] == category),
                         "not in its top 3")
            why = (f"the seller chose {category} ({given}); the model "
                   + (f"is sure it is {suggestion}" if sure else f"prefers {suggestion}, not surely enough to "
                      "contradict the seller") + f" ({row['probability_1']:.2f})")
        flagged.append(bool(category in known and isinstance(suggestion, str) and suggestion != category and sure))
        reasons.append(why)
    return pd.DataFrame({"title": scored["title"], "given": listings[category_column].fillna("").astype(str),
                         "suggestion": scored["suggestion_1"], "probability": scored["probability_1"],
                         "flagged": flagged, "reason": reasons}, index=listings.index)


def check_categories_csv(categorizer, source: str | Path, checked_path: str | Path, flagged_path: str | Path,
                         category_column: str = "category", progress: bool = True, *,
                         encoding: str | None = None, overwrite: bool = False) -> dict:
    """`serving.score_csv`'s sibling for a seller-facing review queue: read a CSV of listings (`title`,
    optionally `photo`, and the seller's category), write every row with its verdict and reason to
    `checked_path` and the flagged rows to `flagged_path`. The CSV is read as score_csv reads it (same
    encodings, separators and odd rows); outputs are replaced only when they are earlier outputs of
    this function, or with overwrite=True. Returns counts."""
    from . import files
    from .serving import read_listings

    source = Path(source).expanduser()
    outputs = [Path(checked_path).expanduser(), Path(flagged_path).expanduser()]
    files.check_outputs(outputs, [source], replaceable=lambda path: overwrite or _earlier_output(path),
                        advice="pass overwrite=True to replace it, or give the output another name")
    listings, problems = read_listings(source, encoding)
    listings[category_column] = _column_of(source, category_column, encoding, len(listings))
    checked = check_categories(categorizer, listings, category_column, progress=progress)
    rows = checked.index[list(problems)]
    checked.loc[rows, "reason"] = [f"{why}: not checked" for why in problems.values()]
    checked.loc[rows, "flagged"] = False
    flagged = checked[checked["flagged"]]
    files.write_files({outputs[0]: lambda part: checked.to_csv(part, index_label="row"),
                       outputs[1]: lambda part: flagged.to_csv(part, index_label="row")})
    return {"listings": len(checked), "flagged": len(flagged),
            "not checked": int(checked["reason"].str.endswith("not checked").sum())}


def _column_of(source: Path, name: str, encoding: str | None, rows: int) -> list[str]:
    """One more column of the CSV `serving.read_listings` read, row for row ("" where a row lacks it)."""
    import csv
    import io

    from . import files
    from .serving import SEPARATORS, _cells, _column

    text = files.read_text(source, "give a CSV of listings", encoding)
    first = next(line for line in text.splitlines() if line.strip())
    separator = next(mark for mark in SEPARATORS if _column(_cells(first, mark), "title") is not None)
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text)))
    try:
        header, *table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) if row]
    finally:
        csv.field_size_limit(previous)
    at = _column(header, name)
    if at is None:
        raise WorkshopError(f"{source} has no {name!r} column (it has {', '.join(header)[:200]}): name the column "
                            f"of the sellers' categories {name!r}, or pass category_column=.")
    values = [row[at] if at < len(row) else "" for row in table]
    assert len(values) == rows, "read_listings and this reader disagree on the rows"
    return values


def _earlier_output(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.readline().startswith(OUTPUT_HEADER)
    except OSError:
        return False
