"""Notebook 06's demo app: its prediction function, and the app itself in a real browser."""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

# Gradio must never phone home from a test (usage statistics, version check).
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from workshop_utils import serving  # noqa: E402

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CLASSES = ["Sports Shoes", "Tshirts", "Watches"]
SUB_CATEGORY = {"Sports Shoes": "Shoes", "Tshirts": "Topwear", "Watches": "Watches"}
MASTER_CATEGORY = {"Shoes": "Footwear", "Topwear": "Apparel", "Watches": "Accessories"}
TITLES = ["Nike Men Blue Tshirt", "Puma Men Black Tshirt", "Adidas Women Running Shoes", "Nike Men White Shoes",
          "Fastrack Men Black Watch", "Titan Women Gold Watch"]


@pytest.fixture(scope="module")
def categorizer():
    import keras

    from workshop_utils import models

    titles, labels = TITLES * 5, np.array([1, 1, 0, 0, 2, 2] * 5)
    keras.utils.set_random_seed(0)
    model = models.build_text_model(titles, len(CLASSES))
    model.fit(models.string_tensor(titles), labels, epochs=30, verbose=0)
    return serving.Categorizer(model, CLASSES, threshold=0.6, sub_category_of=SUB_CATEGORY,
                               master_category_of=MASTER_CATEGORY)


@pytest.fixture(scope="module")
def fusion_categorizer(categorizer):
    """A fusion model as notebook 05 builds it (an untrained CNN: these listings' photos are
    plain colours), its head fitted on the titles alone."""
    from workshop_utils import models

    image_model = models.build_image_model(len(CLASSES), seed=0)
    fusion = models.build_fusion_model(categorizer.model, image_model)
    features = models.listing_features(fusion, TITLES * 5, None)
    head = fusion.get_layer(models.FUSION_HEAD)  # inside the fusion model the head is not compiled
    head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    head.fit(features, np.array([1, 1, 0, 0, 2, 2] * 5), epochs=40, verbose=0)
    return serving.Categorizer(fusion, CLASSES, threshold=0.6, sub_category_of=SUB_CATEGORY,
                               master_category_of=MASTER_CATEGORY)


def jpeg_bytes(colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_demo_answer_gives_the_top_three_and_the_decision(categorizer):
    suggestions, verdict = serving.demo_answer(categorizer, "Titan Women Gold Watch")
    assert list(suggestions)[0] == "Watches"
    assert len(suggestions) == 3 and abs(sum(suggestions.values()) - 1) < 1e-3
    assert list(suggestions.values()) == sorted(suggestions.values(), reverse=True)
    assert verdict.startswith("**Auto-accepted** as Watches")


def test_demo_answer_sends_an_unsure_listing_to_review(categorizer):
    unsure = serving.Categorizer(categorizer.model, CLASSES, threshold=0.9999999,
                                 sub_category_of=SUB_CATEGORY, master_category_of=MASTER_CATEGORY)
    suggestions, verdict = serving.demo_answer(unsure, "Nike Men Black")
    assert len(suggestions) == 3 and verdict.startswith("**Sent to review**")


@pytest.mark.parametrize("title, reason", [("", "the title is empty"), (None, "the title is empty"),
                                           ("😀👍", "vocabulary"), ("Красная футболка", "vocabulary")])
def test_demo_answer_explains_a_title_it_cannot_read(categorizer, title, reason):
    suggestions, verdict = serving.demo_answer(categorizer, title)
    assert suggestions == {} and "Sent to review" in verdict and reason in verdict


def test_demo_answer_survives_a_missing_or_damaged_photo(fusion_categorizer, tmp_path):
    assert fusion_categorizer.reads_photos
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(jpeg_bytes()[:200])
    for photo, words in ((str(tmp_path / "missing.jpg"), "There is no file"), (str(damaged), "damaged")):
        suggestions, verdict = serving.demo_answer(fusion_categorizer, "Titan Women Gold Watch", photo)
        assert list(suggestions)[0] == "Watches"
        assert "title only" in verdict and words in verdict


def test_a_good_photo_is_read_with_the_title(fusion_categorizer, tmp_path):
    photo = tmp_path / "watch.jpg"
    photo.write_bytes(jpeg_bytes())
    suggestions, verdict = serving.demo_answer(fusion_categorizer, "Titan Women Gold Watch", str(photo))
    assert len(suggestions) == 3 and "title and photo" in verdict and "Note" not in verdict


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`python3 tasks.py test` installs it)")
def test_the_app_answers_in_a_real_browser(categorizer):
    gradio = pytest.importorskip("gradio")
    playwright = pytest.importorskip("playwright.sync_api")
    app = serving.demo_app(categorizer, examples=TITLES[:2])
    app.launch(server_name="127.0.0.1", server_port=None, share=False, prevent_thread_lock=True, quiet=True,
               inbrowser=False)
    try:
        assert app.local_url.startswith("http://127.0.0.1:")
        with playwright.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                   "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(app.local_url, wait_until="networkidle", timeout=60_000)
            page.locator("#title textarea").fill("Titan Women Gold Watch")
            page.locator("#suggest").click()
            decision = page.locator("#decision")
            decision.get_by_text("Auto-accepted").wait_for(timeout=60_000)
            assert "Watches" in decision.inner_text()
            suggestions = page.locator("#suggestions").inner_text()
            assert all(name in suggestions for name in CLASSES), suggestions
            browser.close()
    finally:
        app.close()
    assert gradio.__version__
