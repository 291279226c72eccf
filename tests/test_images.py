"""Photos as tensors: decoding, pipelines, augmentation, and clear errors for bad photos."""
from __future__ import annotations

import io
import subprocess
import sys
import time

import numpy as np
import pytest

from workshop_utils import ImageDecodeError, images

tf = pytest.importorskip("tensorflow")


def photo(colour=(200, 30, 30), size=(80, 60), image_format="JPEG") -> bytes:
    """A one-colour image file made here; size is (height, width), as images.IMAGE_SIZE."""
    from PIL import Image

    height, width = size
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=image_format)
    return buffer.getvalue()


def noisy_photo(seed=0, size=(80, 60)) -> bytes:
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


EMPTY = b""
CORRUPT = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 2  # starts like a JPEG, then nonsense
TRUNCATED = noisy_photo()[:400]
NOT_AN_IMAGE = b"%PDF-1.4 this is a document"


def test_decode_image_resizes_to_height_width_and_explains_bad_bytes():
    assert images.decode_image(photo(), size=(40, 30)).shape == (40, 30, 3)
    # One size convention, (height, width): the NumPy decode and the model's input agree.
    assert images.decode_image(photo(), size=(40, 30)).shape == tuple(images.load_photo(photo(), size=(40, 30)).shape)
    assert images.decode_image(photo(size=(80, 53)), size=images.IMAGE_SIZE).shape == (*images.IMAGE_SIZE, 3)
    with pytest.raises(ImageDecodeError, match="no photo"):
        images.decode_image(b"")
    with pytest.raises(ImageDecodeError, match="corrupt"):
        images.decode_image(photo()[:40])


def test_decode_and_resize_gives_uint8_pixels_of_the_fixed_size():
    for data in (photo(), photo(size=(80, 53)), photo(size=(60, 60)), photo(image_format="PNG")):
        image = images.decode_and_resize(tf.constant(data))
        assert tuple(image.shape) == (*images.IMAGE_SIZE, 3) and image.dtype == tf.uint8
    red = images.decode_and_resize(tf.constant(photo((250, 0, 0)))).numpy()
    assert red[..., 0].mean() > 240 and red[..., 1:].mean() < 15  # channels in RGB order


def test_scale_maps_bytes_to_zero_one():
    scaled = images.scale(tf.constant([[0, 51, 255]], dtype=tf.uint8)).numpy()
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [[0.0, 0.2, 1.0]], atol=1e-6)


@pytest.mark.parametrize("data, words", [
    (None, "no photo"),
    (EMPTY, "empty"),
    (NOT_AN_IMAGE, "not a JPEG"),
    (CORRUPT, "damaged"),
    (TRUNCATED, "damaged"),
])
def test_a_bad_photo_raises_one_clear_sentence(data, words):
    with pytest.raises(ImageDecodeError, match=words) as raised:
        images.load_photo(data)
    message = str(raised.value)
    assert "title alone" in message and "\n" not in message and "function_node" not in message


def test_a_good_photo_loads_ready_for_a_model():
    image = images.load_photo(noisy_photo()).numpy()
    assert image.shape == (*images.IMAGE_SIZE, 3) and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0


def test_photo_problem_is_a_quick_look_at_the_first_bytes():
    assert images.photo_problem(photo()) is None
    assert images.photo_problem(photo(image_format="PNG")) is None
    assert "no photo" in images.photo_problem(None)
    assert "no photo" in images.photo_problem(float("nan"))  # a missing value in a DataFrame
    assert "empty" in images.photo_problem(EMPTY)
    assert "not a JPEG" in images.photo_problem(NOT_AN_IMAGE)
    assert "bytes" in images.photo_problem("photo.jpg")


def test_read_photo_file(tmp_path):
    path = tmp_path / "listing.jpg"
    path.write_bytes(photo())
    assert images.read_photo_file(path) == photo()
    with pytest.raises(ImageDecodeError, match="no file"):
        images.read_photo_file(tmp_path / "missing.jpg")


def test_image_dataset_batches_in_row_order_with_labels():
    colours = [(250, 0, 0), (0, 250, 0), (0, 0, 250), (250, 250, 250), (0, 0, 0)]
    dataset = images.image_dataset([photo(c) for c in colours], [0, 1, 2, 3, 4], batch_size=2)
    batches = list(dataset)
    assert [len(labels) for _, labels in batches] == [2, 2, 1]
    pixels = np.concatenate([batch.numpy() for batch, _ in batches])
    labels = np.concatenate([labels.numpy() for _, labels in batches])
    assert pixels.shape == (5, *images.IMAGE_SIZE, 3) and pixels.dtype == np.float32
    assert labels.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(pixels.mean(axis=(1, 2)), np.array(colours) / 255, atol=0.03)


