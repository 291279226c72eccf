"""Photos as tensors: decode, resize and scale with TensorFlow; tf.data pipelines; augmentation;
the pretrained backbone when its weights can be had.

Notebook 05 writes each step out once on a few photos (that is the lesson), then calls
`image_dataset` / `listing_dataset` for the whole split. In a pipeline:

    JPEG bytes -> decode (uint8, H x W x 3) -> resize to IMAGE_SIZE -> cache -> [shuffle]
               -> batch -> scale to floats in [0, 1] -> prefetch
"""
from __future__ import annotations

import io
import re
import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ImageDecodeError

# (height, width): the catalogue's photos are 80 pixels high and 60 wide (a few differ).
IMAGE_SIZE = (80, 60)
CHANNELS = 3

# The first bytes of the image formats tf.io.decode_image reads.
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")

# Where Keras fetches pretrained weights from (used only to see quickly whether we are online).
WEIGHTS_HOST = ("storage.googleapis.com", 443)


# ---------------------------------------------------------------- one photo
def decode_and_resize(jpeg, size: tuple[int, int] = IMAGE_SIZE):
    """JPEG bytes (a scalar tf.string) -> a (height, width, 3) uint8 tensor of `size`.

    Works inside tf.data.Dataset.map: TensorFlow ops only.
    """
    import tensorflow as tf

    image = tf.io.decode_image(jpeg, channels=CHANNELS, expand_animations=False)  # uint8, any size
    image = tf.image.resize(image, size, antialias=True)  # float32, still 0..255
    return tf.saturate_cast(tf.round(image), tf.uint8)  # back to bytes: 4 times less memory to cache


def scale(images):
    """uint8 pixels 0..255 -> float32 0..1 (one image or a batch)."""
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 255.0


def photo_problem(jpeg) -> str | None:
    """Why these bytes cannot be a photo (missing, empty, not an image file), or None.

    A cheap look at the first bytes; `load_photo` does the full decode.
    """
    if jpeg is None or (isinstance(jpeg, float) and np.isnan(jpeg)):
        return "this listing has no photo"
    if not isinstance(jpeg, (bytes, bytearray, memoryview)):
        return f"a photo must be bytes, not {type(jpeg).__name__}"
    if len(jpeg) == 0:
        return "the photo file is empty (0 bytes)"
    if not bytes(jpeg[:8]).startswith(SIGNATURES):
        return "these bytes are not a JPEG, PNG, GIF or BMP file"
    return None


def load_photo(jpeg, size: tuple[int, int] = IMAGE_SIZE):
    """One photo's bytes -> a (height, width, 3) float32 tensor in [0, 1], ready for a model.

    Raises ImageDecodeError, with one sentence saying what is wrong, for a missing, empty or
    corrupt photo.
    """
    import tensorflow as tf

    problem = photo_problem(jpeg)
    if problem is None:
        problem = damage(bytes(jpeg))
    if problem is None:
        try:
            return scale(decode_and_resize(tf.constant(bytes(jpeg)), size))
        except (tf.errors.InvalidArgumentError, tf.errors.UnknownError) as error:
            problem = f"the photo file is damaged and cannot be decoded ({short_message(error)})"
    raise ImageDecodeError(f"Cannot use this photo: {problem}; use the title alone or supply another photo.")


def damage(jpeg: bytes) -> str | None:
    """Decode fully with Pillow first: a damaged file gets a short reason (and no noise from
    the JPEG library on the console)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            image.load()
    except UnidentifiedImageError:
        return "the photo file is damaged: its content is not a readable image"
    except (OSError, ValueError, SyntaxError) as error:
        return f"the photo file is damaged and cannot be decoded ({str(error)[:80]})"
    return None


def short_message(error) -> str:
    """TensorFlow's error text without its '{{function_node ...}}' prefix, first line, short."""
    text = re.sub(r"^\{\{[^}]*\}\}\s*", "", str(getattr(error, "message", error))).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:80]


