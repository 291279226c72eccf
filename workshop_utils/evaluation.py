"""Scores of a classifier on the test set, and the one place they are recorded."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from . import config as settings

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

MODEL_NAMES = (MAJORITY_BASELINE, TFIDF_LOGISTIC_BASELINE, TFIDF_DENSE, TEXT_EMBEDDING_04,
               TEXT_MODEL, IMAGE_CNN, IMAGE_TRANSFER, LATE_FUSION, FUSION_MODEL,
               TEXT_MODEL_SHORT, LATE_FUSION_SHORT, FUSION_MODEL_SHORT, FUSION_BEFORE, FUSION_BEFORE_SHORT)

# Notebook 06 scores the model it puts to work (the fusion model of notebook 05, reloaded) three more ways.
TOP_3 = ", top 3"                    # right when the true class is among the three suggestions
AUTO_ACCEPTED = ", auto-accepted"    # only the test listings confident enough to skip review
RARE_TYPES_UP = ", rare types one level up"  # the 88 rare article types, scored on their master category
FUSION_MODEL_TOP_3 = FUSION_MODEL + TOP_3
FUSION_MODEL_AUTO_ACCEPTED = FUSION_MODEL + AUTO_ACCEPTED
FUSION_MODEL_RARE_TYPES_UP = FUSION_MODEL + RARE_TYPES_UP
MODEL_NAMES += (FUSION_MODEL_TOP_3, FUSION_MODEL_AUTO_ACCEPTED, FUSION_MODEL_RARE_TYPES_UP)


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
    path = Path(path) if path is not None else settings.results_path()
    if path is not None:
        results = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
        results[model_name] = entry
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves half a JSON file.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as handle:
            json.dump(results, handle, indent=2, sort_keys=True)
        os.replace(handle.name, path)
    return {key: value for key, value in entry.items() if not key.startswith("per_class_")}


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
