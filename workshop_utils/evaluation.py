"""Scores of a classifier on the test set, and the one place they are recorded."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from . import config as settings

MODEL_KINDS = ("text", "image", "fusion", "baseline")


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
    a JSON file, merge them into it under `model_name`. Returns the scores.
    With `class_names` (label i is class_names[i]) the entry also holds `per_class_f1`."""
    if not any(kind in model_name for kind in MODEL_KINDS):
        raise ValueError(f"The model name {model_name!r} should say what the model reads: "
                         f"include one of {', '.join(MODEL_KINDS)}.")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    entry = {"notebook": notebook, **scores(y_true, y_pred)}
    if class_names is not None:
        from sklearn.metrics import f1_score

        per_class = f1_score(y_true, y_pred, labels=range(len(class_names)), average=None, zero_division=0)
        entry["per_class_f1"] = {name: float(value) for name, value in zip(class_names, per_class)}
    path = Path(path) if path is not None else settings.results_path()
    if path is not None:
        results = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
        results[model_name] = entry
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves half a JSON file.
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as handle:
            json.dump(results, handle, indent=2, sort_keys=True)
        os.replace(handle.name, path)
    return entry
