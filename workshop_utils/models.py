"""The models of notebooks 04 and 05, rebuilt in one call for the notebooks that follow.

Notebooks 04 and 05 write these models out cell by cell (that is the lesson); a later notebook
needs them as ingredients, so it calls the helpers instead. tests/test_models.py checks that
the notebooks' cells and the helpers build the same layers.

    text model:   raw title -> TextVectorization -> Embedding -> MeanOfWords -> Dense "text_features"
                  -> Dropout -> Dense softmax                                        (notebook 04)
    image model:  photo (80 x 60 x 3, 0..1) -> augmentation -> 4 x [Conv2D, BatchNorm, ReLU, MaxPool]
                  -> Flatten -> Dropout -> Dense "image_features" -> Dropout -> softmax   (notebook 05)
    fusion model: {"title", "image"} -> frozen text and image branches -> "fusion_head"
                  (title features, photo features zeroed when the photo is missing, has_photo)
                  -> BatchNorm -> Dense -> Dropout -> softmax                          (notebook 05)

A missing photo is an all-zero image (`missing_photos`): the fusion model sees it and answers
from the title alone, with no separate code path.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from keras import ops

from .splits import Splits

TEXT_FEATURES = "text_features"    # name of the text model's penultimate layer, reused by the fusion model
IMAGE_FEATURES = "image_features"  # the same for the image model
FUSION_HEAD = "fusion_head"        # the part of the fusion model that trains
CLASSES_FILE = "classes.json"
TEXT_MODEL_FILE = "text.keras"
FUSION_MODEL_FILE = "fusion.keras"

# The same numbers as in notebook 04.
MAX_TOKENS = 20_000      # vocabulary size, the padding and unknown-word tokens included
SEQUENCE_LENGTH = 24     # tokens kept per title (titles have about 6; the longest ~20)
EMBEDDING_DIM = 64       # numbers per word vector
UNITS = 128              # size of the title's feature vector
DROPOUT = 0.3
LEARNING_RATE = 3e-3


def string_tensor(titles):
    """Titles (a list, array or pandas Series) as a TensorFlow string tensor, one per row.
    A missing title (None or NaN) becomes the empty string."""
    import tensorflow as tf

    from .text import is_missing

    return tf.constant(["" if is_missing(title) else str(title) for title in titles], dtype=tf.string)


@keras.saving.register_keras_serializable(package="workshop_utils")
class MeanOfWords(keras.layers.Layer):
    """The average of a title's word vectors, padding left out.

    Like GlobalAveragePooling1D with the Embedding's mask, except for a title with no
    words at all (an empty string, only punctuation): that one gets a vector of zeros
    instead of 0/0 = NaN, so the model still answers (with its best guess for "nothing")."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, word_vectors, mask=None):
        if mask is None:
            return ops.mean(word_vectors, axis=1)
        is_word = ops.expand_dims(ops.cast(mask, word_vectors.dtype), axis=-1)  # 1 = word, 0 = padding
        total = ops.sum(word_vectors * is_word, axis=1)
        words = ops.maximum(ops.sum(is_word, axis=1), 1.0)  # at least 1: no division by zero
        return total / words

    def compute_mask(self, inputs, mask=None):
        return None  # one vector per title: nothing left to mask

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def build_text_model(train_titles, n_classes: int, max_tokens: int = MAX_TOKENS,
                     sequence_length: int = SEQUENCE_LENGTH, embedding_dim: int = EMBEDDING_DIM,
                     units: int = UNITS, dropout: float = DROPOUT, learning_rate: float = LEARNING_RATE):
    """Raw title strings in, class probabilities out (the vectorizer is inside the model)."""
    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode="int",
                                                output_sequence_length=sequence_length,
                                                name="vectorizer")
    vectorizer.adapt(string_tensor(train_titles))
    titles = keras.Input(shape=(1,), dtype="string", name="title")
    token_ids = vectorizer(titles)
    word_vectors = keras.layers.Embedding(vectorizer.vocabulary_size(), embedding_dim, mask_zero=True,
                                          name="embedding")(token_ids)
    title_vector = MeanOfWords(name="mean_of_words")(word_vectors)
    features = keras.layers.Dense(units, activation="relu", name=TEXT_FEATURES)(title_vector)
    dropped = keras.layers.Dropout(dropout, name="dropout")(features)
    probabilities = keras.layers.Dense(n_classes, activation="softmax", dtype="float32",
                                       name="probabilities")(dropped)
    model = keras.Model(titles, probabilities, name="text_model")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def training_callbacks() -> list:
    """Stop when the validation loss stops improving (keeping the best weights); halve the
    learning rate when it stalls for an epoch."""
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)]


