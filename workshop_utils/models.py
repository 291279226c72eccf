"""The text model of notebook 04, rebuilt in one call for notebook 05.

Notebook 04 writes this model out cell by cell (that is the lesson); notebook 05 needs
it as an ingredient, so it calls `train_text_model` instead.
"""
from __future__ import annotations

from .splits import Splits

TEXT_FEATURES = "text_features"  # name of the penultimate layer, reused by the fusion model


def string_tensor(titles):
    """Titles (a list, array or pandas Series) as a TensorFlow string tensor, one per row."""
    import tensorflow as tf

    return tf.constant([str(title) for title in titles], dtype=tf.string)


def build_text_model(train_titles, n_classes: int, max_tokens: int = 20_000,
                     sequence_length: int = 24, embedding_dim: int = 64, units: int = 128,
                     dropout: float = 0.3):
    """Raw title strings in, class probabilities out (the vectorizer is inside the model)."""
    import keras

    vectorizer = keras.layers.TextVectorization(max_tokens=max_tokens, output_mode="int",
                                                output_sequence_length=sequence_length,
                                                name="vectorizer")
    vectorizer.adapt(string_tensor(train_titles))
    titles = keras.Input(shape=(1,), dtype="string", name="title")
    tokens = vectorizer(titles)
    embedded = keras.layers.Embedding(vectorizer.vocabulary_size(), embedding_dim, mask_zero=True,
                                      name="embedding")(tokens)
    pooled = keras.layers.GlobalAveragePooling1D(name="average_of_words")(embedded)
    features = keras.layers.Dense(units, activation="relu", name=TEXT_FEATURES)(pooled)
    dropped = keras.layers.Dropout(dropout, name="dropout")(features)
    probabilities = keras.layers.Dense(n_classes, activation="softmax", dtype="float32",
                                       name="probabilities")(dropped)
    model = keras.Model(titles, probabilities, name="text_model")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train_text_model(splits: Splits, epochs: int, batch_size: int, verbose: int | str = "auto"):
    """Build and fit the text model on splits.train, early-stopped on splits.validation."""
    import keras

    model = build_text_model(splits.train["title"], len(splits.classes))
    early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(
        string_tensor(splits.train["title"]), splits.labels("train"),
        validation_data=(string_tensor(splits.validation["title"]), splits.labels("validation")),
        epochs=epochs, batch_size=batch_size, callbacks=[early_stop], verbose=verbose)
    return model, history
