"""The text model of notebooks 04 and 05: odd titles, saving, training, and that notebook 04's
cells build the same model as the helper. Also the evaluation tables notebook 04 uses."""
from __future__ import annotations

import math
import os
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from workshop_utils import evaluation, models  # noqa: E402
from workshop_utils.splits import Splits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_04 = ROOT / "solutions" / "04_build_train_evaluate.ipynb"
ODD_TITLES = ["", "   ", "!!!", "12345", "👗✨🔥", "Chemise homme bleue à manches longues", None, math.nan,
              "Puma " + "Black Sports Shoes " * 40]


def tiny_splits() -> Splits:
    kinds = {"Shoes": "running shoes", "Watches": "analog watch", "Tshirts": "cotton tshirt"}
    rows = [{"title": f"Brand{i % 4} Men {words} {colour}", "article_type": kind}
            for kind, words in kinds.items() for i, colour in enumerate(["black", "blue", "red", "grey", "white"])]
    frame = pd.DataFrame(rows)
    return Splits(frame, frame.iloc[::2], frame.iloc[1::2], sorted(kinds))


def test_string_tensor_turns_missing_titles_into_empty_strings():
    tensor = models.string_tensor(["Nike Shoes", None, math.nan, pd.NA, 42])
    assert [value.decode() for value in tensor.numpy()] == ["Nike Shoes", "", "", "", "42"]


def test_mean_of_words_leaves_padding_out_and_survives_empty_titles():
    vectors = np.arange(12, dtype="float32").reshape(2, 3, 2)  # 2 titles, 3 positions, 2 numbers each
    mask = np.array([[True, True, False], [False, False, False]])
    result = np.asarray(models.MeanOfWords()(vectors, mask=mask))
    np.testing.assert_allclose(result[0], vectors[0, :2].mean(axis=0))
    np.testing.assert_allclose(result[1], [0.0, 0.0])
    np.testing.assert_allclose(np.asarray(models.MeanOfWords()(vectors)), vectors.mean(axis=1))


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return models.build_text_model(tiny_splits().train["title"], n_classes=3)


def test_the_model_reads_raw_strings_and_answers_odd_titles(model):
    probabilities = model.predict(models.string_tensor(ODD_TITLES), verbose=0)
    assert probabilities.shape == (len(ODD_TITLES), 3)
    assert np.isfinite(probabilities).all(), "an odd title must not give NaN"
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_the_fusion_model_can_reach_the_text_features(model):
    layer = model.get_layer(models.TEXT_FEATURES)
    assert layer.units == models.UNITS
    branch = keras.Model(model.inputs, layer.output)
    assert branch.predict(models.string_tensor(["blue shoes"]), verbose=0).shape == (1, models.UNITS)


def test_save_and_reload_give_the_same_answers(model, tmp_path):
    path = tmp_path / "text_model.keras"
    model.save(path)
    reloaded = keras.models.load_model(path, compile=False)  # never trained: no optimizer state to restore
    titles = models.string_tensor(["Brand1 Men running shoes black", *ODD_TITLES])
    np.testing.assert_allclose(reloaded.predict(titles, verbose=0), model.predict(titles, verbose=0), atol=1e-6)


def test_train_text_model_fits_and_stops_on_validation():
    splits = tiny_splits()
    model, history = models.train_text_model(splits, epochs=2, batch_size=4, verbose=0, seed=1)
    assert len(history.history["loss"]) == 2 and "val_loss" in history.history
    assert model.output_shape == (None, 3)


def notebook_cells(tag: str) -> str:
    notebook = nbformat.read(NOTEBOOK_04, as_version=4)
    sources = [cell.source for cell in notebook.cells if tag in cell.metadata.get("tags", [])]
    assert sources, f"no cell of {NOTEBOOK_04.name} is tagged {tag!r}"
    return "\n\n".join(sources)


def architecture(model) -> list[tuple]:
    """What must match: each layer's type and name, and the settings that shape it."""
    described = []
    for layer in model.layers:
        config = layer.get_config()
        keys = ("max_tokens", "output_mode", "output_sequence_length", "standardize", "split", "ngrams",
                "input_dim", "output_dim", "mask_zero", "units", "activation", "rate")
        described.append((type(layer).__name__, layer.name, {key: config.get(key) for key in keys if key in config}))
    return described


def test_notebook_04_builds_the_same_model_as_the_helper():
    """Notebook 04 writes the model cell by cell, notebook 05 calls models.build_text_model:
    the cells tagged 'text-model' must give the same layers, sizes and optimizer settings."""
    splits = tiny_splits()
    namespace = {"keras": keras, "models": models, "splits": splits, "classes": splits.classes,
                 "config": type("Config", (), {"seed": 0})()}
    exec(compile(notebook_cells("text-model"), str(NOTEBOOK_04), "exec"), namespace)  # noqa: S102
    from_notebook = namespace["text_model"]
    from_helper = models.build_text_model(splits.train["title"], len(splits.classes))
    assert architecture(from_notebook) == architecture(from_helper)
    assert from_notebook.count_params() == from_helper.count_params()
    for name in ("learning_rate", "beta_1", "beta_2"):
        assert float(from_notebook.optimizer.get_config()[name]) == pytest.approx(
            float(from_helper.optimizer.get_config()[name]))
    assert from_notebook.loss == from_helper.loss


# ---------------------------------------------------------------- evaluation tables (notebooks 04 and 05)
CLASSES = ["a", "b", "c"]
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
Y_PRED = np.array([0, 0, 1, 1, 1, 1, 2, 2, 2, 0])


def test_per_class_report_matches_the_definitions():
    report = evaluation.per_class_report(Y_TRUE, Y_PRED, CLASSES)
    assert list(report.index) == CLASSES and list(report["support"]) == [4, 2, 4]
    assert report.loc["a", "precision"] == pytest.approx(2 / 3) and report.loc["a", "recall"] == pytest.approx(0.5)
    assert report.loc["b", "precision"] == pytest.approx(0.5) and report.loc["b", "recall"] == 1.0
    macro = evaluation.scores(Y_TRUE, Y_PRED)["macro_f1"]
    assert report["f1"].mean() == pytest.approx(macro)


def test_per_class_f1_compares_models_and_adds_the_averages():
    table = evaluation.per_class_f1(Y_TRUE, {"text": Y_PRED, "perfect": Y_TRUE}, CLASSES)
    assert list(table.index) == [*CLASSES, "macro average", "weighted average"]
    assert (table.loc[CLASSES, "perfect"] == 1.0).all()
    assert table.loc["weighted average", "text"] == pytest.approx(evaluation.scores(Y_TRUE, Y_PRED)["weighted_f1"])
    assert table.loc["macro average", "support"] == len(Y_TRUE)


def test_confused_pairs_and_the_classes_they_involve():
    pairs = evaluation.confused_pairs(Y_TRUE, Y_PRED, CLASSES, top=5)
    assert pairs.iloc[0][["true class", "predicted as", "products"]].tolist() == ["a", "b", 2]
    assert pairs.iloc[0]["share of the true class"] == pytest.approx(0.5)
    assert pairs["products"].sum() == (Y_TRUE != Y_PRED).sum()
    assert evaluation.most_confused_classes(Y_TRUE, Y_PRED, CLASSES, pairs=1) == ["a", "b"]
    assert evaluation.confused_pairs(Y_TRUE, Y_TRUE, CLASSES).empty