def train_text_model(splits: Splits, epochs: int, batch_size: int, verbose: int | str = "auto",
                     seed: int | None = None, with_short_titles: bool = False):
    """Build and fit the text model on splits.train, early-stopped on splits.validation.
    With `seed` (e.g. config.seed) the weights start as in notebook 04, which seeds the same way.
    `with_short_titles`: every training and validation listing also appears with its short title
    (`splits.short_titles`), so the model learns from the titles the fusion head learns from."""
    from .splits import short_titles

    if seed is not None:
        keras.utils.set_random_seed(seed)

    def titles_and_labels(part):
        rows, labels = getattr(splits, part), splits.labels(part)
        if not with_short_titles:
            return rows["title"], labels
        return list(rows["title"]) + list(short_titles(rows)), np.concatenate([labels, labels])

    train_titles, train_labels = titles_and_labels("train")
    validation_titles, validation_labels = titles_and_labels("validation")
    model = build_text_model(train_titles, len(splits.classes))
    history = model.fit(
        string_tensor(train_titles), train_labels,
        validation_data=(string_tensor(validation_titles), validation_labels),
        epochs=epochs, batch_size=batch_size, callbacks=training_callbacks(), verbose=verbose)
    return model, history


# ---------------------------------------------------------------- the image model (notebook 05)
def build_image_model(n_classes: int, seed: int, learning_rate: float = 1e-3, mixed_precision: bool = False):
    """Notebook 05's small CNN: photos (IMAGE_SIZE x 3, values 0..1) in, class probabilities out.
    With `mixed_precision` (worth it on a GPU only) its layers compute in float16; the global
    dtype policy is restored afterwards, so models built later stay in float32."""
    from .images import CHANNELS, IMAGE_SIZE, augmentation

    previous = keras.config.dtype_policy()
    if mixed_precision:
        keras.config.set_dtype_policy("mixed_float16")
    try:
        inputs = keras.Input(shape=(*IMAGE_SIZE, CHANNELS), name="image")
        x = augmentation(seed=seed)(inputs)
        for block, filters in enumerate([16, 32, 64, 128], start=1):
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv_{block}")(x)
            x = keras.layers.BatchNormalization(momentum=0.9, name=f"batch_norm_{block}")(x)
            x = keras.layers.Activation("relu", name=f"relu_{block}")(x)
            x = keras.layers.MaxPooling2D(name=f"pool_{block}")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dropout(0.3, name="dropout_1")(x)
        x = keras.layers.Dense(128, activation="relu", name=IMAGE_FEATURES)(x)
        x = keras.layers.Dropout(0.3, name="dropout_2")(x)
        outputs = keras.layers.Dense(n_classes, activation="softmax", dtype="float32", name="probabilities")(x)
        model = keras.Model(inputs, outputs, name="image_cnn")
    finally:
        keras.config.set_dtype_policy(previous)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def image_training_callbacks() -> list:
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.3, patience=2)]


def train_image_model(splits: Splits, epochs: int, batch_size: int, seed: int, verbose: int | str = "auto",
                      mixed_precision: bool = False):
    """Build and fit the CNN on splits.train's photos, early-stopped on splits.validation."""
    from .images import image_dataset

    keras.utils.set_random_seed(seed)
    model = build_image_model(len(splits.classes), seed, mixed_precision=mixed_precision)
    train = image_dataset(splits.train["image"], splits.labels("train"), batch_size=batch_size, shuffle_seed=seed)
    validation = image_dataset(splits.validation["image"], splits.labels("validation"), batch_size=batch_size)
    history = model.fit(train, validation_data=validation, epochs=epochs, callbacks=image_training_callbacks(),
                        shuffle=False,  # the dataset shuffles itself; Keras warns about its own flag
                        verbose=verbose)
    return model, history


