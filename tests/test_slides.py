"""The slide decks: built from slides/*.ipynb with fresh figures, complete, and shown by a real browser."""
from __future__ import annotations

import base64
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import course, slides
from tools import ROOT

SOURCES = sorted((ROOT / "slides").glob("[0-9][0-9]_*.ipynb"))
DECKS = course.decks()  # the course manifest's decks (tools/course.py)

needs_data = pytest.mark.skipif(not os.environ.get("WORKSHOP_DATA_DIR"),
                                reason="building the decks needs the real data (set WORKSHOP_DATA_DIR)")

# What each deck must talk about: words that must appear in its slide titles. A deck of the manifest
# with no entry here is held to EVERY_DECK; an entry for a deck the manifest does not name fails.
EVERY_DECK = ["Take-aways"]
TOPICS = {
    "00_concepts": ["AI, machine learning, deep learning", "Why deep learning now", "Kinds of learning",
                    "A neural network", "Parameters and hyperparameters", "Softmax", "Loss", "Gradient descent",
                    "Train, validation, test", "Underfitting and overfitting", "workflow", "Take-aways"],
    "01_python_numpy_pandas": ["The day", "notebook 00", "Python", "NumPy", "pandas", "Gradient descent",
                               "learning rate", "Take-aways"],
    "02_gather_and_explore": ["long tail", "baselines", "Titles", "Duplicates", "Photos", "Questions",
                              "Take-aways"],
    "03_prepare_text": ["tokenization", "Normalisation", "Bag of words", "n-grams", "TF-IDF", "splits", "Keras",
                        "Take-aways"],
    "04_build_train_evaluate": ["Baselines", "Keras network", "learning curves", "embeddings", "per class",
                                "confusion matrix", "Error analysis", "Predict", "Is the difference real",
                                "Take-aways"],
    "05_image_branch_and_fusion": ["tensors", "Augmentation", "convolution", "CNN", "Text, image, fusion",
                                   "Fusion, two ways", "next", "Take-aways"],
    "06_put_the_model_to_work": ["suggestion box", "Calibration", "Temperature scaling", "review threshold",
                                 "long tail", "One level up", "Score a batch", "demo app", "Take-aways"],
}


def source_counts(path: Path) -> dict[str, int]:
    """What the built deck must hold, read from its source: every visible code cell draws one figure."""
    notebook = nbformat.read(path, as_version=4)
    kinds = [slides.slide_type(cell) for cell in notebook.cells]
    figures = sum(cell.cell_type == "code" and kind not in ("skip", "notes")
                  for cell, kind in zip(notebook.cells, kinds))
    return {"slides": slides.count_slides(notebook), "figures": figures, "notes": kinds.count("notes")}


