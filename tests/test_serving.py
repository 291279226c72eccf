"""workshop_utils.serving, notebook 06's categorizer put to work: on a user's own files, settings and
models nothing is ever lost, a bad row gets a reason, a bad file or setting one sentence (a
WorkshopError), never a raw traceback; then the demo app, its answers and the app in a real browser."""
from __future__ import annotations

import errno
import io
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workshop_utils import files, serving
from workshop_utils.errors import CorruptDataError, SettingError, StorageError, WorkshopError

# Gradio must never phone home from a test (usage statistics, version check); serving imports it
# only in demo_app.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

CLASSES = ["Jeans", "Shirts", "Tshirts", "Watches"]
SUB = {"Jeans": "Bottomwear", "Shirts": "Topwear", "Tshirts": "Topwear", "Watches": "Watches"}
MASTER = {"Bottomwear": "Apparel", "Topwear": "Apparel", "Watches": "Accessories"}
TITLES = ["Levis Men Blue Jeans", "Spykar Women Black Jeans", "Arrow Men White Shirt", "Van Heusen Men Shirt",
          "Nike Men Blue Tshirt", "Puma Women Tshirt", "Titan Men Watch", "Fastrack Women Gold Watch"]


@pytest.fixture(scope="module")
def text_model():
    import keras

    from workshop_utils import models

    keras.utils.set_random_seed(0)
    model = models.build_text_model(TITLES * 4, len(CLASSES))
    model.fit(models.string_tensor(TITLES * 4), np.tile(np.repeat([0, 1, 2, 3], 2), 4), epochs=40, verbose=0)
    return model


@pytest.fixture(scope="module")
def categorizer(text_model):
    return serving.Categorizer(text_model, CLASSES, threshold=0.7, sub_category_of=SUB, master_category_of=MASTER)


@pytest.fixture(scope="module")
def photo_categorizer(text_model):
    from workshop_utils import models

    fusion = models.build_fusion_model(text_model, models.build_image_model(len(CLASSES), seed=0))
    return serving.Categorizer(fusion, CLASSES, threshold=0.7)


def score(categorizer, folder, source, **options):
    """score_csv into folder/out.csv and folder/review.csv; the outputs as tables."""
    summary = serving.score_csv(categorizer, source, folder / "out.csv", folder / "review.csv", progress=False,
                                **options)
    return summary, pd.read_csv(folder / "out.csv", keep_default_na=False)


