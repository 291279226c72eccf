"""Building the slide decks: slides/*.ipynb -> reveal.js HTML, every figure drawn afresh.

A deck is a notebook with slide metadata (View > Cell Toolbar > Slideshow in the classic
notebook, the property inspector in JupyterLab). The build runs each deck in a fresh
kernel, so every figure comes from the workshop's data or maths as they are today, then
exports it with nbconvert's reveal.js template, code hidden.

reveal.js and MathJax are not in the repository. By default the HTML loads them from
public CDNs: the decks open from disk but need internet to show. With `offline=True` the
build installs them from the npm registry into OUT/_vendor and points the decks there:
the whole OUT folder then presents with no network (copy it to a USB stick as it is).
The template (slides/_template) loads reveal.js with plain script tags, so neither
require.js nor jQuery is needed.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workshop_utils.environment import environment_variables
from workshop_utils.errors import WorkshopError

from . import ROOT, course, kernel_path

SLIDES_DIR = ROOT / "slides"
TEMPLATE_DIR = SLIDES_DIR / "_template"
TEMPLATE_NAME = "workshop"
VENDOR = "_vendor"

# What an offline build installs from the npm registry: version, and a file that must be
# there. reveal.js stays at the version nbconvert's template is written for; nbconvert's
# MathJax configuration is for MathJax 2.
NPM_PACKAGES = {
    "reveal.js": ("4.0.2", "dist/reveal.js"),
    "mathjax": ("2", "MathJax.js"),
}
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"


class SlidesError(WorkshopError):
    """A deck could not be built."""


@dataclass
class Deck:
    """One built deck: where it came from, where it went, and what it holds."""

    name: str
    source: Path
    html: Path
    title: str
    slides: int
    figures: int
    notes: int
    seconds: float


# ---------------------------------------------------------------- the look of the figures
# 14 pt at 100 dpi is 19.4 px when a figure is shown at its own size on a 1280 x 720 slide.
FONT_PT = 14


def figure_style() -> None:
    """One look for every figure in the decks: large text, no clutter, crisp on a projector.
    Each figure shown also carries alt text and the size of its smallest text (see describe)."""
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    from workshop_utils.plots import OKABE_ITO  # colour-blind-safe, in the order the decks use them

    plt.rcParams.update({
        "figure.figsize": (10, 4.6), "figure.dpi": 100, "savefig.dpi": 100,
        "font.size": FONT_PT, "axes.titlesize": FONT_PT + 2, "axes.labelsize": FONT_PT,
        "xtick.labelsize": FONT_PT, "ytick.labelsize": FONT_PT, "legend.fontsize": FONT_PT,
        "figure.titlesize": FONT_PT + 2,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.prop_cycle": plt.cycler(color=OKABE_ITO),
        "figure.constrained_layout.use": True,
    })
    shell = get_ipython()
    if shell is None:
        return
    shell.run_line_magic("matplotlib", "inline")
    shell.run_line_magic("config", "InlineBackend.figure_formats = ['retina']")
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    draw = png.lookup_by_type(Figure)
    png.for_type(Figure, lambda figure: described(figure, draw))


def described(figure, draw):
    """The PNG of a figure (from `draw`), its metadata extended by describe(figure)."""
    pad_tables(figure)
    drawn = draw(figure)
    data, metadata = drawn if isinstance(drawn, tuple) else (drawn, {})
    return data, {**(metadata or {}), **describe(figure)}


TABLE_PADDING_PX = 8  # between a table cell's text and its border, at the figure's own size


def pad_tables(figure, padding: float = TABLE_PADDING_PX) -> None:
    """Keep `padding` between the text of a figure's tables (matplotlib's ax.table) and the cells'
    borders: a column too narrow for its text takes room from columns with some to spare, a table
    that needs more than its axes' width widens the figure, and text sits `padding` from its border
    (matplotlib's default, a tenth of the cell's width, leaves wide columns with a wide indent).
    Row heights stay the deck's (table.scale): they depend on the font, not on the data."""
    tables = [(axes, table) for axes in figure.axes for table in axes.tables]
    for _ in range(3):  # a wider figure is laid out again: measure again
        figure.canvas.draw()  # the layout gives each axes its final width
        renderer = figure.canvas.get_renderer()
        widened = False
        for axes, table in tables:
            axes_px = axes.get_window_extent(renderer).width
            total = widen_columns(table, renderer, axes_px, padding)
            widened |= total is not None
            if total is not None and total > 1:
                for cell in table.get_celld().values():
                    cell.set_width(cell.get_width() / total)
                figure.set_figwidth(figure.get_figwidth() + (total - 1) * axes_px / figure.dpi)
        if not widened:
            break
    for axes, table in tables:
        axes_px = axes.get_window_extent(figure.canvas.get_renderer()).width
        for cell in table.get_celld().values():
            cell.PAD = padding / max(cell.get_width() * axes_px, 1)