# ---------------------------------------------------------------- the fusion model (notebook 05)
def missing_photos(count: int = 1) -> np.ndarray:
    """What the fusion model takes for "no photo": `count` all-zero images (a real photo is
    never pure black: JPEG photos on a light background always have bright pixels)."""
    from .images import CHANNELS, IMAGE_SIZE

    return np.zeros((count, *IMAGE_SIZE, CHANNELS), dtype="float32")


@keras.saving.register_keras_serializable(package="workshop_utils")
class HasPhoto(keras.layers.Layer):
    """1.0 for a real photo, 0.0 for a missing one (an all-zero image), one number per row."""

    def call(self, images):
        brightest = ops.max(ops.reshape(images, (ops.shape(images)[0], -1)), axis=1, keepdims=True)
        return ops.cast(brightest > 0, "float32")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)


@keras.saving.register_keras_serializable(package="workshop_utils")
class ZeroWhenMissing(keras.layers.Layer):
    """Photo features times has_photo: a missing photo contributes nothing, whatever the CNN
    makes of a black image."""

    def call(self, inputs):
        features, has_photo = inputs
        return features * ops.cast(has_photo, features.dtype)

    def compute_output_shape(self, input_shapes):
        return input_shapes[0]


def build_fusion_head(n_classes: int, text_units: int = UNITS, image_units: int = 128, units: int = 256,
                      dropout: float = 0.4, learning_rate: float = 1e-3, compile: bool = True):
    """The trainable part of the fusion model, on features: inputs "title_features",
    "photo_features" and "has_photo"; class probabilities out. `compile=False` inside the fusion
    model, which never trains as a whole: a saved unused optimizer would only warn when loaded."""
    title_features = keras.Input(shape=(text_units,), name="title_features")
    photo_features = keras.Input(shape=(image_units,), name="photo_features")
    has_photo = keras.Input(shape=(1,), name="has_photo")
    photo_part = ZeroWhenMissing(name="zero_when_missing")([photo_features, has_photo])
    x = keras.layers.Concatenate(name="both_features")([title_features, photo_part, has_photo])
    x = keras.layers.BatchNormalization(name="batch_norm")(x)
    x = keras.layers.Dense(units, activation="relu", name="fusion_dense")(x)
    x = keras.layers.Dropout(dropout, name="fusion_dropout")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", dtype="float32", name="probabilities")(x)
    head = keras.Model({"title_features": title_features, "photo_features": photo_features,
                        "has_photo": has_photo}, outputs, name=FUSION_HEAD)
    if not compile:
        return head
    head.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    return head


def feature_branch(model, layer_name: str, name: str):
    """The part of a trained model up to its features layer, frozen."""
    branch = keras.Model(model.inputs, model.get_layer(layer_name).output, name=name)
    branch.trainable = False
    return branch


def build_fusion_model(text_model, image_model, n_classes: int | None = None, **head_options):
    """Title and photo in, class probabilities out: the frozen text and image branches feed a
    new head. Inputs: {"title": string, shape (1,), "image": float32 in 0..1, shape
    (IMAGE_SIZE, 3)}; a missing photo is `missing_photos()`."""
    from .images import CHANNELS, IMAGE_SIZE

    n_classes = n_classes or text_model.output_shape[-1]
    text_branch = feature_branch(text_model, TEXT_FEATURES, "text_branch")
    image_branch = feature_branch(image_model, IMAGE_FEATURES, "image_branch")
    head = build_fusion_head(n_classes, text_branch.output_shape[-1], image_branch.output_shape[-1],
                             compile=False, **head_options)
    title = keras.Input(shape=(1,), dtype="string", name="title")
    image = keras.Input(shape=(*IMAGE_SIZE, CHANNELS), name="image")
    outputs = head({"title_features": text_branch(title), "photo_features": image_branch(image),
                    "has_photo": HasPhoto(name="has_photo")(image)})
    # Not compiled: only its head trains (on stored features); an unused optimizer would be saved too.
    return keras.Model({"title": title, "image": image}, outputs, name="fusion_model")


