"""Scores of a classifier on the test set, and the one place they are recorded."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .config import current

MODEL_KINDS = ("text", "image", "fusion", "baseline")

# The names under which the notebooks record their models in the results file. Notebooks 04
# and 05, benchmarks/run.py and the decks use these constants, never the strings, so a rename
# cannot leave one of them reading a name nobody writes.
MAJORITY_BASELINE = "majority class (baseline)"                          # notebook 04
TFIDF_LOGISTIC_BASELINE = "text TF-IDF + logistic regression (baseline)"  # notebook 04
TFIDF_DENSE = "text TF-IDF + dense network"                              # notebook 04
TEXT_EMBEDDING_04 = "text embedding network"                             # notebook 04
TEXT_MODEL = "text (embedding)"                                          # notebook 05: the same model, retrained
IMAGE_CNN = "image (cnn)"                                                # notebook 05
IMAGE_TRANSFER = "image (mobilenet_v2 transfer)"                         # notebook 05, when the weights exist
LATE_FUSION = "fusion (late average)"                                    # notebook 05
FUSION_MODEL = "fusion (model)"                                          # notebook 05
SHORT_TITLES = ", short titles"  # suffix: the same model scored on the test listings with short titles


def on_short_titles(model_name: str) -> str:
    """The results-file name of `model_name` scored on short titles, e.g. "text (embedding), short titles"."""
    return model_name + SHORT_TITLES


TEXT_MODEL_SHORT = on_short_titles(TEXT_MODEL)
LATE_FUSION_SHORT = on_short_titles(LATE_FUSION)
FUSION_MODEL_SHORT = on_short_titles(FUSION_MODEL)
# Notebook 05's "before": the fusion head fitted on the training rows' full listings only.
FUSION_BEFORE = "fusion (model, head fitted on full training listings only)"
FUSION_BEFORE_SHORT = on_short_titles(FUSION_BEFORE)

# Notebook 05's fair baselines for short titles: the text model trained on full and short titles,
# and a lookup with no learning (the most common class of each short title in the training rows).
TEXT_BOTH = "text (embedding, trained on full and short titles)"
TEXT_BOTH_SHORT = on_short_titles(TEXT_BOTH)
LOOKUP = "text lookup of short titles (baseline)"
LOOKUP_SHORT = on_short_titles(LOOKUP)

MODEL_NAMES = (MAJORITY_BASELINE, TFIDF_LOGISTIC_BASELINE, TFIDF_DENSE, TEXT_EMBEDDING_04,
               TEXT_MODEL, IMAGE_CNN, IMAGE_TRANSFER, LATE_FUSION, FUSION_MODEL,
               TEXT_MODEL_SHORT, LATE_FUSION_SHORT, FUSION_MODEL_SHORT, FUSION_BEFORE, FUSION_BEFORE_SHORT,
               TEXT_BOTH, TEXT_BOTH_SHORT, LOOKUP_SHORT)

# Notebook 06 scores the model it puts to work (the fusion model of notebook 05, reloaded) three more ways.
TOP_3 = ", top 3"                    # right when the true class is among the three suggestions
AUTO_ACCEPTED = ", auto-accepted"    # only the test listings confident enough to skip review
RARE_TYPES_UP = ", rare types one level up"  # the 88 rare article types, scored on their master category
FUSION_MODEL_TOP_3 = FUSION_MODEL + TOP_3
FUSION_MODEL_AUTO_ACCEPTED = FUSION_MODEL + AUTO_ACCEPTED
FUSION_MODEL_RARE_TYPES_UP = FUSION_MODEL + RARE_TYPES_UP
MODEL_NAMES += (FUSION_MODEL_TOP_3, FUSION_MODEL_AUTO_ACCEPTED, FUSION_MODEL_RARE_TYPES_UP)
# Notebook 06's measured numbers that are not test scores of one model (`record_numbers`).
FUSION_MODEL_TOP_K = FUSION_MODEL + ", top-k accuracy"                 # top 1, top 3, top 5
POINT_THRESHOLD = FUSION_MODEL + ", point-estimate threshold"          # threshold_report on the test set
GUARANTEED_THRESHOLD = FUSION_MODEL + ", guaranteed threshold"         # threshold_report on the test set
MODELS_USED_06 = "notebook 06's models"                                # models.json: which head, which path
# Notebook 05's paired comparisons on the same test listings (`compare_models`, accuracy row).
PAIRED_FULL = "fusion (model) - text (embedding), full titles"
PAIRED_SHORT_FAIR = "fusion (model) - text (embedding, trained on full and short titles), short titles"
PAIRED_SHORT_PHOTO = "fusion (model) - image (cnn), short titles"


def scores(y_true, y_pred) -> dict[str, float]:
    """Accuracy, macro F1 (every class counts the same) and weighted F1 (by class size)."""
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(y_true, y_pred, average="weighted", zero_division=0)),
    }


def record_results(model_name: str, y_true, y_pred, notebook: str, path: str | Path | None = None,
                   class_names: list[str] | None = None) -> dict:
    """Compute the test scores of one model and, when WORKSHOP_RESULTS (or `path`) names
    a JSON file, merge them into it under `model_name`. Returns the notebook and the scores.
    With `class_names` (label i is class_names[i]) the file's entry also holds `per_class_f1`
    and `per_class_support` (test products per class; the slides draw them); they are left out
    of the returned dict, which a notebook shows as a table."""
    if not any(kind in model_name for kind in MODEL_KINDS):
        raise ValueError(f"The model name {model_name!r} should say what the model reads: "
                         f"include one of {', '.join(MODEL_KINDS)}.")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    entry = {"notebook": notebook, **scores(y_true, y_pred)}
    if class_names is not None:
        from sklearn.metrics import f1_score

        per_class = f1_score(y_true, y_pred, labels=range(len(class_names)), average=None, zero_division=0)
        entry["per_class_f1"] = {name: float(value) for name, value in zip(class_names, per_class)}
        support = np.bincount(y_true, minlength=len(class_names))
        entry["per_class_support"] = {name: int(count) for name, count in zip(class_names, support)}
    merge_into_results(model_name, entry, path)
    return {key: value for key, value in entry.items() if not key.startswith("per_class_")}


def merge_into_results(name: str, entry: dict, path: str | Path | None = None) -> None:
    """Put `entry` under `name` in the results file: `path`, else the run's results_path
    (WORKSHOP_RESULTS); neither: nothing is written."""
    path = Path(path) if path is not None else current().results_path
    if path is None:
        return
    results = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
    results[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a crash never leaves half a JSON file.
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    os.replace(handle.name, path)


# ---------------------------------------------------------------- tables for error analysis
def per_class_report(y_true, y_pred, classes) -> pd.DataFrame:
    """Precision, recall, F1 and support (test products) of every class, indexed by class name,
    in the order of `classes` (labels are positions in `classes`)."""
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        np.asarray(y_true), np.asarray(y_pred), labels=range(len(classes)), zero_division=0)
    return pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support},
                        index=pd.Index(list(classes), name="class"))


def per_class_f1(y_true, predictions: dict, classes, averages: bool = True) -> pd.DataFrame:
    """One F1 column per model ({"name": predicted labels}), one row per class, a column
    "support" (true products per class) and, with `averages`, the rows "macro average" and
    "weighted average" at the bottom."""
    from sklearn.metrics import f1_score

    y_true = np.asarray(y_true)
    table = pd.DataFrame({name: f1_score(y_true, np.asarray(predicted), labels=range(len(classes)),
                                         average=None, zero_division=0)
                          for name, predicted in predictions.items()},
                         index=pd.Index(list(classes), name="class"))
    table["support"] = np.bincount(y_true, minlength=len(classes))
    if averages:
        rows = pd.DataFrame({name: [f1_score(y_true, np.asarray(predicted), average=average, zero_division=0)
                                    for average in ("macro", "weighted")]
                             for name, predicted in predictions.items()},
                            index=["macro average", "weighted average"])
        rows["support"] = len(y_true)
        table = pd.concat([table, rows])
    return table


def confused_pairs(y_true, y_pred, classes, top: int = 10) -> pd.DataFrame:
    """The `top` most frequent mistakes: true class, predicted class, how many test products,
    and that count as a share of the true class's products."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    wrong = y_true != y_pred
    mistakes = pd.DataFrame({"true": y_true[wrong], "predicted": y_pred[wrong]})
    counts = (mistakes.groupby(["true", "predicted"]).size().rename("products").reset_index()
              .sort_values(["products", "true", "predicted"], ascending=[False, True, True]).head(top))
    support = np.bincount(y_true, minlength=len(classes))
    return pd.DataFrame({
        "true class": [classes[i] for i in counts["true"]],
        "predicted as": [classes[i] for i in counts["predicted"]],
        "products": counts["products"].to_numpy(),
        "share of the true class": counts["products"].to_numpy() / support[counts["true"].to_numpy()],
    })


