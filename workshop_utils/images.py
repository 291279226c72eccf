"""Photos: decoded to look at (`decode_image`, NumPy), or as tensors for a model: decode, resize
and scale with TensorFlow; tf.data pipelines; augmentation; the pretrained backbone when its
weights can be had. Every size is (height, width), as IMAGE_SIZE.

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

# The first bytes of the image formats tf.io.decode_image reads (a single photo may also be
# WebP or TIFF: load_photo decodes those with Pillow).
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
# A photo above this many pixels is refused before decoding: a small file can unpack into
# gigabytes (a "decompression bomb"); a 50-megapixel camera photo is still fine.
MAX_PIXELS = 60_000_000

# MobileNetV2's smallest ImageNet input: the photos are resized to it for the pretrained backbone.
PRETRAINED_INPUT_SIZE = 96
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


def is_missing(photo) -> bool:
    """None, NaN or pandas' NA: a listing without a photo."""
    if photo is None:
        return True
    try:
        return not isinstance(photo, (bytes, bytearray, memoryview, str, Path)) and bool(np.isnan(photo))
    except (TypeError, ValueError):
        return type(photo).__name__ == "NAType"


def photo_problem(jpeg) -> str | None:
    """Why these bytes cannot be a photo (missing, empty, not an image file, cut short), or None.

    A cheap look at the first and last bytes; `load_photo` does the full decode.
    """
    if is_missing(jpeg):
        return "this listing has no photo"
    if not isinstance(jpeg, (bytes, bytearray, memoryview)):
        return f"a photo must be bytes, not {type(jpeg).__name__}"
    if len(jpeg) == 0:
        return "the photo file is empty (0 bytes)"
    if not bytes(jpeg[:8]).startswith(SIGNATURES):
        return "these bytes are not a JPEG, PNG, GIF or BMP file"
    if cut_short(bytes(jpeg)):
        return "the photo file is damaged: it is cut short (its last bytes are missing)"
    return None


def cut_short(data: bytes) -> bool:
    """Does the file lack the end every complete file of its format has? (No decoding needed.)"""
    end = data[-64:].rstrip(b"\x00\r\n ")
    if data.startswith(b"\xff\xd8\xff"):
        return not end.endswith(b"\xff\xd9")  # JPEG: the end-of-image marker
    if data.startswith(b"\x89PNG"):
        return b"IEND" not in end  # PNG: the IEND chunk
    if data.startswith(b"GIF"):
        return not end.endswith(b";")  # GIF: the trailer byte
    if data.startswith(b"BM") and len(data) >= 6:
        return len(data) < int.from_bytes(data[2:6], "little")  # BMP: the size in its header
    return False


def photo_bytes(photo) -> bytes:
    """A photo as bytes: bytes as they are, a path (str or Path) read from disk.

    Raises ImageDecodeError for a missing photo (None, NaN) or anything else.
    """
    if is_missing(photo):
        raise ImageDecodeError("Cannot use this photo: this listing has no photo (None or NaN); "
                               "use the title alone or supply another photo.")
    if isinstance(photo, (str, Path)):
        return read_photo_file(photo)
    if isinstance(photo, (bytes, bytearray, memoryview)):
        return bytes(photo)
    raise ImageDecodeError(f"Cannot use this photo: a photo must be bytes or a file path, not "
                           f"{type(photo).__name__}; use the title alone or supply another photo.")


def open_with_pillow(data: bytes):
    """The decoded image (Pillow, RGB), or ImageDecodeError with one sentence: empty, not an
    image, damaged, or too large to decode safely."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if len(data) == 0:
        raise ImageDecodeError("Cannot use this photo: the photo file is empty (0 bytes); "
                               "use the title alone or supply another photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{width} x {height} pixels")
                return image.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDecodeError("Cannot use this photo: it is too large to decode safely (more than "
                               f"{MAX_PIXELS // 1_000_000} million pixels); use a smaller photo.") from None
    except UnidentifiedImageError:
        if data.startswith(SIGNATURES):  # begins like an image file, then nonsense
            raise ImageDecodeError("Cannot use this photo: the photo file is damaged (corrupt): its content "
                                   "is not a readable image; use the title alone or supply another photo.") from None
        raise ImageDecodeError("Cannot use this photo: these bytes are not a JPEG, PNG, GIF, BMP, WebP or "
                               "TIFF file; use the title alone or supply another photo.") from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ImageDecodeError(f"Cannot use this photo: the photo file is damaged (corrupt) and cannot be decoded "
                               f"({str(error)[:80]}); use the title alone or supply another photo.") from None


def decode_image(jpeg, size: tuple[int, int] | None = None) -> np.ndarray:
    """A photo -> a (height, width, 3) uint8 array, to look at; `size` = (height, width) resizes.

    `jpeg` is the photo's bytes (JPEG, PNG, GIF, BMP, WebP, TIFF) or a file path: the same
    inputs as `load_photo`, which makes a model's input of it.
    """
    if isinstance(jpeg, (bytes, bytearray, memoryview)) and len(jpeg) == 0:
        raise ImageDecodeError("This product has no photo (empty image bytes); skip it or use its title alone.")
    image = open_with_pillow(photo_bytes(jpeg))
    if size is not None:
        height, width = size
        image = image.resize((width, height))  # Pillow counts width first
    return np.asarray(image)


def load_photo(jpeg, size: tuple[int, int] = IMAGE_SIZE):
    """One photo's bytes -> a (height, width, 3) float32 tensor in [0, 1], ready for a model.

    `jpeg` may also be a file path, and the photo a PNG, GIF, BMP, WebP or TIFF file (the
    same inputs as `decode_image`). Raises ImageDecodeError, with one sentence saying
    what is wrong, for a missing, empty, corrupt or dangerously large photo.
    """
    import tensorflow as tf

    data = photo_bytes(jpeg)
    pixels = open_with_pillow(data)  # the full check: damage, size, format
    if not data.startswith(SIGNATURES):  # WebP, TIFF: pixels from Pillow, then the same resize
        resized = tf.image.resize(np.asarray(pixels), size, antialias=True)
        return scale(tf.saturate_cast(tf.round(resized), tf.uint8))
    try:
        return scale(decode_and_resize(tf.constant(data), size))
    except (tf.errors.InvalidArgumentError, tf.errors.UnknownError) as error:
        problem = f"the photo file is damaged and cannot be decoded ({short_message(error)})"
    raise ImageDecodeError(f"Cannot use this photo: {problem}; use the title alone or supply another photo.")


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
    contrast still shows the same product. The pixels moved in from outside the frame repeat
    the photo's own edge (fill_mode "nearest"): accessories and shoes are shot on white, but
    clothes are often worn by a model on a grey or coloured background (notebook 02 measures
    it), and a constant white strip would be something no real photo has. We never turn
    photos upside down: catalogue photos are always upright.
    """
    import keras

    return keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=seed),
        keras.layers.RandomTranslation(translation, translation, fill_mode="nearest", seed=seed + 1),
        keras.layers.RandomContrast(contrast, value_range=(0.0, 1.0), seed=seed + 2),
    ], name="augmentation")


