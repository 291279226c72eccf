"""Notebook 06: the serving helpers (calibration, answering one level up, batch scoring of odd rows)
do what the notebook says. Its checks are in the hint table with every other notebook's (tests/test_hints.py)."""
from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest

from workshop_utils import serving
from workshop_utils.errors import WorkshopError


# ---------------------------------------------------------------- serving: the maths
CLASSES = ["Jeans", "Shirts", "Tshirts", "Watches"]
SUB = {"Jeans": "Bottomwear", "Shirts": "Topwear", "Tshirts": "Topwear", "Watches": "Watches"}
MASTER = {"Bottomwear": "Apparel", "Topwear": "Apparel", "Watches": "Accessories"}


def test_temperature_keeps_the_ranking_and_softens():
    probabilities = np.array([[0.90, 0.05, 0.03, 0.02], [0.4, 0.3, 0.2, 0.1]])
    soft = serving.calibrate(probabilities, 2.0)
    assert np.allclose(soft.sum(axis=1), 1)
    assert (soft.argsort(axis=1) == probabilities.argsort(axis=1)).all()
    assert soft[0, 0] < 0.90 and np.allclose(serving.calibrate(probabilities, 1.0), probabilities)


def test_answer_one_level_up():
    probabilities = np.array([
        [0.95, 0.02, 0.02, 0.01],   # sure of the leaf
        [0.05, 0.48, 0.46, 0.01],   # unsure Shirts/Tshirts, sure of Topwear (0.94)
        [0.45, 0.25, 0.25, 0.05],   # unsure of every sub-category, sure of Apparel (0.95)
        [0.30, 0.10, 0.10, 0.50],   # unsure everywhere: review
    ])
    answers = serving.answer_with_hierarchy(probabilities, CLASSES, SUB, MASTER, threshold=0.9)
    assert answers["level"].tolist() == ["leaf", "sub-category", "master category", "review"]
    assert answers["answer"].tolist()[:3] == ["Jeans", "Topwear", "Apparel"] and pd.isna(answers["answer"][3])
    assert np.allclose(answers["probability"][:3], [0.95, 0.94, 0.95])


# ---------------------------------------------------------------- serving: a real (tiny) model
@pytest.fixture(scope="module")
def categorizer():
    import keras

    from workshop_utils import models

    titles = ["Levis Men Blue Jeans", "Spykar Women Black Jeans", "Arrow Men White Shirt", "Van Heusen Men Shirt",
              "Nike Men Blue Tshirt", "Puma Women Tshirt", "Titan Men Watch", "Fastrack Women Gold Watch"] * 4
    keras.utils.set_random_seed(0)
    model = models.build_text_model(titles, len(CLASSES))
    model.fit(models.string_tensor(titles), np.tile(np.repeat([0, 1, 2, 3], 2), 4), epochs=40, verbose=0)
    return serving.Categorizer(model, CLASSES, temperature=1.0, threshold=0.7, sub_category_of=SUB,
                               master_category_of=MASTER)


ODD_ROWS = pd.DataFrame({"title": ["Levis Men Blue Jeans", "", None, "   ", "👖👖 🔥", "Джинсы мужские", "男士牛仔裤",
                                   "Jeans " * 2000, "Titan\nMen\tWatch"],
                         "photo": ["", "", "", "", "", "", "", "", "no/such/photo.jpg"]})


def test_odd_rows_each_get_a_row_and_a_reason(categorizer):
    scored = categorizer.score(ODD_ROWS, progress=False)
    assert len(scored) == len(ODD_ROWS) and (scored.index == ODD_ROWS.index).all()
    first, *odd = scored.to_dict("records")
    assert first["suggestion_1"] == "Jeans" and first["decision"] == "auto-accept" and first["reason"] == ""
    for row in odd[:3]:
        assert row["reason"] == "the title is empty" and row["decision"] == "review" and pd.isna(row["suggestion_1"])
    for row in odd[3:6]:
        assert "vocabulary" in row["reason"] and row["decision"] == "review"
    long_title = odd[6]
    assert "cut to its first 300 characters" in long_title["reason"] and long_title["suggestion_1"] == "Jeans"
    assert odd[7]["suggestion_1"] == "Watches"  # tabs and newlines are only spaces


