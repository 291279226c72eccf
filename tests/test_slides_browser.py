"""Every slide of every deck as the projector shows it: headless Chromium at 1280 x 720.

Each deck is built with --offline (reveal.js and MathJax from the npm registry, so the decks
render with no internet), opened in Chromium, and every slide is visited in turn. A slide
fails when any of its content lies outside the slide, when its title is not at the same
height as on the other slides, when its text is smaller than about 18 px, when a figure's
smallest text renders smaller than that (the figure's own font sizes, scaled to the size the
figure is shown at) or it has no alt text, or when the text of a table's cell, on the slide or
in a figure, comes within a few pixels of the cell's border.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import slides
from tools import ROOT

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
WIDTH, HEIGHT = 1280, 720
SMALLEST_TEXT_PX = 17.5  # "at least about 18 px": readable from the back of a room at 1280 x 720
TABLE_PADDING_PX = 4  # between a table cell's text and its border, as shown
OVERFLOW_TOLERANCE_PX = 1

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("WORKSHOP_DATA_DIR"),
                       reason="building the decks needs the real data (set WORKSHOP_DATA_DIR)"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed and could not be installed "
                                                "(`python3 tasks.py test` installs Debian's chromium with apt-get)"),
    pytest.mark.skipif(shutil.which("npm") is None, reason="the offline build needs npm (Node.js) to fetch reveal.js"),
]

# Run in the page for one slide: what lies outside the slide, where the title is, the smallest
# text, and each figure's smallest text as shown. Sizes are in the slide's own pixels (the
# slide is 1280 x 720 and fills the window, so they are the window's pixels too).
MEASURE = """
async ({number, tolerance, smallest, padding}) => {
  const slide = Reveal.getSlides()[number];
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  // Going to a slide re-renders its formulas (the template's MathJax hook): measure after that.
  await new Promise((done) => (window.MathJax && MathJax.Hub) ? MathJax.Hub.Queue(() => done()) : done());
  const scale = Reveal.getScale();
  const frame = document.querySelector(".reveal .slides").getBoundingClientRect();
  const visible = (element) => {
    if (element.closest("aside.notes, .MJX_Assistive_MathML, .MathJax_Preview")) return false;
    const style = getComputedStyle(element);
    return style.display !== "none" && style.visibility !== "hidden";
  };
  const describe = (element) =>
    element.tagName.toLowerCase() + ': "' + (element.innerText || element.alt || "").trim().slice(0, 60) + '"';
  const outside = [];
  const small = [];
  for (const element of slide.querySelectorAll("*")) {
    if (!visible(element)) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const beyond = Math.max(frame.top - box.top, box.bottom - frame.bottom,
                            frame.left - box.left, box.right - frame.right) / scale;
    if (beyond > tolerance) outside.push({element: describe(element), px: Math.round(beyond)});
    const ownText = Array.from(element.childNodes).some((node) => node.nodeType === 3 && node.textContent.trim());
    if (ownText && !element.closest(".MathJax, .MathJax_CHTML, mjx-container")) {
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < smallest) small.push({element: describe(element), px: Math.round(size * 10) / 10});
    }
  }
  // A table cell's text and its border: the gap on the nearest side (the border counts as gap).
  const cramped = [];
  for (const cell of slide.querySelectorAll("td, th")) {
    if (!visible(cell) || !cell.innerText.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const text = range.getBoundingClientRect(), box = cell.getBoundingClientRect();
    const gap = Math.min(text.left - box.left, box.right - text.right, text.top - box.top,
                         box.bottom - text.bottom) / scale;
    if (gap < padding) cramped.push({element: describe(cell), px: Math.round(gap * 10) / 10});
  }
  const title = slide.querySelector("h1, h2");
  const figures = Array.from(slide.querySelectorAll(".jp-OutputArea-output img")).map((image) => {
    // Drawn "contained" in its box: the scale is the tighter of width and height.
    const box = image.getBoundingClientRect();
    const width = parseFloat(image.getAttribute("width")) || image.naturalWidth;
    const height = parseFloat(image.getAttribute("height")) || image.naturalHeight;
    const shown = Math.min(box.width / width, box.height / height) / scale;
    const textPx = parseFloat(image.dataset.smallestTextPx);
    const paddingPx = parseFloat(image.dataset.tablePaddingPx);  // only figures that draw a table
    return {alt: image.getAttribute("alt") || "", shownScale: shown,
            smallestTextPx: isNaN(textPx) ? null : Math.round(textPx * shown * 10) / 10,
            tablePaddingPx: isNaN(paddingPx) ? null : Math.round(paddingPx * shown * 10) / 10};
  });
  return {number: number + 1, title: title ? title.innerText.trim() : "",
          titleTop: title ? Math.round((title.getBoundingClientRect().top - frame.top) / scale) : null,
          outside: outside, small: small, cramped: cramped, figures: figures};
}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every deck, built as an instructor does before the day: the command line, with --offline."""
    out = tmp_path_factory.mktemp("slides-offline")
    finished = subprocess.run([sys.executable, "-m", "tools", "slides", "--out", str(out), "--offline"],
                              capture_output=True, text=True, cwd=ROOT, timeout=1500)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return {path.stem: out / f"{path.stem}.slides.html" for path in slides.deck_sources()}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        yield chromium
        chromium.close()


def measure_deck(browser, html: Path) -> list[dict]:
    """Open a deck and measure every slide (see MEASURE)."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(html.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        # Formulas change the layout: wait until MathJax has typeset them all.
        page.evaluate("""() => new Promise((done) => {
            if (!(window.MathJax && MathJax.Hub)) { done(); return; }
            MathJax.Hub.Queue(() => done());
        })""")
        limits = {"tolerance": OVERFLOW_TOLERANCE_PX, "smallest": SMALLEST_TEXT_PX, "padding": TABLE_PADDING_PX}
        return [page.evaluate(MEASURE, {"number": number, **limits})
                for number in range(page.evaluate("Reveal.getSlides().length"))]
    finally:
        page.close()