def listing_features(fusion_model, titles, jpegs, batch_size: int = 256) -> dict:
    """The head's inputs for listings: the frozen branches run once over the titles and photos
    (`jpegs=None`: no photos). The features never change while the head trains."""
    from .images import image_dataset

    text_branch = fusion_model.get_layer("text_branch")
    title_features = text_branch.predict(string_tensor(titles), batch_size=batch_size, verbose=0)
    if jpegs is None:
        units = fusion_model.get_layer("image_branch").output_shape[-1]
        photo_features = np.zeros((len(title_features), units), dtype="float32")
        has_photo = np.zeros((len(title_features), 1), dtype="float32")
    else:
        photos = image_dataset(jpegs, batch_size=batch_size)
        photo_features = fusion_model.get_layer("image_branch").predict(photos, verbose=0)
        has_photo = np.ones((len(title_features), 1), dtype="float32")
    return {"title_features": title_features, "photo_features": photo_features, "has_photo": has_photo}


def without_photo(features: dict) -> dict:
    """The same listings' head inputs with their photos removed (zero features, has_photo = 0)."""
    return {**features, "photo_features": np.zeros_like(features["photo_features"]),
            "has_photo": np.zeros_like(features["has_photo"])}


def listing_forms(part: dict) -> dict:
    """The four forms of a listing a seller may send: as it is, with a short title, without its
    photo, and a short title without a photo. `part`: {"full": features, "short": features} of
    the same rows (`listing_features` of their full and short titles)."""
    return {"full listing": part["full"], "short title": part["short"],
            "no photo": without_photo(part["full"]), "short title, no photo": without_photo(part["short"])}


def every_form(full: dict, short: dict, labels) -> tuple[dict, np.ndarray]:
    """Modality dropout, written out: every listing in each of its four `listing_forms`, stacked."""
    forms = listing_forms({"full": full, "short": short}).values()
    inputs = {key: np.concatenate([form[key] for form in forms]) for key in full}
    return inputs, np.concatenate([np.asarray(labels)] * len(forms))


VALIDATION_SHARES = (0.5, 0.25, 0.25)  # the head's own rows, the rows that stop and choose it, calibration
HEAD_EPOCHS = 40  # the head trains on stored features: an epoch takes a second or less

# The three ways notebook 05 fits the fusion head, and the name it records for each.
HEAD_BEFORE = "before: training rows, full listings"
HEAD_HELD_OUT = "held-out rows, every form"
HEAD_TRAINING = "training rows, every form"
HEAD_NAMES = (HEAD_BEFORE, HEAD_HELD_OUT, HEAD_TRAINING)


def validation_parts(frame, seed: int):
    """The validation rows (the branches never trained on them; they only stopped the branches'
    training) in three parts, grouped by title like every split of the workshop:
    - head rows: a fusion head may be fitted on them;
    - stop rows: they stop every head's training and choose which head to keep;
    - calibration rows: touched by nothing in notebook 05; notebook 06 fits the temperature and
      chooses the review threshold on them, so those choices are made on rows no earlier choice saw."""
    from .splits import LABEL, grouped_split

    return grouped_split(frame, "title", LABEL, VALIDATION_SHARES, seed)


@dataclass
class FusionHeads:
    """What `fit_fusion_heads` fitted, and which head the fusion model kept."""

    fusion_model: object      # the branches and the kept head, ready to predict
    heads: dict               # name (HEAD_NAMES) -> fitted head
    choice: object            # a DataFrame: accuracy of each head on the stop rows, per form and on average
    kept: str                 # the name of the head with the best average accuracy on the stop rows
    features: dict            # "full" / "short" -> part ("train", "validation", "test") -> head inputs
    stop_rows: np.ndarray     # True for the validation rows that stopped and chose the heads


