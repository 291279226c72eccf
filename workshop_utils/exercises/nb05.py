"""Checks for 05_image_branch_and_fusion. Every expected value is computed from the inputs."""
from __future__ import annotations

import numpy as np

from ..checks import answer_is, as_number, describe, exercise, number_check, same, wrong_type
from .keras_models import kinds, layers_of, learns, setting


def _as_tuple(answer) -> tuple | None:
    """A shape as a tuple of ints (None for an unknown axis), or None when the answer is not a shape."""
    if hasattr(answer, "as_list"):  # a TensorShape
        answer = answer.as_list()
    if not isinstance(answer, (tuple, list)):
        return None
    shape = []
    for size in answer:
        number = None if size is None else as_number(size)
        if size is not None and (number is None or not number.is_integer()):
            return None
        shape.append(None if size is None else int(number))
    return tuple(shape)


@exercise("q1",
          hint="a batch stacks `batch_size` photos; each photo is height x width x colour channels "
               "(images.IMAGE_SIZE is (height, width))")
def q1(answer, batch_size, image_size):
    height, width = image_size
    expected = (batch_size, height, width, 3)
    got = _as_tuple(answer)
    if got is None:
        return wrong_type(answer, "a shape: a tuple of whole numbers such as (32, 128, 128, 3)")
    if got == expected:
        return None
    if got == (height, width, 3):
        return "that is the shape of one photo; a batch adds a first axis"
    if got == (batch_size, width, height, 3):
        return "height comes before width in an image tensor (rows, then columns)"
    if got == (batch_size, 3, height, width):
        return "Keras with TensorFlow puts the colour channels last"
    if len(got) != 4:
        return f"a batch of colour photos has 4 axes, your answer has {len(got)}"
    return f"{got} is not the shape of a batch"


def cache_megabytes(n_photos, image_size) -> float:
    """What n_photos cached photos take, in MB: height x width x 3 numbers of one byte (uint8) each."""
    height, width = image_size
    return n_photos * height * width * 3 / 1e6


q2 = number_check(
    "q2", hint="one photo holds height x width x 3 numbers; in uint8 each number takes one byte",
    wanted="one number (megabytes)",
    expected=cache_megabytes,
    slips=[(lambda expected, *inputs: expected * 4,
            "that is the size in float32 (4 bytes a number): we cache uint8, one byte a number"),
           (lambda expected, *inputs: expected / 3, "each pixel holds three numbers (red, green, blue)"),
           (lambda expected, *inputs: expected * 1e6, "that is in bytes: divide by 1,000,000 for megabytes"),
           (lambda expected, *inputs: expected * 1e6 / 2**20,
            "close, but that is in MiB (2**20 bytes); use 1 MB = 1,000,000 bytes")],
    otherwise=lambda shown, n_photos, image_size: f"{shown} MB is not the size of {n_photos:,} cached photos")


# ---------------------------------------------------------------- q3: a tf.data pipeline for validation
def pipeline_steps(dataset) -> list[str]:
    """The dataset's transformations from the source to the last one: ["TensorSlice", "ParallelMap",
    "Cache", "Batch", "Map", "Prefetch"] (a parallel map is a map too)."""
    steps = []
    while dataset is not None:
        name = type(dataset).__name__.strip("_").removesuffix("Dataset").replace("ParallelMap", "Map")
        steps.insert(0, name)
        dataset = getattr(dataset, "_input_dataset", None)
    return steps


@exercise("q3",
          hint="start like the training pipeline: tf.data.Dataset.from_tensor_slices((list(photos), labels)), "
               ".map(decode, ...), .cache(); then .batch(BATCH_SIZE), .map(scale, ...), .prefetch(AUTOTUNE), and "
               "no .shuffle: validation predictions must come back in the order of the rows")