def widen_columns(table, renderer, axes_px: float, padding: float) -> float | None:
    """One pass of pad_tables on one table (column widths are fractions of the axes' width): the
    table's new width, or None when every column was wide enough."""
    cells = table.get_celld()
    width, need = {}, {}
    for (_, column), cell in cells.items():
        width[column] = cell.get_width()
        if cell.get_text().get_text().strip():
            required = (cell.get_text().get_window_extent(renderer).width + 2 * padding) / axes_px
            need[column] = max(need.get(column, 0), required)
    short = {column: need[column] - width[column] for column in need if need[column] > width[column] + 1e-9}
    if not short:
        return None
    spare = {column: width[column] - need.get(column, 0) for column in width if column not in short}
    spare = {column: room for column, room in spare.items() if room > 0}
    taken = min(1.0, sum(short.values()) / sum(spare.values())) if spare else 0.0
    new = {column: need[column] if column in short else width[column] - spare.get(column, 0) * taken
           for column in width}
    for (_, column), cell in cells.items():
        cell.set_width(new[column])
    return sum(new.values())


def table_padding(figure) -> float | None:
    """The smallest gap, in pixels at the figure's own size, between a table cell's text and its
    border (None without a table)."""
    if not any(axes.tables for axes in figure.axes):
        return None
    figure.canvas.draw()  # places the cells' text at this size (the PNG was drawn at twice it)
    renderer = figure.canvas.get_renderer()
    gaps = []
    for cell in (cell for axes in figure.axes for table in axes.tables for cell in table.get_celld().values()):
        if cell.get_visible() and cell.get_text().get_text().strip():
            inner, outer = cell.get_text().get_window_extent(renderer), cell.get_window_extent(renderer)
            gaps.append(min(inner.x0 - outer.x0, outer.x1 - inner.x1, inner.y0 - outer.y0, outer.y1 - inner.y1))
    return min(gaps, default=None)


def visible_texts(figure) -> list:
    """The text a figure draws: titles, labels, tick labels, legends, annotations."""
    texts = list(figure.texts) + [text for legend in figure.legends for text in legend.get_texts()]
    for axes in figure.axes:
        if not axes.get_visible():
            continue
        texts += [axes.title, axes._left_title, axes._right_title, *axes.texts]
        texts += [cell.get_text() for table in axes.tables for cell in table.get_celld().values()]
        if axes.get_legend() is not None:
            texts += axes.get_legend().get_texts()
        if axes.axison:
            for axis in (axes.xaxis, axes.yaxis):
                if axis.get_visible():
                    texts += [axis.label, *axis.get_ticklabels(), *axis.get_ticklabels(minor=True)]
    return [text for text in texts if text.get_visible() and text.get_text().strip()]


def describe(figure) -> dict:
    """Alt text (the figure's titles and labels, or its words), the size of its smallest text and
    the padding of its tables' cells, in pixels when the figure is shown at its own size."""
    texts = visible_texts(figure)
    smallest = min((text.get_fontsize() for text in texts), default=None)
    headings = [text.get_text() for axes in figure.axes for text in (axes.title, axes.xaxis.label, axes.yaxis.label)
                if text in texts]
    own = [text.get_text() for text in figure.texts if text in texts]  # suptitle and figure text
    words = own + headings or [text.get_text() for text in texts]
    unique = list(dict.fromkeys(" ".join(word.split()) for word in words))
    alt = "Figure: " + "; ".join(unique) if unique else "Figure"
    result = {"alt": alt if len(alt) <= 400 else alt[:397] + "..."}
    if smallest is not None:
        result["smallest_text_px"] = round(smallest * figure.dpi / 72, 1)
    padding = table_padding(figure)
    if padding is not None:
        result["table_padding_px"] = round(padding, 1)
    return result


