"""The text model of notebook 04, rebuilt in one call for notebook 05.

Notebook 04 writes this model out cell by cell (that is the lesson); notebook 05 needs
it as an ingredient, so it calls `train_text_model` instead. tests/test_models.py checks
that the two build the same layers.

    raw title -> TextVectorization -> Embedding -> MeanOfWords -> Dense "text_features"
              -> Dropout -> Dense softmax
"""
from __future__ import annotations

import keras
from keras import ops

from .splits import Splits

TEXT_FEATURES = "text_features"  # name of the penultimate layer, reused by the fusion model

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
                     seed: int | None = None):
    """Build and fit the text model on splits.train, early-stopped on splits.validation.
    With `seed` (e.g. config.seed) the weights start as in notebook 04, which seeds the same way."""
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model = build_text_model(splits.train["title"], len(splits.classes))
    history = model.fit(
        string_tensor(splits.train["title"]), splits.labels("train"),
        validation_data=(string_tensor(splits.validation["title"]), splits.labels("validation")),
        epochs=epochs, batch_size=batch_size, callbacks=training_callbacks(), verbose=verbose)
    return model, history