def slide_titles(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", title).strip() for title in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    decks = slides.build(out, say=lambda message: None)
    return out, {deck.name: deck for deck in decks}


def topics(name: str) -> list[str]:
    return TOPICS.get(name, EVERY_DECK)


def test_the_decks_are_the_manifests_a_concepts_deck_and_one_per_notebook():
    assert [path.stem for path in SOURCES] == DECKS, "slides/ and tools/course.py name different decks"
    assert set(course.CONCEPT_DECKS) <= set(DECKS) and all(course.presented_with(deck) for deck in DECKS
                                                           if deck not in course.CONCEPT_DECKS)
    assert set(TOPICS) <= set(DECKS), f"TOPICS names decks the manifest does not: {set(TOPICS) - set(DECKS)}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_sources_are_clean_notebooks(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        assert "slideshow" in cell.metadata, f"{path.name}: a cell without slide metadata"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} carries outputs"
    assert source_counts(path)["figures"] >= 4, "a deck should explain with figures"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_deck_has_a_title(path):
    """The deck index and the browser tab show it; without one they show the file name."""
    title = nbformat.read(path, as_version=4).metadata.get("title", "").strip()
    assert title and title != path.stem, f"{path.name}: no title (JupyterLab: Notebook metadata, \"title\")"
    number = path.stem[:2]
    assert path.stem in course.CONCEPT_DECKS or title.startswith(f"{number} · "), (
        f"{path.name}: {title!r} does not start with its number")


@needs_data
def test_every_deck_is_built_and_listed(built):
    out, decks = built
    assert sorted(decks) == DECKS
    index = (out / "index.html").read_text()
    for deck in decks.values():
        assert deck.html.exists() and deck.html.name in index
        title = html.escape(nbformat.read(deck.source, as_version=4).metadata["title"])
        assert f">{title}</a>" in index and f"<title>{title} slides</title>" in deck.html.read_text()


@needs_data
@pytest.mark.parametrize("name", DECKS)
def test_deck_has_its_slides_figures_and_notes(built, name):
    _, decks = built
    html = decks[name].html.read_text()
    expected = source_counts(ROOT / "slides" / f"{name}.ipynb")
    assert slides.html_summary(html) == expected
    titles = " | ".join(slide_titles(html)).lower()
    missing = [topic for topic in topics(name) if topic.lower() not in titles]
    assert not missing, f"{name} has no slide about {missing}"
    # Code stays hidden; no warning or error was printed while drawing.
    code_cells = re.findall(r'<div class="jp-Cell jp-CodeCell([^"]*)"', html)
    assert len(code_cells) == expected["figures"] and all("jp-mod-noInput" in c for c in code_cells)
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html


@needs_data
@pytest.mark.parametrize("name", DECKS)
def test_figures_render(built, name):
    from PIL import Image

    _, decks = built
    html = decks[name].html.read_text()
    for number, encoded in enumerate(re.findall(r'src="data:image/png;base64,([^"]+)"', html)):
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            pixels = image.convert("RGB")
            assert pixels.width >= 400 and pixels.height >= 150, f"{name} figure {number} is tiny"
            assert not_blank(pixels), f"{name} figure {number} is blank"


@needs_data
def test_default_build_loads_reveal_and_mathjax_from_a_cdn(built):
    _, decks = built
    html = decks["00_concepts"].html.read_text()
    assert 'src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js"' in html
    assert "mathjax" in html.lower() and "require.js" not in html and "mermaid" not in html


def test_offline_without_npm_is_one_clear_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(slides.shutil, "which", lambda name: None)
    with pytest.raises(slides.SlidesError, match="needs npm"):
        slides.vendor(tmp_path)


def test_an_unknown_deck_is_one_line_and_exit_code_1(tmp_path):
    finished = subprocess.run([sys.executable, "-m", "tools", "slides", "--out", str(tmp_path), "99_nothing"],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert finished.returncode == 1
    assert finished.stderr.strip().count("\n") == 0 and "00_concepts" in finished.stderr


# ---------------------------------------------------------------- figures (the browser test: test_slides_browser.py)
def not_blank(image) -> bool:
    """More than a few colours, and more than 1% of the pixels not white."""
    small = image.convert("RGB").resize((320, 180))
    colours = small.getcolors(maxcolors=320 * 180) or []
    coloured = sum(count for count, (r, g, b) in colours if min(r, g, b) < 235)
    return len(colours) > 20 and coloured > 0.01 * 320 * 180


def test_figure_alt_text_starts_with_its_slide_title():
    notebook = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBO"},
                                    metadata={"image/png": {"alt": "Figure: loss = -log(p)"}})
    notebook.cells = [nbformat.v4.new_markdown_cell("## Loss: how wrong is one prediction?",
                                                    metadata={"slideshow": {"slide_type": "slide"}}),
                      nbformat.v4.new_code_cell("plot()", outputs=[figure])]
    slides.title_figures(notebook)
    assert figure.metadata["image/png"]["alt"] == "Loss: how wrong is one prediction? Figure: loss = -log(p)"


def test_tables_in_figures_keep_their_padding():
    """Text too wide for its column: the build widens the column from one with room to spare, and
    records the padding left (the browser test checks it as shown)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():  # the decks' look, for this test only
        slides.figure_style()
        figure, axes = plt.subplots(figsize=(10, 3))
        axes.set_axis_off()
        rows = [["a title", "auto-accept", "no word of the title is in the model's vocabulary"]]
        table = axes.table(cellText=rows, colWidths=[0.2, 0.1, 0.7], loc="center", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(14)
        table.scale(1, 1.8)  # the rows' height is the deck's to choose; the columns' width depends on the data
        assert slides.table_padding(figure) < 4  # "auto-accept" touches its border
        _, metadata = slides.described(figure, lambda figure: (b"png", {}))
        plt.close(figure)
    assert metadata["table_padding_px"] >= slides.TABLE_PADDING_PX - 0.5
    assert sum(table[0, column].get_width() for column in range(3)) == pytest.approx(1.0)  # same width