# ---------------------------------------------------------------- finding the decks
def deck_sources(names: Iterable[str] | None = None, folder: Path | None = None) -> list[Path]:
    """The deck notebooks in teaching order, as the course manifest (tools/course.py) lists them; `names`
    picks some by name or number prefix."""
    folder = Path(folder) if folder is not None else SLIDES_DIR
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise SlidesError(f"No slide sources (NN_name.ipynb) in {folder}: run this from a clone of the "
                          "workshop's repository, which holds them in slides/.")
    listed = course.decks()
    stray = [path.name for path in found if path.stem not in listed]
    missing = [f"{name}.ipynb" for name in listed if not (folder / f"{name}.ipynb").exists()]
    if stray or missing:
        said = ([f"{', '.join(stray)} in {folder.name}/ is no deck of tools/course.py (a notebook's deck, or "
                 "CONCEPT_DECKS)"] if stray else []) + (
                [f"tools/course.py names the deck {', '.join(missing)}, which {folder.name}/ does not hold"]
                if missing else [])
        raise SlidesError("; ".join(said) + ": the decks are the course manifest's, one file each.")
    every = [folder / f"{name}.ipynb" for name in listed]
    names = list(names or [])
    if not names:
        return every
    chosen = [path for path in every if any(path.stem == n or path.stem.startswith(n) for n in names)]
    unknown = [n for n in names if not any(p.stem == n or p.stem.startswith(n) for p in every)]
    if unknown:
        raise SlidesError(f"No deck called {', '.join(unknown)}; the decks are "
                          f"{', '.join(p.stem for p in every)}.")
    return chosen


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def count_slides(notebook) -> int:
    """Slides as reveal.js shows them: the first visible cell, then each slide or subslide."""
    visible = [slide_type(cell) for cell in notebook.cells if slide_type(cell) not in ("skip", "notes")]
    return (1 if visible else 0) + sum(kind in ("slide", "subslide") for kind in visible[1:])


# ---------------------------------------------------------------- reveal.js and MathJax
def vendored_urls() -> dict[str, str]:
    """The exporter's options that point a deck in OUT at the copies in OUT/_vendor."""
    base = f"{VENDOR}/node_modules"
    return {
        "reveal_url_prefix": f"{base}/reveal.js",
        "mathjax_url": f"{base}/mathjax/{NPM_PACKAGES['mathjax'][1]}{MATHJAX_CONFIG}",
    }


def installed_version(folder: Path, package: str) -> str | None:
    manifest = folder / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text()).get("version")


def vendor_is_complete(folder: Path) -> bool:
    for package, (wanted, entry) in NPM_PACKAGES.items():
        version = installed_version(folder, package)
        if version is None or not (folder / "node_modules" / package / entry).exists():
            return False
        if not (version == wanted or version.startswith(wanted + ".")):
            return False
    return True


def vendor(out: Path, say: Callable[[str], None] = print) -> Path:
    """Install reveal.js and MathJax from the npm registry into out/_vendor (kept when
    already there, so a later rebuild needs no network)."""
    folder = Path(out) / VENDOR
    if vendor_is_complete(folder):
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError("--offline needs npm (Node.js) to fetch reveal.js and MathJax from the npm "
                          "registry, and npm is not installed: install Node.js (e.g. `apt-get install npm`) "
                          "or build without --offline.")
    specs = [f"{package}@{version}" for package, (version, _) in NPM_PACKAGES.items()]
    folder.mkdir(parents=True, exist_ok=True)
    say(f"Installing {', '.join(specs)} from the npm registry into {folder} ...")
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--no-save",
               "--no-package-lock", "--loglevel=error", "--fetch-retries=1", *specs]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        raise SlidesError("npm did not finish within 15 minutes; check the connection to the npm registry "
                          "or build without --offline.") from None
    if finished.returncode != 0 or not vendor_is_complete(folder):
        said = [line for line in (finished.stderr + finished.stdout).splitlines() if line.strip()]
        reason = said[-1].strip() if said else f"exit code {finished.returncode}"
        raise SlidesError(f"npm could not install the presentation libraries ({reason}); check the "
                          "connection to the npm registry, or build without --offline.")
    # MathJax ships a second, unminified copy of itself: not needed to present.
    shutil.rmtree(folder / "node_modules" / "mathjax" / "unpacked", ignore_errors=True)
    return folder


# ---------------------------------------------------------------- running and exporting
def execute(notebook, name: str, timeout: int = 300):
    """Run every cell in a fresh kernel of this Python, working directory slides/."""
    import tempfile

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    # ipykernel's debugger otherwise prints a note about frozen modules when the kernel starts.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(SLIDES_DIR)}})
    # The kernel's own chatter (start-up warnings) goes to a file, shown only on failure.
    with tempfile.TemporaryFile("w+") as kernel_log, environment_variables(PYTHONPATH=kernel_path()):
        try:
            client.execute(stderr=kernel_log)
        except CellExecutionError as error:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # the traceback's colours
            said = [line.strip() for line in plain.splitlines() if line.strip()]
            reason = said[-1] if said else type(error).__name__
        except DeadKernelError:
            kernel_log.seek(0)
            said = [line.strip() for line in kernel_log.read().splitlines() if line.strip()]
            reason = "the kernel died" + (f": {said[-1]}" if said else "")
        else:
            return notebook
    raise SlidesError(f"The deck {name} failed while drawing its figures ({reason}); "
                      f"fix the cell in slides/{name}.ipynb and build again.")