@pytest.fixture(scope="module")
def measured(built, browser):
    return {name: measure_deck(browser, html) for name, html in built.items()}


def deck_names():
    return [path.stem for path in slides.deck_sources()]


def test_offline_decks_need_no_internet_and_typeset_their_formulas(built, browser):
    html = built["00_concepts"].read_text()
    assert "unpkg.com" not in html and "cdnjs" not in html, "an offline deck must not load from the internet"
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.route("http*://**", lambda route: route.abort())  # no network at all, as on the day
        page.goto(built["00_concepts"].as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        page.evaluate("() => new Promise((done) => MathJax.Hub.Queue(() => done()))")
        softmax = page.evaluate("""() => Reveal.getSlides().findIndex(
            (slide) => (slide.querySelector("h2") || {}).textContent?.startsWith("Softmax"))""")
        assert softmax >= 0
        page.evaluate("""(n) => new Promise((done) => {
            const where = Reveal.getIndices(Reveal.getSlides()[n]);
            Reveal.slide(where.h, where.v);
            MathJax.Hub.Queue(() => done());
        })""", softmax)
        assert page.evaluate("() => Reveal.getCurrentSlide().querySelectorAll('.MathJax_CHTML').length") >= 1, \
            "MathJax did not typeset the softmax formula"
    finally:
        page.close()


@pytest.mark.parametrize("name", deck_names())
def test_every_slide_fits_the_projector(measured, name):
    problems = [f"slide {slide['number']} ({slide['title']!r}): {item['element']} lies {item['px']} px outside"
                for slide in measured[name] for item in slide["outside"][:3]]
    assert not problems, f"{name}: content outside the slide (1280 x 720):\n" + "\n".join(problems)


@pytest.mark.parametrize("name", deck_names())
def test_titles_are_at_the_same_height_on_every_slide(measured, name):
    tops = {slide["number"]: slide["titleTop"] for slide in measured[name] if slide["titleTop"] is not None}
    assert len(tops) >= len(measured[name]) - 1, f"{name}: slides without a title"
    first = measured[name][0]["number"]
    usual = max(set(tops.values()), key=list(tops.values()).count)
    moved = {number: top for number, top in tops.items() if number != first and abs(top - usual) > 2}
    assert not moved, f"{name}: titles at {usual} px from the top, but at {moved} on these slides"


@pytest.mark.parametrize("name", deck_names())
def test_text_is_readable_from_the_back(measured, name):
    small = [f"slide {slide['number']}: {item['element']} at {item['px']} px"
             for slide in measured[name] for item in slide["small"][:3]]
    assert not small, f"{name}: text under {SMALLEST_TEXT_PX} px:\n" + "\n".join(small)


@pytest.mark.parametrize("name", deck_names())
def test_figure_text_is_readable_and_figures_have_alt_text(measured, name):
    figures = [(slide["number"], figure) for slide in measured[name] for figure in slide["figures"]]
    assert figures, f"{name} shows no figure"
    unknown = [number for number, figure in figures if figure["smallestTextPx"] is None]
    assert not unknown, f"{name}: figures on slides {unknown} carry no text size (not drawn under figure_style()?)"
    small = [f"slide {number}: {figure['smallestTextPx']} px ({figure['alt'][:50]!r})"
             for number, figure in figures if figure["smallestTextPx"] < SMALLEST_TEXT_PX]
    assert not small, f"{name}: figure text under {SMALLEST_TEXT_PX} px as shown:\n" + "\n".join(small)
    no_alt = [number for number, figure in figures if len(figure["alt"]) < 10]
    assert not no_alt, f"{name}: figures without alt text on slides {no_alt}"


@pytest.mark.parametrize("name", deck_names())
def test_table_text_keeps_clear_of_its_cell_borders(measured, name):
    cramped = [f"slide {slide['number']}: {item['element']} {item['px']} px from its border"
               for slide in measured[name] for item in slide["cramped"][:3]]
    cramped += [f"slide {slide['number']}: a table in {figure['alt'][:50]!r}, {figure['tablePaddingPx']} px"
                for slide in measured[name] for figure in slide["figures"]
                if figure["tablePaddingPx"] is not None and figure["tablePaddingPx"] < TABLE_PADDING_PX]
    assert not cramped, f"{name}: table text within {TABLE_PADDING_PX} px of its cell's border:\n" + "\n".join(cramped)


def test_the_measurement_sees_an_overflow_and_a_cramped_cell(browser, tmp_path):
    """The check itself: a slide whose text runs past the bottom is caught, by about the right
    amount, and so is a table cell with no padding."""
    out = tmp_path / "out"
    out.mkdir()
    slides.vendor(out, say=lambda message: None)  # reuses nothing: a fresh folder; npm caches the download
    import nbformat

    notebook = nbformat.v4.new_notebook()
    cramped = '<table><tr><td style="padding: 0">no room</td><td>room</td></tr></table>'
    notebook.cells = [nbformat.v4.new_markdown_cell("## A title\n\n" + "\n\n".join(["A line of text."] * 30),
                                                    metadata={"slideshow": {"slide_type": "slide"}}),
                      nbformat.v4.new_markdown_cell(f"## A table\n\n{cramped}",
                                                    metadata={"slideshow": {"slide_type": "slide"}})]
    body, _ = slides.exporter(slides.vendored_urls()).from_notebook_node(
        notebook, resources={"metadata": {"name": "overflow"}})
    page = out / "overflow.slides.html"
    page.write_text(body, encoding="utf-8")
    slide, table = measure_deck(browser, page)
    assert slide["outside"] and max(item["px"] for item in slide["outside"]) > 500
    assert [item["element"] for item in table["cramped"]] == ['td: "no room"']  # and the padded cell passes
