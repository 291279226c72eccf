"""The text model of notebooks 04 and 05: odd titles, saving, training, and that notebook 04's
cells build the same model as the helper. Also the evaluation tables notebook 04 uses."""
from __future__ import annotations

import json
import math
import os

import nbformat
import numpy as np
import pandas as pd
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
keras = pytest.importorskip("keras")

from workshop_utils import SavedModelError, evaluation, models  # noqa: E402
from workshop_utils.splits import Splits  # noqa: E402
from tools import ROOT  # noqa: E402

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


# ---------------------------------------------------------------- image and fusion models (notebooks 05, 06)
def product_photo(seed: int) -> bytes:
    import io

    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, size=(80, 60, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def tiny_listings() -> Splits:
    kinds = {"Shoes": "running shoes", "Watches": "analog watch", "Tshirts": "cotton tshirt"}
    rows = [{"title": f"Brand{i % 4} Men {words} {colour}", "gender": "Men", "colour": colour.title(),
             "article_type": kind, "image": product_photo(10 * position + i)}
            for position, (kind, words) in enumerate(kinds.items())
            for i, colour in enumerate(["black", "blue", "red", "grey", "white", "green", "pink", "brown"])]
    frame = pd.DataFrame(rows)
    return Splits(frame, frame.iloc[::2], frame.iloc[1::2], sorted(kinds))


@pytest.fixture(scope="module")
def trained():
    splits = tiny_listings()
    text_model, _ = models.train_text_model(splits, epochs=1, batch_size=8, verbose=0, seed=1)
    image_model, _ = models.train_image_model(splits, epochs=1, batch_size=8, seed=1, verbose=0)
    fusion = models.fit_fusion_heads(text_model, image_model, splits, batch_size=8, seed=1, epochs=2)
    return splits, text_model, image_model, fusion.fusion_model, fusion


def fusion_inputs(splits, photos=None):
    from workshop_utils import images

    frame = splits.test
    if photos is None:
        photos = np.stack([images.load_photo(jpeg).numpy() for jpeg in frame["image"]])
    return {"title": models.string_tensor(frame["title"]), "image": photos}


def test_the_fusion_model_trains_its_head_only(trained):
    splits, text_model, image_model, fusion_model, fusion = trained
    assert set(fusion.heads) == set(models.HEAD_NAMES) and fusion.kept in models.HEAD_NAMES
    assert fusion.choice.loc[fusion.kept, "average"] == fusion.choice["average"].max(), "kept on the stop rows"
    trainable = {id(weight) for weight in fusion_model.trainable_weights}
    head = {id(weight) for weight in fusion_model.get_layer(models.FUSION_HEAD).trainable_weights}
    assert trainable == head, "the branches stay frozen"
    probabilities = fusion_model.predict(fusion_inputs(splits), verbose=0)
    assert probabilities.shape == (len(splits.test), 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_a_missing_photo_is_an_all_zero_image_and_only_the_title_counts(trained):
    splits, _, _, fusion_model, _ = trained
    missing = models.missing_photos(len(splits.test))
    assert missing.shape == (len(splits.test), 80, 60, 3) and not missing.any()
    # The head sees features zeroed and has_photo = 0, whatever the CNN makes of a black image.
    grey = np.full_like(missing, 1e-6)
    with_missing = fusion_model.predict(fusion_inputs(splits, missing), verbose=0)
    head_alone = fusion_model.get_layer(models.FUSION_HEAD).predict(
        models.listing_features(fusion_model, splits.test["title"], None), verbose=0)
    np.testing.assert_allclose(with_missing, head_alone, atol=1e-6)
    assert not np.allclose(with_missing, fusion_model.predict(fusion_inputs(splits, grey), verbose=0)), \
        "an almost black photo is still a photo"


def test_every_form_shows_each_listing_full_short_without_photo_and_both():
    full = {"title_features": np.ones((2, 3)), "photo_features": np.full((2, 4), 5.0), "has_photo": np.ones((2, 1))}
    short = {**full, "title_features": np.zeros((2, 3))}
    inputs, labels = models.every_form(full, short, [0, 1])
    assert labels.tolist() == [0, 1] * 4
    assert inputs["title_features"][:, 0].tolist() == [1, 1, 0, 0, 1, 1, 0, 0]
    assert inputs["has_photo"][:, 0].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert not inputs["photo_features"][4:].any()


def test_validation_parts_keep_calibration_rows_apart_from_the_heads():
    splits = tiny_listings()
    head, stop, calibration = models.validation_parts(splits.validation, seed=0)
    indexes = [set(part.index) for part in (head, stop, calibration)]
    assert not (indexes[0] & indexes[1] or indexes[0] & indexes[2] or indexes[1] & indexes[2])
    assert set().union(*indexes) == set(splits.validation.index)


def test_notebook_05_and_notebook_06_build_the_same_model():
    """Notebook 05's way (its CNN cells, the text helper, fit_fusion_heads) and notebook 06's fallback
    (train_final_models) must give the same predictions: one model, one answer."""
    from workshop_utils import images, plots

    splits, seed, epochs, batch = tiny_listings(), 3, 2, 8
    final = models.train_final_models(splits, epochs=epochs, batch_size=batch, seed=seed)
    # Notebook 05's order: the CNN first (its own cells), then the text model, then the heads.
    config = type("Config", (), {"seed": seed})()
    namespace = {"keras": keras, "images": images, "plots": plots, "time": __import__("time"), "config": config,
                 "MIXED_PRECISION": False, "classes": splits.classes, "EPOCHS": epochs,
                 "train_images": images.image_dataset(splits.train["image"], splits.labels("train"),
                                                      batch_size=batch, shuffle_seed=seed),
                 "val_images": images.image_dataset(splits.validation["image"], splits.labels("validation"),
                                                    batch_size=batch)}
    source = cells_of_05("image-model") + "\n\n" + cells_of_05("image-training")
    exec(compile(source, str(NOTEBOOK_05), "exec"), namespace)  # noqa: S102
    text_model, _ = models.train_text_model(splits, epochs=epochs, batch_size=batch, verbose=0, seed=seed)
    fusion = models.fit_fusion_heads(text_model, namespace["cnn"], splits, batch_size=batch, seed=seed)
    assert fusion.kept == final.record["fusion head kept"]
    listings = images.listing_dataset(splits.test, batch_size=batch)
    np.testing.assert_array_equal(fusion.fusion_model.predict(listings, verbose=0),
                                  final.fusion_model.predict(listings, verbose=0))


def test_saved_models_reload_with_identical_probabilities(trained, tmp_path):
    splits, text_model, _, fusion_model, fusion = trained
    record = models.training_record(splits, fusion.kept, "a test", epochs=1)
    folder = models.save_models(tmp_path / "models" / "fast", text_model, fusion_model, splits.classes, record)
    assert models.saved_models_exist(folder)
    text_again, fusion_again, classes, record_again = models.load_models(folder)
    assert classes == splits.classes and record_again == record
    swapped = Splits(splits.train, splits.test, splits.validation, splits.classes)
    assert record["split fingerprint"] == splits.fingerprint() != swapped.fingerprint()
    titles = models.string_tensor(splits.test["title"])
    np.testing.assert_array_equal(text_again.predict(titles, verbose=0), text_model.predict(titles, verbose=0))
    for photos in (None, models.missing_photos(len(splits.test))):
        inputs = fusion_inputs(splits, photos)
        np.testing.assert_array_equal(fusion_again.predict(inputs, verbose=0), fusion_model.predict(inputs, verbose=0))


def test_load_models_names_the_missing_file(tmp_path):
    assert not models.saved_models_exist(tmp_path)
    with pytest.raises(SavedModelError, match="text.keras"):
        models.load_models(tmp_path)


@pytest.mark.parametrize("damage, said", [
    ("cut fusion.keras", "fusion.keras cannot be read as a Keras model"),
    ("empty classes.json", "classes.json is empty or not JSON"),
    ("fewer classes", "names 2 classes but the models answer 3"),
])
def test_load_models_says_in_one_sentence_which_file_is_damaged(trained, tmp_path, damage, said):
    splits, text_model, _, fusion_model, fusion = trained
    folder = models.save_models(tmp_path, text_model, fusion_model, splits.classes, {"fusion head kept": "x"})
    if damage == "cut fusion.keras":
        data = (folder / models.FUSION_MODEL_FILE).read_bytes()
        (folder / models.FUSION_MODEL_FILE).write_bytes(data[: len(data) // 2])  # an interrupted copy
    elif damage == "empty classes.json":
        (folder / models.CLASSES_FILE).write_text("")
    else:
        (folder / models.CLASSES_FILE).write_text(json.dumps(splits.classes[:2]))
    with pytest.raises(SavedModelError, match=said):
        models.load_models(folder)


def test_the_image_model_keeps_mixed_precision_to_itself():
    before = keras.config.dtype_policy().name
    model = models.build_image_model(3, seed=0, mixed_precision=True)
    assert model.get_layer("conv_1").dtype_policy.name == "mixed_float16"
    assert model.get_layer("probabilities").dtype_policy.name == "float32"
    assert keras.config.dtype_policy().name == before, "the global policy must not leak into later models"


NOTEBOOK_05 = ROOT / "solutions" / "05_image_branch_and_fusion.ipynb"


def cells_of_05(tag: str) -> str:
    notebook = nbformat.read(NOTEBOOK_05, as_version=4)
    sources = [cell.source for cell in notebook.cells if tag in cell.metadata.get("tags", [])]
    assert sources, f"no cell of {NOTEBOOK_05.name} is tagged {tag!r}"
    return "\n\n".join(sources)


def test_notebook_05_builds_the_same_image_model_as_the_helper():
    from workshop_utils import images

    namespace = {"keras": keras, "images": images}
    exec(compile(cells_of_05("image-model"), str(NOTEBOOK_05), "exec"), namespace)  # noqa: S102
    from_notebook = namespace["build_cnn"](5, 0)
    from_helper = models.build_image_model(5, seed=0)
    assert architecture(from_notebook) == architecture(from_helper)
    assert from_notebook.count_params() == from_helper.count_params()


def test_notebook_05_builds_the_same_fusion_model_as_the_helper(trained):
    from workshop_utils import images

    _, text_model, image_model, _, _ = trained
    namespace = {"keras": keras, "images": images, "models": models, "text_model": text_model,
                 "image_model": image_model, "classes": ["a", "b", "c"], "config": type("Config", (), {"seed": 0})()}
    exec(compile(cells_of_05("fusion-model"), str(NOTEBOOK_05), "exec"), namespace)  # noqa: S102
    from_helper = models.build_fusion_model(text_model, image_model)
    assert architecture(namespace["fusion_model"].get_layer(models.FUSION_HEAD)) == \
        architecture(from_helper.get_layer(models.FUSION_HEAD))
    assert [layer.name for layer in namespace["fusion_model"].layers] == [layer.name for layer in from_helper.layers]
    assert namespace["fusion_model"].count_params() == from_helper.count_params()


def test_the_transfer_model_of_notebook_05_trains_one_step():
    """CI has no pretrained weights (offline): the same model with random weights (weights=None)
    must build, compile and take a training step, so the cell cannot rot unseen."""
    from workshop_utils import images

    namespace = {"keras": keras, "images": images}
    exec(compile(cells_of_05("transfer-model"), str(NOTEBOOK_05), "exec"), namespace)  # noqa: S102
    backbone = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None,
                                              pooling="avg")
    model = namespace["build_transfer_model"](backbone, 4, 0)
    assert not backbone.trainable and model.get_layer("image_features").units == 128
    photos = np.random.default_rng(0).random((8, *images.IMAGE_SIZE, 3)).astype("float32")
    labels = np.arange(8) % 4
    before = [weight.numpy().copy() for weight in model.trainable_weights]
    loss = model.train_on_batch(photos, labels)
    loss = loss[0] if isinstance(loss, (list, tuple)) else loss
    assert np.isfinite(loss)
    after = [weight.numpy() for weight in model.trainable_weights]
    assert any(not np.allclose(old, new) for old, new in zip(before, after)), "the head learned"
    assert model.predict(photos, verbose=0).shape == (8, 4)


def exercise_functions_of_05() -> dict:
    """The functions notebook 05's model exercises define (their solutions), without running the checks."""
    import ast

    namespace = {"keras": keras, "models": models}
    for cell in nbformat.read(NOTEBOOK_05, as_version=4).cells:
        if cell.cell_type == "code" and "# BEGIN SOLUTION" in cell.source:
            tree = ast.parse(cell.source)
            tree.body = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
            exec(compile(tree, str(NOTEBOOK_05), "exec"), namespace)  # noqa: S102
    return namespace


def test_notebook_05s_model_exercises_build_the_helpers_layers():
    """Exercise 4 writes one block of the CNN, exercise 6 the fusion head: their solutions build the
    layers models.build_image_model and models.build_fusion_head build, which the checks compare with."""
    from workshop_utils import images

    functions = exercise_functions_of_05()
    inputs = keras.Input(shape=(*images.IMAGE_SIZE, 3))
    block = keras.Model(inputs, functions["conv_block"](inputs, 16, 1))
    cnn = models.build_image_model(5, seed=0)
    first_block = [cnn.get_layer(name) for name in ("conv_1", "batch_norm_1", "relu_1", "pool_1")]
    assert [layer.get_config() for layer in block.layers[1:]] == [layer.get_config() for layer in first_block]
    head, helper = functions["fusion_head"](5), models.build_fusion_head(5)
    assert architecture(head) == architecture(helper) and head.count_params() == helper.count_params()