def q3(answer, labels, batch_size, image_size):
    import tensorflow as tf

    if not isinstance(answer, tf.data.Dataset):
        return wrong_type(answer, "a tf.data pipeline (tf.data.Dataset.from_tensor_slices(...) and its steps)")
    steps = pipeline_steps(answer)
    maps = [position for position, step in enumerate(steps) if step == "Map"]
    if "Shuffle" in steps:
        return "do not shuffle the validation photos: predictions must come back in the order of the rows"
    if "Batch" not in steps:
        return f"batch the photos: .batch(BATCH_SIZE) stacks {batch_size} of them for each step"
    if "Cache" not in steps:
        return "cache the decoded photos (.cache() after the decoding map): each epoch then reads them from memory"
    cache, batch = steps.index("Cache"), steps.index("Batch")
    if not maps or maps[0] > cache:
        return "decode first (.map(decode, ...)), then cache: the cache should hold decoded photos, not JPEG bytes"
    if cache > batch:
        return "cache before batching, right after decoding: the cache keeps single decoded photos"
    if not any(position > batch for position in maps):
        return "scale after batching: .batch(...) then .map(scale, ...), so the cache keeps 1-byte values"
    if steps[-1] != "Prefetch":
        return "end with .prefetch(AUTOTUNE): the next batch is prepared while the model works on this one"
    height, width = image_size
    images, batch_labels = answer.element_spec if isinstance(answer.element_spec, tuple) else (None, None)
    if images is None or batch_labels is None:
        return "each element should be (photos, labels): start from from_tensor_slices((list(photos), labels))"
    if tuple(images.shape) != (None, height, width, 3):
        return f"a batch of photos should have the shape (None, {height}, {width}, 3), not {tuple(images.shape)}"
    if images.dtype != tf.float32:
        return f"the photos should be float32 in 0..1 after .map(scale, ...), not {images.dtype.name}"
    if int(answer.cardinality()) != -(-len(labels) // batch_size):
        return (f"{len(labels):,} validation photos in batches of {batch_size} make {-(-len(labels) // batch_size)} "
                f"batches; yours has {int(answer.cardinality())}: use the validation photos and BATCH_SIZE")
    first_photos, first_labels = next(iter(answer))
    if not np.array_equal(first_labels.numpy(), np.asarray(labels)[:batch_size]):
        return "the labels do not come in the order of the rows: use splits.validation['image'] with y_val, unshuffled"
    if float(tf.reduce_max(first_photos)) > 1.0 or float(tf.reduce_min(first_photos)) < 0.0:
        return "the values should lie in 0..1: .map(scale, ...) divides by 255"
    return None


# ---------------------------------------------------------------- q4: one convolution block
@exercise("q4",
          hint="x = keras.layers.Conv2D(filters, 3, padding='same', use_bias=False, name=f'conv_{block}')(x), then "
               "BatchNormalization(momentum=0.9), Activation('relu') and MaxPooling2D(), each called on the "
               "output of the one before; return the last output",
          function=lambda answer: wrong_type(answer, "the function itself: check.q4(conv_block, images.IMAGE_SIZE)"))
def q4(answer, image_size):
    import keras

    height, width = image_size
    inputs = keras.Input(shape=(height, width, 3))
    output = answer(inputs, 16, 1)
    if output is None:
        return "your function returns None: end it with return and the output of the pooling layer"
    block = keras.Model(inputs, output)
    layers = layers_of(block)
    found = ["Activation" if kind == "ReLU" else kind for kind in kinds(layers)]  # either layer is a ReLU
    wanted = ["Conv2D", "BatchNormalization", "Activation", "MaxPooling2D"]
    if found != wanted:
        return f"a block is Conv2D, BatchNormalization, ReLU, MaxPooling2D, in that order; yours is {', '.join(found)}"
    conv, norm, relu, _ = layers
    if conv.filters != 16 or tuple(conv.kernel_size) != (3, 3):
        return (f"conv_block(x, 16, 1) should make 16 filters of 3 x 3: Conv2D(filters, 3, ...); yours has "
                f"{conv.filters} of {conv.kernel_size}")
    if conv.use_bias:
        return "use_bias=False: the BatchNormalization after the convolution adds its own shift"
    if conv.padding != "same":
        return "padding='same' keeps the photo's height and width through the convolution, before pooling halves them"
    if conv.name != "conv_1":
        return f"name the convolution f'conv_{{block}}' (conv_1 for block 1), not {conv.name!r}"
    if not same(norm.momentum, 0.9):
        return (f"BatchNormalization(momentum=0.9): its running statistics follow recent batches; "
                f"yours has {norm.momentum}")
    if type(relu).__name__ == "Activation" and setting(relu, "activation") != "relu":
        return f"the activation is 'relu', not {setting(relu, 'activation')!r}"
    half, quarter = (None, height // 2, width // 2, 16), (None, height // 4, width // 4, 32)
    if tuple(block.output.shape) != half:
        return f"block 1 should turn ({height}, {width}, 3) into {half[1:]}, not {tuple(block.output.shape)[1:]}"
    second = answer(block.output, 32, 2)
    if tuple(second.shape) != quarter:
        return f"a second block, conv_block(x, 32, 2), should give {quarter[1:]}, not {tuple(second.shape)[1:]}"
    classifier = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling2D()(output))
    model = keras.Model(inputs, classifier)
    model.compile(loss="sparse_categorical_crossentropy")
    photos = np.random.default_rng(0).random((12, height, width, 3)).astype("float32")
    if not learns(model, photos, np.arange(12) % 3):
        return "a block and a softmax, trained a few steps on 12 photos, did not lower the loss: check the layers"
    return None


def weight_with_best(column: str):
    """A probe: the text weight of the scan's row with the best `column` (None when the scan has no such column)."""
    return lambda expected, scan: float(scan.loc[scan[column].idxmax(), "text weight"]) if column in scan else None


q5 = number_check(
    "q5", hint="pick the row of `scan` with the highest validation macro F1 and read its weight; "
               "the test set plays no part in choosing",
    wanted="one weight between 0 and 1",
    expected=lambda scan: float(scan.loc[scan["validation macro F1"].idxmax(), "text weight"]),
    slips=[(answer_is(lambda value: not 0.0 <= value <= 1.0), "a weight in a weighted average lies between 0 and 1"),
           (lambda expected, scan: 1.0 - expected,
            "that is the weight of the image; the scan gives the weight of the text"),
           (weight_with_best("validation accuracy"),
            "that weight gives the best accuracy; here we choose by macro F1 (every class counts the same)")],
    otherwise="the weight {shown} does not give the best validation macro F1 in the scan")


# ---------------------------------------------------------------- q6: the fusion head
FUSION_HEAD = "the function itself: check.q6(fusion_head, len(classes))"


@exercise("q6",
          hint="x = keras.layers.Concatenate()([title_features, photo_part, has_photo]), then "
               "BatchNormalization(), Dense(256, activation='relu'), Dropout(0.4), each on the output of the one "
               "before, and outputs = keras.layers.Dense(n_classes, activation='softmax')(x)",
          function=lambda answer: wrong_type(answer, FUSION_HEAD))
def q6(answer, n_classes):
    import keras

    from ..models import build_fusion_head

    if isinstance(answer, keras.Model):  # built already: the check builds heads of its own
        return wrong_type(answer, FUSION_HEAD)
    head = answer(n_classes)
    if not isinstance(head, keras.Model):
        return f"fusion_head(n_classes) should return the keras.Model it builds, not {describe(head)}"
    layers = [layer for layer in layers_of(head) if type(layer).__name__ != "ZeroWhenMissing"]
    found, wanted = kinds(layers), ["Concatenate", "BatchNormalization", "Dense", "Dropout", "Dense"]
    if found[:1] != ["Concatenate"]:
        return f"start with keras.layers.Concatenate()([...]) of the three inputs; your layers: {', '.join(found)}"
    fed = {tensor._keras_history.operation.name for tensor in layers[0].input}
    if "photo_features" in fed:
        return "concatenate photo_part (the photo features zeroed when there is no photo), not photo_features"
    width = layers[0].output.shape[-1]
    reference = build_fusion_head(n_classes)
    if width != reference.get_layer("both_features").output.shape[-1]:
        return (f"the three inputs side by side make {reference.get_layer('both_features').output.shape[-1]} "
                f"features (title, photo, has_photo); yours make {width}")
    if found != wanted:
        return f"after Concatenate: BatchNormalization, Dense, Dropout and the output Dense; yours: {', '.join(found)}"
    _, _, dense, dropout, output = layers
    if dense.units != 256 or setting(dense, "activation") != "relu":
        return (f"the hidden layer is Dense(256, activation='relu'); yours has {dense.units} units, "
                f"activation {setting(dense, 'activation')!r}")
    if not same(dropout.rate, 0.4):
        return f"Dropout(0.4) after the hidden layer, not {dropout.rate}"
    if output.units != n_classes or setting(output, "activation") != "softmax":
        return f"the output is Dense(n_classes, activation='softmax'): {n_classes} probabilities"
    if head.count_params() != reference.count_params():
        return f"{head.count_params():,} parameters, where the head described has {reference.count_params():,}"
    rng = np.random.default_rng(0)
    features = {"title_features": rng.normal(size=(32, 128)).astype("float32"),
                "photo_features": rng.normal(size=(32, 128)).astype("float32"),
                "has_photo": (np.arange(32) % 2).astype("float32")[:, None]}
    if not learns(head, features, np.arange(32) % n_classes):
        return "trained a few steps on 32 listings, your head did not lower its loss: check the layers"
    return None


@exercise("q7",
          hint="compare the change of the two averages between the text model and the fusion model; "
               "macro F1 gives every class the same weight")
def q7(answer, comparison):
    gain = {average: comparison.loc[f"{average} average", "fusion model"] - comparison.loc[f"{average} average", "text"]
            for average in ("macro", "weighted")}
    expected = "macro" if gain["macro"] > gain["weighted"] else "weighted"
    if not isinstance(answer, str):
        return wrong_type(answer, 'the word "macro" or "weighted"')
    if answer.strip().lower() not in ("macro", "weighted"):
        return f'answer "macro" or "weighted", not {answer[:40]!r}'
    if answer.strip().lower() == expected:
        return None
    return (f"the {expected} average gained more: {gain[expected]:+.3f} against "
            f"{gain[answer.strip().lower()]:+.3f}")


@exercise("q8",
          hint="keep the title's first word, then the gender, then the colour, joined by single spaces; "
               "a missing gender or colour is NaN (a float, not a string): leave it out",
          function=lambda answer: wrong_type(answer, "a function short_title(title, gender, colour)"))
def q8(answer, products):
    from ..splits import short_title

    rows = list(zip(products["title"], products["gender"], products["colour"]))[:200]
    rows.append(("Levis Men Blue Jeans", "Men", float("nan")))  # a listing without a colour
    for title, gender, colour in rows:
        expected, got = short_title(title, gender, colour), answer(title, gender, colour)
        if got == expected:
            continue
        if not isinstance(got, str):
            return f"short_title{(title, gender, colour)!r} gave {type(got).__name__}, not one string of words"
        if "nan" in got.lower().split() and "nan" not in expected.lower().split():
            return f"{got!r}: a missing colour is NaN; leave it out instead of writing it"
        if sorted(got.split()) == sorted(expected.split()):
            return f"{got!r}: the words are right, the order is not (first word, gender, colour)"
        if got.split()[:1] != expected.split()[:1]:
            return f"{got!r} for {title!r}: start with the title's first word, {expected.split()[0]!r}"
        return f"short_title{(title, gender, colour)!r} gave {got!r}; the rule gives {expected!r}"
    return None


EXERCISES = [q1, q2, q3, q4, q5, q6, q7, q8]