def test_score_csv_writes_suggestions_and_review_queue(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    ODD_ROWS.to_csv(source, index=False)
    summary = serving.score_csv(categorizer, source, tmp_path / "out.csv", tmp_path / "review.csv", progress=False)
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    review = pd.read_csv(tmp_path / "review.csv", keep_default_na=False)
    assert len(out) == len(ODD_ROWS) == summary["listings"]
    assert len(review) == summary["to review"] == (out["decision"] == "review").sum() >= 6
    assert summary["auto-accepted"] + summary["to review"] == len(ODD_ROWS)


def test_a_csv_without_titles_is_one_clear_sentence(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    pd.DataFrame({"name": ["Levis Men Blue Jeans"]}).to_csv(source, index=False)
    with pytest.raises(WorkshopError, match="no 'title' column"):
        serving.score_csv(categorizer, source, tmp_path / "out.csv", tmp_path / "review.csv", progress=False)


def test_ten_thousand_titles_in_well_under_thirty_seconds(categorizer):
    titles = pd.DataFrame({"title": np.random.default_rng(0).choice(ODD_ROWS["title"].fillna(""), 10_000)})
    start = time.perf_counter()
    scored = categorizer.score(titles, progress=False)
    assert len(scored) == 10_000 and time.perf_counter() - start < 30


def test_fusion_model_titles_only_path_matches_the_full_model(categorizer):
    """Titles without photos skip the CNN; the probabilities are those of the whole fusion model
    with missing photos, and a row with a photo is read with it."""
    from PIL import Image

    from workshop_utils import models

    fusion = models.build_fusion_model(categorizer.model, models.build_image_model(len(CLASSES), seed=0))
    with_photos = serving.Categorizer(fusion, CLASSES, threshold=0.7, sub_category_of=SUB, master_category_of=MASTER)
    titles = ["Levis Men Blue Jeans", "Titan Men Watch", "Nike Tshirt"]
    fast, source = with_photos.probabilities(titles)
    full = fusion.predict({"title": models.string_tensor(titles), "image": models.missing_photos(3)}, verbose=0)
    assert np.allclose(fast, full, atol=1e-6) and (source == "title only").all()
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (250, 250, 250)).save(buffer, format="JPEG")
    photo, note = with_photos.read_photo(buffer.getvalue())
    _, source = with_photos.probabilities(titles, [photo, None, None])
    assert note == "" and source.tolist() == ["title and photo", "title only", "title only"]


def test_a_batch_with_good_missing_and_damaged_photos(categorizer, tmp_path):
    """One batch mixes listings with and without usable photos: each row is read as it can be."""
    from PIL import Image

    from workshop_utils import models

    fusion = models.build_fusion_model(categorizer.model, models.build_image_model(len(CLASSES), seed=0))
    with_photos = serving.Categorizer(fusion, CLASSES, threshold=0.7, sub_category_of=SUB, master_category_of=MASTER)
    good, damaged = tmp_path / "good.jpg", tmp_path / "damaged.jpg"
    Image.new("RGB", (60, 80), (240, 240, 240)).save(good, format="JPEG")
    damaged.write_bytes(good.read_bytes()[:150])
    listings = pd.DataFrame({"title": ["Levis Men Blue Jeans"] * 4 + [""],
                             "photo": [str(good), str(damaged), str(tmp_path / "gone.jpg"), "", str(good)]})
    scored = with_photos.score(listings, batch_size=2, progress=False)  # batches of 2: the rows cross batches
    assert scored["read_from"].tolist()[:4] == ["title and photo", "title only", "title only", "title only"]
    assert "damaged" in scored["reason"][1] and "There is no file" in scored["reason"][2]
    assert scored["reason"][3] == "" and scored["reason"][4].startswith("the title is empty")
    assert scored["decision"][4] == "review" and pd.isna(scored["suggestion_1"][4])
