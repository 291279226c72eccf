"""Checks for 05_image_branch_and_fusion. Every expected value is computed from the inputs."""
from __future__ import annotations

import numpy as np

from ..checks import as_number, exercise, number_slip, same, shown, wrong_type


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
               "(images.IMAGE_SIZE is (height, width))",
          solution="answer = (config.batch_size, *images.IMAGE_SIZE, 3)")
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


@exercise("q2",
          hint="one photo holds height x width x 3 numbers; in uint8 each number takes one byte",
          solution="height, width = images.IMAGE_SIZE\n"
                   "answer = len(splits.train) * height * width * 3 / 1e6")
def q2(answer, n_photos, image_size):
    height, width = image_size
    expected = n_photos * height * width * 3 / 1e6
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one number (megabytes)")
    if same(value, expected):
        return None
    if same(value, expected * 4):
        return "that is the size in float32 (4 bytes a number): we cache uint8, one byte a number"
    if same(value, expected / 3):
        return "each pixel holds three numbers (red, green, blue)"
    if same(value, expected * 1e6):
        return "that is in bytes: divide by 1,000,000 for megabytes"
    if same(value, expected * 1e6 / 2**20):
        return "close, but that is in MiB (2**20 bytes); use 1 MB = 1,000,000 bytes"
    return number_slip(value, expected) or f"{shown(value)} MB is not the size of {n_photos:,} cached photos"


@exercise("q3",
          hint="each filter has kernel height x kernel width x input channels weights; "
               "count the filters, and check whether the layer has a bias",
          solution="answer = 3 * 3 * 3 * 16  # kernel 3x3, 3 colour channels in, 16 filters, no bias")
def q3(answer, layer):
    kernel_height, kernel_width = layer.kernel_size
    in_channels = int(layer.input.shape[-1])
    filters = layer.filters
    kernel = kernel_height * kernel_width * in_channels * filters
    expected = int(layer.count_params())
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one whole number (how many weights)")
    if same(value, expected):
        return None
    if value == kernel_height * kernel_width * filters:
        return "each filter looks at all the input channels (red, green and blue) at once"
    if value == kernel + filters and not layer.use_bias:
        return "this layer has no bias (use_bias=False): the BatchNormalization after it adds its own shift"
    if value == kernel_height * kernel_width * in_channels:
        return "that is one filter; the layer has several"
    return number_slip(value, expected) or f"{shown(value)} is not the number of weights of {layer.name}"


@exercise("q4",
          hint="pick the row of `scan` with the highest validation macro F1 and read its weight; "
               "the test set plays no part in choosing",
          solution='answer = float(scan.loc[scan["validation macro F1"].idxmax(), "text weight"])')
def q4(answer, scan):
    best_row = scan["validation macro F1"].idxmax()
    expected = float(scan.loc[best_row, "text weight"])
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one weight between 0 and 1")
    if not 0.0 <= value <= 1.0:
        return "a weight in a weighted average lies between 0 and 1"
    if same(value, expected):
        return None
    if same(value, 1.0 - expected):
        return "that is the weight of the image; the scan gives the weight of the text"
    if "validation accuracy" in scan and same(value, scan.loc[scan["validation accuracy"].idxmax(),
                                                               "text weight"]):
        return "that weight gives the best accuracy; here we choose by macro F1 (every class counts the same)"
    return (number_slip(value, expected)
            or f"the weight {shown(value)} does not give the best validation macro F1 in the scan")


@exercise("q5",
          hint="only the head trains: the BatchNormalization layer trains 2 numbers per feature (its "
               "moving mean and variance are not trained), then each Dense layer has inputs x units "
               "weights plus one bias per unit",
          solution="features = 128 + 128 + 1                # title features + photo features + has_photo\n"
                   "batch_norm = 2 * features               # gamma and beta\n"
                   "hidden = features * 256 + 256\n"
                   "output = 256 * len(splits.classes) + len(splits.classes)\n"
                   "answer = batch_norm + hidden + output")
def q5(answer, model):
    trainable = int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
    everything = int(model.count_params())
    value = as_number(answer)
    if value is None:
        return wrong_type(answer, "one whole number (how many parameters train)")
    if same(value, trainable):
        return None
    if value == everything:
        return "that counts every parameter; the two branches are frozen and only the head trains"
    batch_norms = [layer for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"
                   and layer.trainable]
    moving = int(sum(np.prod(weight.shape) for layer in batch_norms for weight in layer.non_trainable_weights))
    if moving and value == trainable + moving:
        return "BatchNormalization's moving mean and variance are updated during training but not by "\
               "gradient descent: they are not trainable parameters"
    return (number_slip(value, trainable)
            or f"{shown(value)} is not the number of parameters that train in the fusion model")


@exercise("q6",
          hint="compare the change of the two averages between the text model and the fusion model; "
               "macro F1 gives every class the same weight",
          solution='gain = comparison.loc[["macro average", "weighted average"], "fusion model"] \\\n'
                   '       - comparison.loc[["macro average", "weighted average"], "text"]\n'
                   'answer = "macro" if gain["macro average"] > gain["weighted average"] else "weighted"')
def q6(answer, comparison):
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


@exercise("q7",
          hint="keep the title's first word, then the gender, then the colour, joined by single spaces; "
               "a missing gender or colour is NaN (a float, not a string): leave it out",
          solution="def short_title(title, gender, colour):\n"
                   "    words = title.split()[:1] + [value for value in (gender, colour) if isinstance(value, str)]\n"
                   "    return \" \".join(words)")
def q7(answer, products):
    from ..splits import short_title

    if not callable(answer):
        return wrong_type(answer, "a function short_title(title, gender, colour)")
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


EXERCISES = [q1, q2, q3, q4, q5, q6, q7]