def fit_fusion_heads(text_model, image_model, splits: Splits, batch_size: int, seed: int,
                     epochs: int = HEAD_EPOCHS, verbose: int | str = 0) -> FusionHeads:
    """Notebook 05's fusion step, the one way it is done: freeze the two trained branches, compute
    the features of every listing once (full and short titles), fit three heads on them (`HEAD_NAMES`:
    training rows with full listings only; the head rows of the validation set, each listing in
    its four forms; the training rows, in their four forms), each stopped by the stop rows, and keep the head with the
    best average accuracy over the four forms of the stop rows. Test rows are featurised for
    reporting, never used to choose."""
    import pandas as pd

    from .splits import short_titles

    fusion_model = build_fusion_model(text_model, image_model)
    head_rows, stop_rows, _ = validation_parts(splits.validation, seed)
    in_head = splits.validation.index.isin(head_rows.index)
    in_stop = splits.validation.index.isin(stop_rows.index)
    text_branch = fusion_model.get_layer("text_branch")
    features = {"full": {}, "short": {}}
    for part in ("train", "validation", "test"):
        rows = getattr(splits, part)
        features["full"][part] = listing_features(fusion_model, rows["title"], rows["image"], batch_size)
        features["short"][part] = {**features["full"][part], "title_features": text_branch.predict(
            string_tensor(short_titles(rows)), batch_size=batch_size, verbose=0)}

    def rows_of(mask):
        return {form: {key: value[mask] for key, value in features[form]["validation"].items()}
                for form in ("full", "short")}

    y_train, y_val = splits.labels("train"), splits.labels("validation")
    stop_part = rows_of(in_stop)
    stop_data = every_form(stop_part["full"], stop_part["short"], y_val[in_stop])
    head_part = rows_of(in_head)
    training_sets = {
        HEAD_BEFORE: (features["full"]["train"], y_train),
        HEAD_HELD_OUT: every_form(head_part["full"], head_part["short"], y_val[in_head]),
        HEAD_TRAINING: every_form(features["full"]["train"], features["short"]["train"], y_train),
    }
    heads = {}
    for name, (inputs, labels) in training_sets.items():
        keras.utils.set_random_seed(seed)  # each head starts from the same weights, whatever ran before
        head = build_fusion_head(len(splits.classes), text_model.get_layer(TEXT_FEATURES).units,
                                 image_model.get_layer(IMAGE_FEATURES).units)
        head.fit(inputs, labels, validation_data=stop_data, epochs=epochs, batch_size=batch_size,
                 verbose=verbose, callbacks=[keras.callbacks.EarlyStopping(
                     monitor="val_loss", patience=3, restore_best_weights=True)])
        heads[name] = head
    choice = pd.DataFrame({name: {form: float((head.predict(inputs, batch_size=batch_size, verbose=0)
                                               .argmax(axis=1) == y_val[in_stop]).mean())
                                  for form, inputs in listing_forms(stop_part).items()}
                           for name, head in heads.items()}).T
    choice["average"] = choice.mean(axis=1)
    kept = str(choice["average"].idxmax())
    fusion_model.get_layer(FUSION_HEAD).set_weights(heads[kept].get_weights())
    return FusionHeads(fusion_model, heads, choice, kept, features, in_stop)


@dataclass
class FinalModels:
    """Notebook 05's final models and what was kept; notebook 06 uses them."""

    text_model: object
    image_model: object
    fusion_model: object
    record: dict  # what `save_models` writes to models.json: the kept head, the settings, the split


def training_record(splits: Splits, kept_head: str, built_by: str, **settings) -> dict:
    """What was kept and how: saved next to the models and printed by notebook 06."""
    import tensorflow as tf

    return {"fusion head kept": kept_head, "built by": built_by, "settings": settings,
            "split fingerprint": splits.fingerprint(), "classes": len(splits.classes),
            "versions": {"keras": keras.__version__, "tensorflow": tf.__version__}}