def read_photo_file(path: str | Path) -> bytes:
    """The bytes of an image file on disk, with a clear error when it is missing."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ImageDecodeError(f"There is no file {path}; check the path (or predict from the title alone).")
    return path.read_bytes()


# ---------------------------------------------------------------- many photos: tf.data
def check_photos(jpegs: Sequence) -> list[bytes]:
    """The photos as a list of bytes; ImageDecodeError naming the first bad rows if any."""
    photos = list(jpegs)
    bad = [(position, problem) for position, jpeg in enumerate(photos)
           if (problem := photo_problem(jpeg)) is not None]
    if bad:
        position, problem = bad[0]
        raise ImageDecodeError(
            f"{len(bad):,} of {len(photos):,} photos cannot be used (the first, at position {position}: "
            f"{problem}); keep only the rows where images.photo_problem(photo) is None.")
    return [bytes(jpeg) for jpeg in photos]


def image_dataset(jpegs: Sequence, labels=None, *, batch_size: int, titles: Sequence | None = None,
                  size: tuple[int, int] = IMAGE_SIZE, shuffle_seed: int | None = None, cache: bool = True):
    """A batched tf.data pipeline of photos (and labels when given).

    Without `titles` each element is `images` (or `(images, labels)`); with `titles` the
    inputs are a dict {"title": strings, "image": images}, for a model with two inputs.
    `shuffle_seed` shuffles (every epoch, repeatably); leave it None for evaluation, so
    predictions come back in the order of the rows.
    """
    import tensorflow as tf

    photos = tf.constant(check_photos(jpegs), dtype=tf.string)
    if titles is not None:
        titles = [str(title) for title in titles]
        if len(titles) != len(photos):
            raise ValueError(f"{len(titles):,} titles for {len(photos):,} photos: give one title per photo.")
    autotune = tf.data.AUTOTUNE
    inputs = photos if titles is None else {"title": tf.constant(titles, dtype=tf.string), "image": photos}
    elements = inputs if labels is None else (inputs, tf.constant(np.asarray(labels), dtype=tf.int64))
    dataset = tf.data.Dataset.from_tensor_slices(elements)

    def on_images(function):
        """Apply `function` to the images of an element, leaving titles and labels alone."""
        def apply(inputs, *label):  # tf.data passes a tuple's parts as separate arguments
            if isinstance(inputs, dict):
                inputs = {**inputs, "image": function(inputs["image"])}
            else:
                inputs = function(inputs)
            return (inputs, *label) if label else inputs
        return apply

    dataset = dataset.map(on_images(lambda jpeg: decode_and_resize(jpeg, size)), num_parallel_calls=autotune)
    if cache:
        dataset = dataset.cache()  # decoded once, in memory, as uint8
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(photos), seed=shuffle_seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size).map(on_images(scale), num_parallel_calls=autotune)
    return dataset.prefetch(autotune)


def listing_dataset(frame, labels=None, *, batch_size: int, shuffle_seed: int | None = None, **options):
    """`image_dataset` of a products DataFrame's titles and photos (columns title and image)."""
    return image_dataset(frame["image"], labels, titles=frame["title"], batch_size=batch_size,
                         shuffle_seed=shuffle_seed, **options)


def augmentation(seed: int, translation: float = 0.05, contrast: float = 0.1):
    """Light augmentation as Keras layers: active while training, a no-op at prediction time.

    A mirror image, a photo shifted by a few pixels or shot with a little more or less
    contrast still shows the same product. Product photos are shot on white, so pixels
    moved in from outside the frame are white (1.0 on the 0..1 scale). We never turn photos
    upside down: catalogue photos are always upright.
    """
    import keras

    return keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=seed),
        keras.layers.RandomTranslation(translation, translation, fill_mode="constant", fill_value=1.0,
                                       seed=seed + 1),
        keras.layers.RandomContrast(contrast, value_range=(0.0, 1.0), seed=seed + 2),
    ], name="augmentation")


# ---------------------------------------------------------------- transfer learning
def weights_cached(filename: str) -> bool:
    return (Path.home() / ".keras" / "models" / filename).is_file()


def online(host: tuple[str, int] = WEIGHTS_HOST, timeout: float = 3.0) -> bool:
    """Can we reach the server that hosts Keras' pretrained weights? (At most `timeout` s.)"""
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


def pretrained_backbone(input_size: int = 96, timeout: float = 3.0):
    """MobileNetV2 without its classifier, with ImageNet weights: (backbone, None), or
    (None, one sentence why not) when the weights are neither cached nor downloadable.

    Fails fast offline: no attempt with WORKSHOP_OFFLINE=1, else a 3-second check of the
    weights server before Keras tries to download.
    """
    import keras

    from .config import offline

    filename = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{input_size}_no_top.h5"
    if not weights_cached(filename) and offline():
        return None, ("No pretrained weights: WORKSHOP_OFFLINE=1 forbids downloading them; "
                      "we continue with the CNN trained from scratch.")
    if not weights_cached(filename) and not online(timeout=timeout):
        return None, ("No pretrained weights: the ImageNet weights cannot be downloaded here (offline); "
                      "we continue with the CNN trained from scratch.")
    try:
        backbone = keras.applications.MobileNetV2(input_shape=(input_size, input_size, CHANNELS),
                                                  include_top=False, weights="imagenet", pooling="avg")
    except Exception as error:  # a proxy, a firewall, a broken download: all end the same way
        reason = str(error).strip().splitlines()[0][:100] if str(error).strip() else type(error).__name__
        return None, (f"No pretrained weights: the download failed ({reason}); "
                      "we continue with the CNN trained from scratch.")
    return backbone, None