def most_confused_classes(y_true, y_pred, classes, pairs: int = 8) -> list[str]:
    """The classes that appear in the `pairs` most frequent mistakes, most confused first."""
    table = confused_pairs(y_true, y_pred, classes, top=pairs)
    names = []
    for true, predicted in zip(table["true class"], table["predicted as"]):
        names += [name for name in (true, predicted) if name not in names]
    return names


# ---------------------------------------------------------------- is a difference real?
def macro_f1_of(y_true, y_pred, n_classes: int) -> float:
    """Macro F1 from counts (fast enough to recompute on thousands of resamples); classes absent
    from both truth and prediction are left out, as scikit-learn does."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    hits = np.bincount(y_true[y_true == y_pred], minlength=n_classes)
    true_counts = np.bincount(y_true, minlength=n_classes)
    predicted_counts = np.bincount(y_pred, minlength=n_classes)
    present = (true_counts + predicted_counts) > 0
    f1 = 2 * hits[present] / (true_counts[present] + predicted_counts[present])
    return float(f1.mean())


def mcnemar_p_value(right_a, right_b) -> float:
    """Exact two-sided McNemar test: of the listings exactly one model gets right, are the two
    kinds (A right, B wrong / A wrong, B right) as likely as a fair coin would make them?"""
    from scipy.stats import binomtest

    right_a, right_b = np.asarray(right_a, bool), np.asarray(right_b, bool)
    only_a, only_b = int((right_a & ~right_b).sum()), int((~right_a & right_b).sum())
    if only_a + only_b == 0:
        return 1.0
    return float(binomtest(only_a, only_a + only_b, 0.5).pvalue)


def compare_models(y_true, predicted_a, predicted_b, names=("A", "B"), n_classes: int | None = None,
                   resamples: int = 2000, seed: int = 0, confidence: float = 0.95) -> pd.DataFrame:
    """Two models' test scores on the SAME listings, and their difference with a paired bootstrap
    interval: resample the listings with replacement, score both models on each resample, and keep
    the middle `confidence` share of the differences. One row per metric (accuracy, macro F1):
    the two scores, the difference (A - B), its interval, the McNemar p-value (accuracy only) and a
    verdict: "A better", "B better", or "noise" when the interval includes 0."""
    y_true = np.asarray(y_true)
    predicted_a, predicted_b = np.asarray(predicted_a), np.asarray(predicted_b)
    if not len(y_true) == len(predicted_a) == len(predicted_b):
        raise ValueError("Both models must be scored on the same listings: the three arrays differ in length.")
    n_classes = n_classes or int(max(y_true.max(), predicted_a.max(), predicted_b.max())) + 1
    right_a, right_b = predicted_a == y_true, predicted_b == y_true
    generator = np.random.default_rng(seed)
    accuracy_differences, f1_differences = [], []
    for _ in range(resamples):  # one resample at a time: memory stays that of one index array
        rows = generator.integers(0, len(y_true), size=len(y_true))
        accuracy_differences.append(right_a[rows].mean() - right_b[rows].mean())
        f1_differences.append(macro_f1_of(y_true[rows], predicted_a[rows], n_classes)
                              - macro_f1_of(y_true[rows], predicted_b[rows], n_classes))
    tail = (1 - confidence) / 2 * 100
    name_a, name_b = names
    table = {}
    for metric, a, b, differences, p_value in (
            ("accuracy", right_a.mean(), right_b.mean(), accuracy_differences, mcnemar_p_value(right_a, right_b)),
            ("macro F1", macro_f1_of(y_true, predicted_a, n_classes), macro_f1_of(y_true, predicted_b, n_classes),
             f1_differences, np.nan)):
        low, high = np.percentile(differences, [tail, 100 - tail])
        verdict = f"{name_a} better" if low > 0 else f"{name_b} better" if high < 0 else "noise"
        table[metric] = {name_a: float(a), name_b: float(b), "difference": float(a - b),
                         "interval low": float(low), "interval high": float(high),
                         "McNemar p": p_value, "verdict": verdict}
    return pd.DataFrame(table).T.infer_objects()  # numbers as floats (transposing made every column object)


def accuracy_interval(y_true, y_pred, confidence: float = 0.95) -> tuple[float, float, float]:
    """Accuracy and its Wilson score interval (the usual interval for a share of n listings)."""
    from scipy.stats import norm

    right = np.asarray(y_true) == np.asarray(y_pred)
    n, share = len(right), float(right.mean())
    z = norm.ppf(1 - (1 - confidence) / 2)
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return share, float(centre - half), float(centre + half)


def difference_in_words(comparison: pd.DataFrame, metric: str = "accuracy") -> str:
    """One sentence for one row of `compare_models`: the difference, its interval and the verdict."""
    row = comparison.loc[metric]
    names = [column for column in comparison.columns[:2]]
    said = (f"{names[0]} - {names[1]}, {metric}: {row['difference']:+.4f} "
            f"(95% interval {row['interval low']:+.4f} to {row['interval high']:+.4f})")
    return said + (": noise, the interval includes 0" if row["verdict"] == "noise" else f": {row['verdict']}")


# ---------------------------------------------------------------- a review threshold that keeps its promise
def accuracy_lower_bound(right: int, n: int, level: float = 0.95) -> float:
    """One-sided Clopper-Pearson bound: with `right` of `n` listings right, the accuracy is at least
    this with probability `level` (0 when nothing was right)."""
    from scipy.stats import beta

    return 0.0 if right <= 0 else float(beta.ppf(1 - level, right, n - right + 1))


def point_threshold(confidence, correct, target: float) -> float:
    """The lowest threshold whose accepted listings are at least `target` right on these listings
    (notebook 06's exercise 3); above every confidence when none is."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, bool)  # float32 stays float32
    order = np.argsort(-confidence, kind="stable")
    ranked = confidence[order]
    accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    cut_here = np.r_[ranked[1:] < ranked[:-1], True]  # after the last listing of a tie
    good = np.flatnonzero((accuracy >= target) & cut_here)
    return float(ranked[good.max()]) if len(good) else float(np.nextafter(ranked[0], 2.0))


def guaranteed_threshold(confidence, correct, target: float, level: float = 0.95) -> float:
    """Fixed-sequence testing: from the highest threshold down, accept a threshold while the lower
    `level` bound of its accepted listings' accuracy reaches `target`; stop at the first that fails.
    Thresholds that no outcome could pass (too few listings accepted even if all were right) are left
    out of the sequence. With probability `level`, new listings like these, accepted at the returned
    threshold, are at least `target` right. Above every confidence when no threshold passes."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, bool)  # float32 stays float32
    order = np.argsort(-confidence, kind="stable")
    ranked, hits = confidence[order], np.cumsum(correct[order])
    fewest = int(np.ceil(np.log(1 - level) / np.log(target)))  # all right, and the bound just reaches target
    chosen = float(np.nextafter(ranked[0], 2.0))
    for accepted in np.flatnonzero(np.r_[ranked[1:] < ranked[:-1], True]) + 1:
        if accepted < fewest:
            continue
        if accuracy_lower_bound(int(hits[accepted - 1]), int(accepted), level) < target:
            break
        chosen = float(ranked[accepted - 1])
    return chosen


def threshold_report(probabilities, y_true, threshold: float) -> dict:
    """What a threshold does on these listings: the share accepted, and their accuracy with its
    95% (Wilson) interval."""
    probabilities, y_true = np.asarray(probabilities), np.asarray(y_true)
    accepted = probabilities.max(axis=1) >= threshold
    report = {"threshold": float(threshold), "coverage": float(accepted.mean()), "accepted": int(accepted.sum())}
    if accepted.any():
        share, low, high = accuracy_interval(y_true[accepted], probabilities[accepted].argmax(axis=1))
        report.update({"accuracy": share, "accuracy 95% low": low, "accuracy 95% high": high})
    return report


def record_numbers(name: str, numbers: dict, notebook: str, path: str | Path | None = None) -> dict:
    """Merge measured numbers other than a model's test scores (a coverage, a top-3 accuracy) into the
    results file (WORKSHOP_RESULTS or `path`) under `name`. Returns them with the notebook."""
    entry = {"notebook": notebook, **{key: value if isinstance(value, str) else float(value)
                                      for key, value in numbers.items()}}
    merge_into_results(name, entry, path)
    return entry

# Notebook 06's label-error section (`record_numbers`): the text model's out-of-fold probabilities
# flag listings whose catalogue label looks wrong (workshop_utils.label_errors).
LABEL_FLIPS_FOUND = "text (embedding) out of fold, injected label flips"      # precision, recall at the cut
LABEL_AUDIT = "text (embedding) out of fold, audited top 50 suspects"         # audited precision and count
LABEL_CLEANED_VALIDATION = "text (embedding, training suspects dropped) - text (embedding), validation"
LABEL_CLEANED_TEST = "text (embedding, training suspects dropped) - text (embedding), test"  # compare_models
# The yardstick of training noise: notebook 05's text model against the same recipe with another seed.
LABEL_RESEEDED_VALIDATION = "text (embedding, another seed) - text (embedding), validation"
LABEL_RESEEDED_TEST = "text (embedding, another seed) - text (embedding), test"


def top_k_accuracy(probabilities, y_true, k: int) -> float:
    """The share of rows whose true class is among the `k` most probable (notebook 06's exercise 1)."""
    top = np.argsort(-np.asarray(probabilities), axis=1)[:, :k]
    return float((top == np.asarray(y_true)[:, None]).any(axis=1).mean())