def test_image_dataset_without_labels_and_with_titles():
    only_images = next(iter(images.image_dataset([photo(), photo()], batch_size=4)))
    assert tuple(only_images.shape) == (2, *images.IMAGE_SIZE, 3)
    inputs, labels = next(iter(images.image_dataset([photo(), photo()], [1, 0], titles=["Red shirt", "Blue cap"],
                                                    batch_size=4)))
    assert set(inputs) == {"title", "image"}
    assert [title.decode() for title in inputs["title"].numpy()] == ["Red shirt", "Blue cap"]
    assert tuple(inputs["image"].shape) == (2, *images.IMAGE_SIZE, 3) and labels.numpy().tolist() == [1, 0]


def test_listing_dataset_reads_a_products_frame():
    import pandas as pd

    frame = pd.DataFrame({"title": ["Red shirt", "Blue cap", "Black watch"],
                          "image": [photo(), photo((0, 0, 200)), photo((0, 0, 0))]})
    inputs = next(iter(images.listing_dataset(frame, batch_size=8)))
    assert tuple(inputs["image"].shape) == (3, *images.IMAGE_SIZE, 3) and len(inputs["title"]) == 3


@pytest.mark.parametrize("bad", [EMPTY, NOT_AN_IMAGE, None])
def test_image_dataset_refuses_missing_photos_before_training(bad):
    with pytest.raises(ImageDecodeError, match=r"1 of 3 photos cannot be used .*position 1"):
        images.image_dataset([photo(), bad, photo()], batch_size=2)


def test_mismatched_titles_are_refused():
    with pytest.raises(ValueError, match="one title per photo"):
        images.image_dataset([photo(), photo()], titles=["only one"], batch_size=2)


def test_shuffling_keeps_every_row_once_and_pairs_photos_with_labels():
    colours = [(value, 0, 0) for value in range(0, 250, 25)]
    dataset = images.image_dataset([photo(c) for c in colours], list(range(len(colours))), batch_size=3,
                                   shuffle_seed=7)
    labels, reds = [], []
    for batch, batch_labels in dataset:
        labels += batch_labels.numpy().tolist()
        reds += (batch.numpy()[..., 0].mean(axis=(1, 2)) * 255).tolist()
    assert sorted(labels) == list(range(len(colours))) and labels != sorted(labels)
    np.testing.assert_allclose(reds, [colours[label][0] for label in labels], atol=6)


def test_augmentation_changes_photos_in_training_only():
    import keras

    batch = images.scale(tf.stack([images.decode_and_resize(tf.constant(noisy_photo(seed))) for seed in range(4)]))
    augment = images.augmentation(seed=3)
    assert isinstance(augment, keras.Sequential)
    training = augment(batch, training=True).numpy()
    assert training.shape == batch.shape and not np.allclose(training, batch.numpy())
    assert 0.0 <= training.min() and training.max() <= 1.0 + 1e-6
    np.testing.assert_allclose(augment(batch, training=False).numpy(), batch.numpy())


# The notebooks run with op determinism switched on (setup() does it on CPU); it is global to
# the process, so the pipeline is checked under it in a fresh interpreter.
DETERMINISM_SCRIPT = """
import io, numpy as np, tensorflow as tf, keras
from PIL import Image
from workshop_utils import images
tf.config.experimental.enable_op_determinism()

def photo(seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (80, 60, 3), dtype=np.uint8)
    buffer = io.BytesIO(); Image.fromarray(pixels).save(buffer, format="JPEG"); return buffer.getvalue()

def one_run():
    keras.utils.set_random_seed(42)
    dataset = images.image_dataset([photo(seed) for seed in range(12)], list(range(12)), batch_size=5,
                                   shuffle_seed=42)
    augment = images.augmentation(seed=42)
    epochs = [[(augment(x, training=True).numpy(), y.numpy()) for x, y in dataset] for _ in range(2)]
    return epochs

first, second = one_run(), one_run()
orders = [np.concatenate([y for _, y in epoch]).tolist() for epoch in first]
assert orders[0] != orders[1], "each epoch should be shuffled anew"
for epoch_a, epoch_b in zip(first, second):
    for (xa, ya), (xb, yb) in zip(epoch_a, epoch_b):
        assert (ya == yb).all() and np.array_equal(xa, xb)
print("REPEATABLE")
"""


def test_pipeline_and_augmentation_repeat_exactly_under_op_determinism():
    finished = subprocess.run([sys.executable, "-c", DETERMINISM_SCRIPT], capture_output=True, text=True,
                              env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=300)
    assert "REPEATABLE" in finished.stdout, finished.stderr[-3000:]