def train_final_models(splits: Splits, epochs: int, batch_size: int, seed: int, mixed_precision: bool = False,
                       verbose: int | str = 0, built_by: str = "models.train_final_models") -> FinalModels:
    """Notebook 05's final models in one call, the same steps in the same order with the same seeds
    as its cells: the text model, the CNN, then `fit_fusion_heads`. Notebook 06 calls it when notebook
    05's saved models are missing, so both paths give the same model (bit for bit on one machine)."""
    text_model, _ = train_text_model(splits, epochs=epochs, batch_size=batch_size, verbose=verbose, seed=seed)
    image_model, _ = train_image_model(splits, epochs=epochs, batch_size=batch_size, seed=seed, verbose=verbose,
                                       mixed_precision=mixed_precision)
    fusion = fit_fusion_heads(text_model, image_model, splits, batch_size=batch_size, seed=seed)
    record = training_record(splits, fusion.kept, built_by, epochs=epochs, batch_size=batch_size, seed=seed,
                             mixed_precision=mixed_precision, head_epochs=HEAD_EPOCHS)
    return FinalModels(text_model, image_model, fusion.fusion_model, record)


# ---------------------------------------------------------------- saving for notebook 06
RECORD_FILE = "models.json"
SAVED_FILES = (TEXT_MODEL_FILE, FUSION_MODEL_FILE, CLASSES_FILE, RECORD_FILE)


def save_models(folder, text_model, fusion_model, class_names, record: dict) -> Path:
    """Save the text and fusion models (`text.keras`, `fusion.keras`), the class names in label order
    (`classes.json`) and what was kept and how (`models.json`, see `training_record`) into `folder`
    (e.g. config.models_dir). Each file is written beside and then renamed, so an
    interrupted save never leaves a cut-off file under the real name. Returns the folder."""
    import os
    import tempfile

    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".saving-") as scratch:
        scratch = Path(scratch)
        text_model.save(scratch / TEXT_MODEL_FILE)
        fusion_model.save(scratch / FUSION_MODEL_FILE)
        (scratch / CLASSES_FILE).write_text(json.dumps(list(class_names), indent=1))
        (scratch / RECORD_FILE).write_text(json.dumps(record, indent=1))
        for name in SAVED_FILES:
            os.replace(scratch / name, folder / name)
    return folder


def saved_models_exist(folder) -> bool:
    folder = Path(folder).expanduser()
    return all((folder / name).is_file() for name in SAVED_FILES)


def load_models(folder):
    """(text_model, fusion_model, class_names, record) saved by `save_models`. A missing, damaged or
    inconsistent file raises SavedModelError with one sentence naming it (then run notebook 05 again,
    or let notebook 06 retrain)."""
    from .errors import SavedModelError

    folder = Path(folder).expanduser()
    for name in SAVED_FILES:
        if not (folder / name).is_file():
            raise SavedModelError(f"There is no {name} in {folder}: run notebook 05 first, or retrain.")
    loaded = []
    for name in (TEXT_MODEL_FILE, FUSION_MODEL_FILE):
        try:
            with warnings.catch_warnings():  # compile=False: the optimizer's state is not needed, nor its warning
                warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
                loaded.append(keras.models.load_model(folder / name, compile=False))
        except Exception as problem:  # a cut-off zip, another Keras' file, a file that is no model
            raise SavedModelError(f"{folder / name} cannot be read as a Keras model "
                                  f"({type(problem).__name__}); it may be cut off by an interrupted save: "
                                  "run notebook 05 again, or delete the folder and retrain.") from None
    text_model, fusion_model = loaded
    texts = {}
    for name in (CLASSES_FILE, RECORD_FILE):
        try:
            texts[name] = json.loads((folder / name).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise SavedModelError(f"{folder / name} is empty or not JSON: run notebook 05 again.") from None
    class_names, record = texts[CLASSES_FILE], texts[RECORD_FILE]
    if not isinstance(class_names, list) or not all(isinstance(name, str) for name in class_names):
        raise SavedModelError(f"{folder / CLASSES_FILE} should be a list of class names: run notebook 05 again.")
    outputs = fusion_model.output_shape[-1]
    if len(class_names) != outputs or text_model.output_shape[-1] != outputs:
        raise SavedModelError(f"{folder / CLASSES_FILE} names {len(class_names)} classes but the models answer "
                              f"{outputs}: the files come from different runs; run notebook 05 again.")
    return text_model, fusion_model, class_names, record