# ---------------------------------------------------------------- transfer learning
# Where Keras downloads MobileNetV2's ImageNet weights from (keras.applications.mobilenet_v2).
MOBILENET_V2_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
WEIGHTS_FOLDER = "weights"  # inside the local copy of the data that `download --to DIR` writes


def weights_filename(input_size: int = PRETRAINED_INPUT_SIZE) -> str:
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{input_size}_no_top.h5"


def weights_folders() -> list[Path]:
    """Where pretrained weights are looked for, in order: Keras' own cache, the local copy of
    the data (the run's data_dir, filled by `python -m workshop_utils download --to DIR`), the
    workshop's cache."""
    from .config import current

    run = current()
    folders = [Path.home() / ".keras" / "models"]
    if run.data_dir is not None:
        folders.append(run.data_dir / WEIGHTS_FOLDER)
    return folders + [run.cache_dir / WEIGHTS_FOLDER]


def weights_file(filename: str) -> Path | None:
    return next((folder / filename for folder in weights_folders() if (folder / filename).is_file()), None)


def weights_cached(filename: str) -> bool:
    return weights_file(filename) is not None


def save_pretrained_weights(folder: str | Path, input_size: int = PRETRAINED_INPUT_SIZE,
                            base_url: str = MOBILENET_V2_WEIGHTS_URL, timeout: float = 30.0) -> Path:
    """Download MobileNetV2's ImageNet weights (about 9 MB) into `folder`, for a machine with no
    internet: the notebook finds them there. Written to a temporary name first, so an interrupted
    download never looks finished. Raises OSError when the download fails."""
    import urllib.request

    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / weights_filename(input_size)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(base_url + target.name, timeout=timeout) as response, open(partial, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        if partial.stat().st_size == 0:
            raise OSError(f"{base_url + target.name} sent an empty file")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def online(host: tuple[str, int] = WEIGHTS_HOST, timeout: float = 3.0) -> bool:
    """Can we reach the server that hosts Keras' pretrained weights? (At most `timeout` s.)"""
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


def pretrained_backbone(input_size: int = PRETRAINED_INPUT_SIZE, timeout: float = 3.0):
    """MobileNetV2 without its classifier, with ImageNet weights: (backbone, None), or
    (None, one sentence why not) when the weights are neither cached nor downloadable.

    Fails fast offline: no attempt with WORKSHOP_OFFLINE=1, else a 3-second check of the
    weights server before Keras tries to download.
    """
    import keras

    from .config import current

    filename = weights_filename(input_size)
    if not weights_cached(filename) and current().offline:
        return None, ("No pretrained weights: WORKSHOP_OFFLINE=1 forbids downloading them; "
                      "we continue with the CNN trained from scratch.")
    if not weights_cached(filename) and not online(timeout=timeout):
        return None, ("No pretrained weights: the ImageNet weights cannot be downloaded here (offline); "
                      "we continue with the CNN trained from scratch.")
    # A file saved by `download --to DIR` (or Keras' own cache) is loaded from disk, no network.
    local = weights_file(filename) if weights_cached(filename) else None
    try:
        backbone = keras.applications.MobileNetV2(input_shape=(input_size, input_size, CHANNELS),
                                                  include_top=False, pooling="avg",
                                                  weights=str(local) if local else "imagenet")
    except Exception as error:  # a proxy, a firewall, a broken download: all end the same way
        reason = str(error).strip().splitlines()[0][:100] if str(error).strip() else type(error).__name__
        failed = f"the file {local} could not be loaded" if local else "the download failed"
        return None, (f"No pretrained weights: {failed} ({reason}); "
                      "we continue with the CNN trained from scratch.")
    return backbone, None
