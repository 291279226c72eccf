"""What the checks of a model a learner writes look at: its layers, and whether it learns."""
from __future__ import annotations


def layers_of(model) -> list:
    """The model's layers without its inputs, in the order they were called."""
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


def kinds(layers) -> list[str]:
    return [type(layer).__name__ for layer in layers]


def setting(layer, name: str):
    """One setting of a layer as its config gives it (an activation as its name: "relu")."""
    value = layer.get_config().get(name)
    return value.get("config", {}).get("name", value) if isinstance(value, dict) else value


def learns(model, x, y, steps: int = 8, learning_rate: float = 3e-3) -> bool:
    """A copy of the model with fresh weights (the learner's trained one is left alone), fitted a few
    steps on (x, y) with the model's own loss, ends with a lower training loss than it started with."""
    import logging

    import keras

    copy = keras.models.clone_model(model)
    copy.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=model.loss or "sparse_categorical_crossentropy")
    log = logging.getLogger("tensorflow")
    level = log.level
    log.setLevel(logging.ERROR)  # a check builds new models: TensorFlow's "retracing" notice is not the learner's
    try:
        losses = copy.fit(x, y, epochs=steps, batch_size=len(y), shuffle=False, verbose=0).history["loss"]
    finally:
        log.setLevel(level)
    return losses[-1] < losses[0]


def is_sparse_categorical(loss) -> bool:
    """Whether a compiled loss is sparse categorical cross-entropy (a name, a function or a Loss object)."""
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    return str(name).replace("_", "").lower() == "sparsecategoricalcrossentropy"