def exporter(urls: dict[str, str]):
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    settings = Config()
    settings.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    settings.SlidesExporter.template_name = TEMPLATE_NAME
    settings.SlidesExporter.exclude_input = True
    settings.SlidesExporter.exclude_input_prompt = True
    settings.SlidesExporter.exclude_output_prompt = True
    settings.SlidesExporter.reveal_theme = "white"
    settings.SlidesExporter.reveal_transition = "none"
    settings.SlidesExporter.reveal_number = "c/t"
    settings.SlidesExporter.reveal_width = "1280"  # 16:9: a projector shows no side bars
    settings.SlidesExporter.reveal_height = "720"
    for option, value in urls.items():
        setattr(settings.SlidesExporter, option, value)
    return SlidesExporter(config=settings)


def title_figures(notebook) -> None:
    """Start each figure's alt text with its slide's title, so a screen reader says where it is."""
    title = ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and slide_type(cell) in ("slide", "subslide"):
            heading = re.search(r"^#{1,3} +(.+)$", cell.source, re.M)
            title = heading.group(1).strip() if heading else ""
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            meta = output.get("metadata", {}).get("image/png")
            if "image/png" in output.get("data", {}) and meta is not None and title:
                stop = "" if title[-1] in ".?!:" else "."
                meta["alt"] = f"{title}{stop} {meta.get('alt', 'Figure')}"


def build_deck(source: Path, out: Path, urls: dict[str, str]) -> Deck:
    import nbformat

    started = time.perf_counter()
    notebook = nbformat.read(source, as_version=4)
    execute(notebook, source.stem)
    title_figures(notebook)
    body, _ = exporter(urls).from_notebook_node(notebook, resources={"metadata": {"name": source.stem}})
    target = out / f"{source.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    figures = sum(1 for cell in notebook.cells if cell.cell_type == "code" and slide_type(cell) != "skip"
                  for output in cell.get("outputs", []) if "image/png" in output.get("data", {}))
    return Deck(name=source.stem, source=source, html=target,
                title=notebook.metadata.get("title", source.stem), slides=count_slides(notebook),
                figures=figures, notes=sum(slide_type(cell) == "notes" for cell in notebook.cells),
                seconds=time.perf_counter() - started)


def write_index(out: Path, decks: list[Deck], offline: bool) -> Path:
    """out/index.html: one link per deck, in teaching order."""
    items = "\n".join(f'  <li><a href="{html.escape(deck.html.name)}">{html.escape(deck.title)}</a> '
                      f"<small>({deck.slides} slides)</small></li>" for deck in decks)
    where = ("reveal.js and MathJax are in _vendor/: this folder presents with no network."
             if offline else "reveal.js and MathJax load from public CDNs: presenting needs internet "
             "(build with --offline for a copy that does not).")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Product categorization with deep learning: slides</title>
<style>body {{ font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.6; }}</style>
</head><body>
<h1>Product categorization with deep learning</h1>
<ol>
{items}
</ol>
<p>Keys in a deck: arrows to move, <kbd>S</kbd> speaker notes, <kbd>F</kbd> full screen,
<kbd>Esc</kbd> overview.</p>
<p><small>{html.escape(where)}</small></p>
</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def build(out: str | Path, names: Iterable[str] | None = None, *, offline: bool = False,
          say: Callable[[str], None] = print) -> list[Deck]:
    """Build the decks (all, or those named) into `out`, plus an index.html."""
    from workshop_utils import data

    out = Path(out).expanduser().resolve()
    sources = deck_sources(names)
    out.mkdir(parents=True, exist_ok=True)
    urls = {}  # nbconvert's defaults: public CDNs
    if offline:
        vendor(out, say)
        urls = vendored_urls()
    # Find (or fetch once) the catalogue here, so a missing copy is one clear sentence
    # rather than a traceback from inside a deck.
    data.find_files(progress=True)
    decks = []
    for source in sources:
        deck = build_deck(source, out, urls)
        say(f"  {deck.html.name}: {deck.slides} slides, {deck.figures} figures, "
            f"{deck.notes} speaker notes ({deck.seconds:.1f} s)")
        decks.append(deck)
    write_index(out, decks, offline)
    return decks


# ---------------------------------------------------------------- reading a built deck
def html_summary(text: str) -> dict[str, int]:
    """Counts in a built deck's HTML: slides (innermost <section>s), PNG figures, notes."""
    depth, innermost, opened_inner = 0, 0, False
    for tag in re.finditer(r"<(/?)section\b", text):
        if tag.group(1):
            if opened_inner:
                innermost += 1
            opened_inner = False
            depth -= 1
        else:
            depth += 1
            opened_inner = True
    return {"slides": innermost, "figures": text.count('src="data:image/png;base64,'),
            "notes": text.count('<aside class="notes">')}