def test_online_check_fails_fast_when_nothing_answers():
    import socket

    with socket.socket() as closed:  # a port nobody listens on: refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    start = time.perf_counter()
    assert images.online(("127.0.0.1", port), timeout=2.0) is False
    assert time.perf_counter() - start < 3


def test_no_pretrained_weights_offline_is_one_line_not_a_hang(monkeypatch):
    monkeypatch.setattr(images, "weights_cached", lambda filename: False)
    monkeypatch.setattr(images, "online", lambda host=None, timeout=3.0: False)
    start = time.perf_counter()
    backbone, message = images.pretrained_backbone()
    assert backbone is None and time.perf_counter() - start < 5
    assert "\n" not in message and "offline" in message and "CNN" in message


def test_workshop_offline_does_not_even_look_for_the_weights(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the network was tried")

    monkeypatch.setenv("WORKSHOP_OFFLINE", "1")
    monkeypatch.setattr(images, "weights_cached", lambda filename: False)
    monkeypatch.setattr(images, "online", no_network)
    backbone, message = images.pretrained_backbone()
    assert backbone is None and "WORKSHOP_OFFLINE=1" in message and "\n" not in message


def test_a_failed_download_is_reported_not_raised(monkeypatch):
    import keras

    def refuse(*args, **kwargs):
        raise Exception("URL fetch failure: connection reset\nmore details")

    monkeypatch.setattr(images, "weights_cached", lambda filename: False)
    monkeypatch.setattr(images, "online", lambda host=None, timeout=3.0: True)
    monkeypatch.setattr(keras.applications, "MobileNetV2", refuse)
    backbone, message = images.pretrained_backbone()
    assert backbone is None and "download failed (URL fetch failure: connection reset)" in message


# ---------------------------------------------------------------- pretrained weights for a day without internet
@pytest.fixture
def weights_server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving a stand-in for the MobileNetV2 weights file."""
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    (served / images.weights_filename()).write_bytes(b"HDF5 stand-in " * 1000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", served
    server.shutdown()


def test_save_pretrained_weights_fetches_the_file_keras_would(weights_server, tmp_path):
    base_url, served = weights_server
    saved = images.save_pretrained_weights(tmp_path / "kit" / "weights", base_url=base_url)
    assert saved.name == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"
    assert saved.read_bytes() == (served / saved.name).read_bytes()
    with pytest.raises(OSError):
        images.save_pretrained_weights(tmp_path / "elsewhere", base_url=base_url + "missing/")
    assert not list((tmp_path / "elsewhere").iterdir()), "a failed download leaves no file behind"


def test_download_command_puts_the_weights_next_to_the_data(weights_server, tmp_path, capsys, monkeypatch):
    from workshop_utils import __main__ as command_line

    base_url, _ = weights_server
    monkeypatch.delenv("WORKSHOP_OFFLINE", raising=False)
    path = command_line.save_weights(tmp_path / "kit" / "fashion-product-images-small", base_url=base_url)
    assert path == tmp_path / "kit" / "fashion-product-images-small" / "weights" / images.weights_filename()
    assert command_line.save_weights(tmp_path / "other", base_url=base_url + "missing/") is None
    printed = capsys.readouterr().out.strip().splitlines()
    assert "Saved the pretrained image weights" in printed[0] and "from scratch" in printed[1]


def test_the_notebook_finds_the_weights_in_the_local_copy_with_no_network(tmp_path, monkeypatch):
    """Offline, a weights file saved by `download --to DIR` is loaded from disk (no download tried)."""
    import keras

    dataset = tmp_path / "fashion-product-images-small"
    (dataset / "weights").mkdir(parents=True)
    (dataset / "weights" / images.weights_filename()).write_bytes(b"weights")
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(dataset))
    monkeypatch.setenv("WORKSHOP_OFFLINE", "1")
    monkeypatch.setattr(images, "online", lambda *args, **kwargs: pytest.fail("the network was tried"))
    asked = {}
    monkeypatch.setattr(keras.applications, "MobileNetV2", lambda **options: asked.update(options) or "backbone")
    backbone, message = images.pretrained_backbone()
    assert backbone == "backbone" and message is None
    assert asked["weights"] == str(dataset / "weights" / images.weights_filename())
    assert asked["include_top"] is False and asked["input_shape"] == (96, 96, 3)


def test_shifted_photos_repeat_their_own_edge_not_white():
    """Clothes are often photographed on grey or colour (notebook 02): a shift must not paint
    a white strip that no real photo has."""
    augment = images.augmentation(seed=0, translation=0.3, contrast=0.0)
    grey = np.full((8, 40, 30, 3), 0.4, dtype="float32")
    shifted = np.asarray(augment(grey, training=True))
    np.testing.assert_allclose(shifted, 0.4, atol=1e-5)