def snapshot(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


# ---------------------------------------------------------------- nothing is lost
@pytest.mark.parametrize("suggestions, review", [("listings.csv", "review.csv"), ("out.csv", "listings.csv"),
                                                 ("out.csv", "out.csv"), ("./listings.csv", "review.csv"),
                                                 ("link.csv", "review.csv"), ("photo.jpg", "review.csv")])
def test_an_output_never_replaces_an_input_or_the_other_output(categorizer, tmp_path, suggestions, review):
    (tmp_path / "photo.jpg").write_bytes(b"a photo")
    source = tmp_path / "listings.csv"
    source.write_text("title,photo\nLevis Men Blue Jeans,photo.jpg\n")
    (tmp_path / "link.csv").symlink_to(source)
    before = snapshot(tmp_path)
    with pytest.raises(StorageError, match="would replace"):  # even when told to replace existing files
        serving.score_csv(categorizer, source, tmp_path / suggestions, tmp_path / review, progress=False,
                          overwrite=True)
    assert snapshot(tmp_path) == before


def test_an_existing_file_is_replaced_only_if_it_is_an_earlier_output_or_the_call_says_so(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    source.write_text("title\nLevis Men Blue Jeans\n")
    score(categorizer, tmp_path, source)
    score(categorizer, tmp_path, source)  # a cell run again replaces its own outputs
    (tmp_path / "out.csv").write_text("my own notes\n")
    with pytest.raises(StorageError, match="overwrite=True"):
        score(categorizer, tmp_path, source)
    assert (tmp_path / "out.csv").read_text() == "my own notes\n"
    assert score(categorizer, tmp_path, source, overwrite=True)[1]["suggestion_1"].tolist() == ["Jeans"]


@pytest.mark.parametrize("where", ["no/such/folder/out.csv", "a-folder", "a-file.txt/out.csv"])
def test_an_output_that_cannot_be_written_is_refused_before_scoring(categorizer, tmp_path, where):
    source = tmp_path / "listings.csv"
    source.write_text("title\nLevis Men Blue Jeans\n")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file.txt").write_text("notes")
    with pytest.raises(StorageError):
        serving.score_csv(categorizer, source, tmp_path / where, tmp_path / "review.csv", progress=False)
    assert not (tmp_path / "review.csv").exists()


def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("the old file\n")

    def disk_full(part):
        part.write_text("half a fi")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StorageError, match="full"):
        files.write_files({out: disk_full})
    assert out.read_text() == "the old file\n" and [path.name for path in tmp_path.iterdir()] == ["out.csv"]


# ---------------------------------------------------------------- input as people have it
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1"])
def test_a_csv_in_any_usual_encoding_is_read(categorizer, tmp_path, encoding):
    source = tmp_path / "listings.csv"
    source.write_bytes("title,photo\r\nCafé Levis Men Blue Jeans,\r\nTitan Men Watch,\r\n".encode(encoding))
    summary, out = score(categorizer, tmp_path, source)
    assert out["title"].tolist() == ["Café Levis Men Blue Jeans", "Titan Men Watch"]
    assert out["suggestion_1"].tolist() == ["Jeans", "Watches"] and summary["listings"] == 2


@pytest.mark.parametrize("first_line", ["title;photo", "Title\tPhoto", " TITLE |photo"])
def test_excel_separators_and_header_spelling(categorizer, tmp_path, first_line):
    separator = next(mark for mark in serving.SEPARATORS if mark in first_line)
    source = tmp_path / "listings.csv"
    source.write_text(f"{first_line}\nTitan Men Watch{separator}\n")
    assert score(categorizer, tmp_path, source)[1]["suggestion_1"].tolist() == ["Watches"]


@pytest.mark.parametrize("content", [b"", b"\n\r\n  \n", "\n".encode("utf-16"), b"\xef\xbb\xbf"])
def test_an_empty_file_is_one_sentence(categorizer, tmp_path, content):
    source = tmp_path / "listings.csv"
    source.write_bytes(content)
    with pytest.raises(CorruptDataError, match="is empty"):
        score(categorizer, tmp_path, source)
    assert not (tmp_path / "out.csv").exists()


def test_a_header_without_rows_writes_empty_outputs(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    source.write_text("title,photo\n")
    summary, out = score(categorizer, tmp_path, source)
    assert summary["listings"] == 0 and len(out) == 0 and "suggestion_1" in out


@pytest.mark.parametrize("content, words", [(b"PK\x03\x04\x14\x00\x06\x00", "Excel"),
                                            (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
                                            (b"ti\x00tle\x00\x01\x02\x03\x00\x00\x00\x00\x00", "binary")])
def test_a_binary_file_is_one_sentence(categorizer, tmp_path, content, words):
    source = tmp_path / "listings.csv"
    source.write_bytes(content)
    with pytest.raises(CorruptDataError, match=words):
        score(categorizer, tmp_path, source)


def test_a_missing_or_folder_source_and_a_wrong_encoding_are_one_sentence(categorizer, tmp_path):
    with pytest.raises(WorkshopError, match="There is no file"):
        score(categorizer, tmp_path, tmp_path / "nowhere.csv")
    with pytest.raises(WorkshopError, match="is a folder"):
        score(categorizer, tmp_path, tmp_path)
    source = tmp_path / "listings.csv"
    source.write_bytes("title\nCafé\n".encode("cp1252"))
    with pytest.raises(CorruptDataError, match="cannot be read as utf-8"):
        score(categorizer, tmp_path, source, encoding="utf-8")
    with pytest.raises(SettingError, match="not an encoding"):
        score(categorizer, tmp_path, source, encoding="excel")


def test_a_row_with_too_many_cells_gets_a_reason_and_the_others_are_scored(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    source.write_text('title,photo\nLevis Men, Blue Jeans,\n"Titan Men, Watch",\n\nPuma Women Tshirt\n')
    summary, out = score(categorizer, tmp_path, source)
    assert out["row"].tolist() == [0, 1, 2] and summary["listings"] == 3
    assert "3 cells where the header has 2" in out["reason"][0] and out["decision"][0] == "review"
    assert out["suggestion_1"].tolist() == ["", "Watches", "Tshirts"]


def test_a_quote_that_never_closes_names_its_line(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    source.write_text('title\nLevis Men Blue Jeans\n"Titan Men Watch\nPuma Tshirt\n')
    with pytest.raises(CorruptDataError, match="line 4"):
        score(categorizer, tmp_path, source)


def test_odd_photo_cells_each_get_a_reason_and_the_batch_goes_on(photo_categorizer, tmp_path):
    from PIL import Image

    (tmp_path / "photos").mkdir()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(tmp_path / "photos" / "good.jpg", format="JPEG")
    data_url = "data:image/jpeg;base64," + "QUJD" * 50_000  # longer than the csv module's field limit
    cells = [data_url, "https://example.com/photo.jpg", "photos", "x" * 5000 + ".jpg", "photos/good.jpg"]
    source = tmp_path / "listings.csv"
    pd.DataFrame({"title": ["Titan Men Watch"] * len(cells), "photo": cells}).to_csv(source, index=False)
    summary, out = score(photo_categorizer, tmp_path, source)
    assert summary["listings"] == len(cells) and out["suggestion_1"].map(bool).all()
    reasons = out["reason"].tolist()
    assert "data: URL" in reasons[0] and "web address" in reasons[1] and all(reasons[2:4])
    assert all(len(reason) < 300 for reason in reasons)
    # A relative path is found next to the CSV, wherever the notebook runs.
    assert out["read_from"].tolist() == ["title only"] * 4 + ["title and photo"] and reasons[4] == ""


def test_a_photo_path_with_a_nul_a_folder_or_a_huge_file_is_a_reason(photo_categorizer, tmp_path):
    huge = tmp_path / "film.jpg"
    with open(huge, "wb") as handle:
        handle.truncate(serving.MAX_PHOTO_BYTES + 1)  # sparse: no disk used
    listings = pd.DataFrame({"title": ["Titan Men Watch"] * 4,
                             "photo": ["a\x00b.jpg", str(tmp_path), b"\x00\x01", str(huge)]})
    scored = photo_categorizer.score(listings, progress=False)
    assert (scored["read_from"] == "title only").all() and scored["reason"].map(bool).all()
    assert "over 50 MB" in scored["reason"][3]


def test_a_pipe_given_as_the_csv_is_refused_not_waited_on(categorizer, tmp_path):
    os.mkfifo(tmp_path / "listings.csv")
    with pytest.raises(WorkshopError, match="not a regular file"):
        score(categorizer, tmp_path, tmp_path / "listings.csv")


# ---------------------------------------------------------------- titles as browsers and files send them
@pytest.mark.parametrize("title", ["Titan Men Watch \ud83d", "\ude00Titan Men Watch", b"Titan Men Watch",
                                   b"Titan Men Watch \xff"])
def test_a_broken_character_in_a_title_is_left_out(categorizer, title):
    suggestions, verdict = serving.demo_answer(categorizer, title)
    assert list(suggestions)[0] == "Watches" and "Sent to review" not in verdict


def test_a_title_of_only_half_an_emoji_is_empty(categorizer):
    suggestions, verdict = serving.demo_answer(categorizer, "\ud83d")
    assert suggestions == {} and "the title is empty" in verdict


# ---------------------------------------------------------------- settings checked where they enter
BAD_NUMBERS = [0, -1, float("nan"), float("inf"), None, "0.9", True, [0.9]]


@pytest.mark.parametrize("temperature", BAD_NUMBERS)
def test_a_temperature_must_be_a_number_above_zero(categorizer, temperature):
    with pytest.raises(SettingError, match="temperature must be a number above 0"):
        serving.calibrate([[0.7, 0.2, 0.1]], temperature)
    with pytest.raises(SettingError, match="temperature"):
        serving.Categorizer(categorizer.model, CLASSES, temperature=temperature)


@pytest.mark.parametrize("threshold", [value for value in BAD_NUMBERS if value != 0] + [1.5, -0.01, 99])
def test_a_threshold_must_be_a_number_from_0_to_1(categorizer, threshold):
    with pytest.raises(SettingError, match="threshold must be a number from 0 to 1"):
        serving.Categorizer(categorizer.model, CLASSES, threshold=threshold)
    if threshold is not None:  # None: the same threshold with or without a photo
        with pytest.raises(SettingError, match="title_only_threshold"):
            serving.Categorizer(categorizer.model, CLASSES, title_only_threshold=threshold)
    changed = serving.Categorizer(categorizer.model, CLASSES)
    with pytest.raises(SettingError):
        changed.threshold = threshold  # a later change is checked too
    assert changed.threshold == 0.9
    with pytest.raises(SettingError):
        serving.answer_with_hierarchy(np.full((2, 4), 0.25), CLASSES, SUB, MASTER, threshold)


def test_usual_numbers_pass_and_accept_nothing_is_allowed(categorizer):
    accept_nothing = float(np.nextafter(1.0, 2.0))  # notebook 06's choose_threshold when no threshold works
    chosen = serving.Categorizer(categorizer.model, CLASSES, temperature=np.float32(1.3), threshold=accept_nothing,
                                 title_only_threshold=np.float64(0.95))
    assert chosen.temperature == pytest.approx(1.3) and chosen.threshold == accept_nothing
    with pytest.raises(SettingError, match="2 values for 1 rows"):
        serving.answer_with_hierarchy(np.full((1, 4), 0.25), CLASSES, SUB, MASTER, [0.9, 0.9])
    with pytest.raises(SettingError, match="threshold"):
        serving.answer_with_hierarchy(np.full((2, 4), 0.25), CLASSES, SUB, MASTER, [0.9, np.nan])


def test_classes_and_the_tree_must_fit_the_model(categorizer):
    model = categorizer.model
    with pytest.raises(SettingError, match="4 classes but classes names 3"):
        serving.Categorizer(model, CLASSES[:3])
    with pytest.raises(SettingError, match="more than once"):
        serving.Categorizer(model, ["Jeans", "Jeans", "Tshirts", "Watches"])
    with pytest.raises(SettingError, match="classes must be the list"):
        serving.Categorizer(model, "Jeans")
    with pytest.raises(SettingError, match="both"):
        serving.Categorizer(model, CLASSES, sub_category_of=SUB)
    with pytest.raises(SettingError, match="'Watches'"):
        serving.Categorizer(model, CLASSES, sub_category_of=SUB,
                            master_category_of={"Bottomwear": "Apparel", "Topwear": "Apparel"})
    with pytest.raises(SettingError, match="model must be"):
        serving.Categorizer("fusion.keras", CLASSES)


def test_score_checks_its_table_and_batch_size(categorizer):
    with pytest.raises(WorkshopError, match="'title' column"):
        categorizer.score(pd.DataFrame({"name": ["Titan Men Watch"]}), progress=False)
    with pytest.raises(SettingError, match="batch_size"):
        categorizer.score(pd.DataFrame({"title": ["Titan Men Watch"]}), batch_size=0, progress=False)


def test_a_model_with_fewer_classes_than_suggestions(tmp_path):
    import keras

    from workshop_utils import models

    keras.utils.set_random_seed(0)
    model = models.build_text_model(TITLES, 2)
    model.fit(models.string_tensor(TITLES), np.array([0, 0, 0, 0, 1, 1, 1, 1]), epochs=20, verbose=0)
    two = serving.Categorizer(model, ["Clothes", "Other"], threshold=0.5)
    suggestions, _ = serving.demo_answer(two, "Titan Men Watch")
    assert set(suggestions) == {"Clothes", "Other"}
    source = tmp_path / "listings.csv"
    source.write_text("title\nTitan Men Watch\n")
    out = score(two, tmp_path, source)[1]
    assert out["suggestion_3"].tolist() == [""] and out["suggestion_1"].tolist() != [""]


def test_fifty_thousand_rows_through_score_csv_stay_fast(categorizer, tmp_path):
    source = tmp_path / "listings.csv"
    buffer = io.StringIO()
    pd.DataFrame({"title": np.resize(TITLES + ["", "👖 🔥"], 50_000)}).to_csv(buffer, index=False)
    source.write_text(buffer.getvalue())
    summary, out = score(categorizer, tmp_path, source)
    assert summary["listings"] == len(out) == 50_000 and summary["seconds"] < 30
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".partial")]


def test_read_listings_gives_the_columns_a_caller_requires(tmp_path):
    source = tmp_path / "listings.csv"
    source.write_text("Title;Category\nTitan Men Watch;Watches\n")
    listings, problems = serving.read_listings(source, required=("category",))
    assert listings.to_dict("list") == {"title": ["Titan Men Watch"], "photo": [""], "category": ["Watches"]}
    with pytest.raises(WorkshopError, match="no 'seller' column"):
        serving.read_listings(source, required=("seller",))


# ---------------------------------------------------------------- the demo app
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
DEMO_CLASSES = ["Sports Shoes", "Tshirts", "Watches"]
SUB_CATEGORY = {"Sports Shoes": "Shoes", "Tshirts": "Topwear", "Watches": "Watches"}
MASTER_CATEGORY = {"Shoes": "Footwear", "Topwear": "Apparel", "Watches": "Accessories"}
DEMO_TITLES = ["Nike Men Blue Tshirt", "Puma Men Black Tshirt", "Adidas Women Running Shoes", "Nike Men White Shoes",
          "Fastrack Men Black Watch", "Titan Women Gold Watch"]


@pytest.fixture(scope="module")
def demo_categorizer():
    import keras

    from workshop_utils import models

    titles, labels = DEMO_TITLES * 5, np.array([1, 1, 0, 0, 2, 2] * 5)
    keras.utils.set_random_seed(0)
    model = models.build_text_model(titles, len(DEMO_CLASSES))
    model.fit(models.string_tensor(titles), labels, epochs=30, verbose=0)
    return serving.Categorizer(model, DEMO_CLASSES, threshold=0.6, sub_category_of=SUB_CATEGORY,
                               master_category_of=MASTER_CATEGORY)


@pytest.fixture(scope="module")
def demo_fusion_categorizer(demo_categorizer):
    """A fusion model as notebook 05 builds it (an untrained CNN: these listings' photos are
    plain colours), its head fitted on the titles alone."""
    from workshop_utils import models

    image_model = models.build_image_model(len(DEMO_CLASSES), seed=0)
    fusion = models.build_fusion_model(demo_categorizer.model, image_model)
    features = models.listing_features(fusion, DEMO_TITLES * 5, None)
    head = fusion.get_layer(models.FUSION_HEAD)  # inside the fusion model the head is not compiled
    head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    head.fit(features, np.array([1, 1, 0, 0, 2, 2] * 5), epochs=40, verbose=0)
    return serving.Categorizer(fusion, DEMO_CLASSES, threshold=0.6, sub_category_of=SUB_CATEGORY,
                               master_category_of=MASTER_CATEGORY)


def demo_photo(colour=(200, 30, 30)) -> bytes:
    """A one-colour JPEG of the catalogue's size, 80 pixels high and 60 wide."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), colour).save(buffer, format="JPEG")  # Pillow counts width first
    return buffer.getvalue()


def test_demo_answer_gives_the_top_three_and_the_decision(demo_categorizer):
    suggestions, verdict = serving.demo_answer(demo_categorizer, "Titan Women Gold Watch")
    assert list(suggestions)[0] == "Watches"
    assert len(suggestions) == 3 and abs(sum(suggestions.values()) - 1) < 1e-3
    assert list(suggestions.values()) == sorted(suggestions.values(), reverse=True)
    assert verdict.startswith("**Auto-accepted** as Watches")


def test_demo_answer_sends_an_unsure_listing_to_review(demo_categorizer):
    unsure = serving.Categorizer(demo_categorizer.model, DEMO_CLASSES, threshold=0.9999999,
                                 sub_category_of=SUB_CATEGORY, master_category_of=MASTER_CATEGORY)
    suggestions, verdict = serving.demo_answer(unsure, "Nike Men Black")
    assert len(suggestions) == 3 and verdict.startswith("**Sent to review**")


@pytest.mark.parametrize("title, reason", [("", "the title is empty"), (None, "the title is empty"),
                                           ("😀👍", "vocabulary"), ("Красная футболка", "vocabulary")])
def test_demo_answer_explains_a_title_it_cannot_read(demo_categorizer, title, reason):
    suggestions, verdict = serving.demo_answer(demo_categorizer, title)
    assert suggestions == {} and "Sent to review" in verdict and reason in verdict


def test_demo_answer_survives_a_missing_or_damaged_photo(demo_fusion_categorizer, tmp_path):
    assert demo_fusion_categorizer.reads_photos
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(demo_photo()[:200])
    for photo, words in ((str(tmp_path / "missing.jpg"), "There is no file"), (str(damaged), "damaged")):
        suggestions, verdict = serving.demo_answer(demo_fusion_categorizer, "Titan Women Gold Watch", photo)
        assert list(suggestions)[0] == "Watches"
        assert "title only" in verdict and words in verdict


def test_a_good_photo_is_read_with_the_title(demo_fusion_categorizer, tmp_path):
    photo = tmp_path / "watch.jpg"
    photo.write_bytes(demo_photo())
    suggestions, verdict = serving.demo_answer(demo_fusion_categorizer, "Titan Women Gold Watch", str(photo))
    assert len(suggestions) == 3 and "title and photo" in verdict and "Note" not in verdict


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`python3 tasks.py test` installs it)")
def test_the_app_answers_in_a_real_browser(demo_categorizer):
    gradio = pytest.importorskip("gradio")
    playwright = pytest.importorskip("playwright.sync_api")
    app = serving.demo_app(demo_categorizer, examples=DEMO_TITLES[:2])
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
            assert all(name in suggestions for name in DEMO_CLASSES), suggestions
            browser.close()
    finally:
        app.close()
    assert gradio.__version__


# ---------------------------------------------------------------- the parts, each on its own
def test_the_parts_give_what_the_categorizer_gives(categorizer):
    """Cleaning a listing, the model's raw answers and table scoring work without the class too."""
    assert serving.clean_title("  Titan\tMen Watch \n") == ("Titan Men Watch", "")
    assert serving.read_photo("https://example.com/a.jpg")[0] is None
    reader = serving.ModelReader(categorizer.model)
    raw, source = reader.predict(["Titan Men Watch"])
    calibrated, _ = categorizer.probabilities(["Titan Men Watch"])
    assert np.allclose(serving.calibrate(raw, categorizer.temperature), calibrated)
    assert source.tolist() == ["title only"] and not reader.reads_photos
    listings = pd.DataFrame({"title": TITLES})
    pd.testing.assert_frame_equal(serving.score_listings(categorizer, listings, progress=False),
                                  categorizer.score(listings, progress=False))
