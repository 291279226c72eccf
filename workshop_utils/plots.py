"""Figure helpers shared by several notebooks, in one style."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from .errors import ImageDecodeError
from .images import decode_image

# Colour-blind-safe colours (Okabe and Ito, "Color Universal Design", 2008): blue, orange,
# bluish green, reddish purple, vermillion, sky blue, yellow, black. Lines and bars that must
# be told apart also differ in style, hatching or a label, never in colour alone.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


def product_grid(products: pd.DataFrame, columns: int = 6, caption: str = "title",
                 title: str | None = None, width: int = 22):
    """Photos of the given products in a grid, each captioned by one column (wrapped)."""
    rows = max(1, -(-len(products) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.9, rows * 2.9), squeeze=False,
                                layout="constrained")
    for axis in axes.flat:
        axis.axis("off")
    for axis, (_, product) in zip(axes.flat, products.iterrows()):
        try:
            axis.imshow(decode_image(product["image"]))
        except ImageDecodeError:
            axis.text(0.5, 0.5, "no photo", ha="center", va="center", transform=axis.transAxes)
        axis.set_title("\n".join(textwrap.wrap(str(product[caption]), width)[:3]), fontsize=8)
    if title:
        figure.suptitle(title)
    return figure


def category_tree_chart(products: pd.DataFrame,
                        levels: tuple[str, ...] = ("master_category", "sub_category", "article_type"),
                        min_label_share: float = 0.013, title: str | None = None, height: float = 10.0):
    """The category tree as an icicle chart: one column per level, left to right; each category
    is a box as tall as its share of the products, beside its parent. Colours follow the first
    level. Boxes under `min_label_share` of the products are drawn but not labelled."""
    levels = list(levels)
    paths = products.groupby(levels, observed=True).size().rename("products").reset_index()
    total = paths["products"].sum()
    # Biggest first at every level, children kept together under their parent.
    order, ascending = [], []
    for depth in range(len(levels)):
        paths[f"size_{depth}"] = paths.groupby(levels[: depth + 1], observed=True)["products"].transform("sum")
        order += [f"size_{depth}", levels[depth]]
        ascending += [False, True]
    paths = paths.sort_values(order, ascending=ascending, ignore_index=True)
    paths["start"] = paths["products"].cumsum() - paths["products"]
    palette = plt.get_cmap("tab10")
    colour_of = {name: palette(index % 10) for index, name in enumerate(paths[levels[0]].unique())}
    figure, axis = plt.subplots(figsize=(10, height))
    for depth, level in enumerate(levels):
        boxes = (paths.groupby(levels[: depth + 1], observed=True, sort=False)
                 .agg(start=("start", "min"), products=("products", "sum")).reset_index())
        colours = [colour_of[name] for name in boxes[levels[0]]]
        axis.bar(depth, boxes["products"] / total, bottom=boxes["start"] / total, width=0.96,
                 color=colours, alpha=1.0 - 0.25 * depth, edgecolor="white", linewidth=0.6)
        for _, box in boxes.iterrows():
            share = box["products"] / total
            if share >= min_label_share:
                label = textwrap.shorten(str(box[level]), 26, placeholder="...")
                axis.text(depth - 0.45, (box["start"] + box["products"] / 2) / total,
                          f"{label} ({share:.0%})" if share >= 0.1 else f"{label} ({share:.1%})",
                          va="center", ha="left", fontsize=8, clip_on=True)
    axis.set_xticks(range(len(levels)), [level.replace("_", " ") for level in levels])
    axis.set_xlim(-0.5, len(levels) - 0.5)
    axis.set_ylim(1, 0)
    axis.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:.0%}"))
    axis.set_ylabel("share of the products (cumulative)")
    axis.set_title(title or f"The category tree: {len(levels)} levels, {total:,} products "
                            f"(boxes under {min_label_share:.1%} unlabelled)")
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------- notebook 05: images and fusion
def training_curves(histories: dict, title: str | None = None):
    """Loss and accuracy per epoch, training (dashed) and validation (solid), for one or more
    models: {"name": keras History or its .history dict}."""
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 3.8))
    for (name, history), colour in zip(histories.items(), OKABE_ITO):
        logs = getattr(history, "history", history)
        epochs = range(1, len(logs["loss"]) + 1)
        for axis, metric in ((loss_axis, "loss"), (accuracy_axis, "accuracy")):
            axis.plot(epochs, logs[metric], "--", color=colour, label=f"{name}: training")
            if f"val_{metric}" in logs:
                axis.plot(epochs, logs[f"val_{metric}"], "-o", markersize=3, color=colour,
                          label=f"{name}: validation")
    loss_axis.set(title="Loss (lower is better)", xlabel="epoch", ylabel="cross-entropy")
    accuracy_axis.set(title="Accuracy (higher is better)", xlabel="epoch", ylabel="accuracy")
    for axis in (loss_axis, accuracy_axis):
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.grid(alpha=0.3)
    accuracy_axis.legend(fontsize=8, loc="lower right")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def augmentation_grid(photos, augment, copies: int = 5, captions=None, title: str | None = None):
    """One row per photo: the photo (values 0..1), then `copies` random augmentations of it."""
    import numpy as np

    originals = np.asarray(photos, dtype="float32")
    versions = [np.asarray(augment(originals, training=True), dtype="float32") for _ in range(copies)]
    figure, axes = plt.subplots(len(originals), copies + 1, figsize=((copies + 1) * 1.5, len(originals) * 2.1),
                                squeeze=False)
    for row, original in enumerate(originals):
        for column, picture in enumerate([original] + [version[row] for version in versions]):
            axis = axes[row, column]
            axis.imshow(np.clip(picture, 0.0, 1.0))
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title("original" if column == 0 else f"augmented {column}", fontsize=9)
        if captions is not None:
            axes[row, 0].set_ylabel(textwrap.shorten(str(captions[row]), 18, placeholder="..."), fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def captioned_grid(products: pd.DataFrame, captions, columns: int = 6, title: str | None = None,
                   width: int = 24):
    """Photos of the given products, each with its own caption; every line of a caption is
    wrapped on its own (so "title\\ntext: A\\nfusion: B" keeps its three parts)."""
    rows = max(1, -(-len(products) // columns))
    captions = list(captions)
    lines = max((sum(len(textwrap.wrap(part, width)) or 1 for part in str(caption).split("\n"))
                 for caption in captions), default=1)
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 2.0, rows * (2.6 + 0.16 * lines)), squeeze=False,
                                layout="constrained")
    for axis in axes.flat:
        axis.axis("off")
    for axis, (_, product), caption in zip(axes.flat, products.iterrows(), captions):
        try:
            axis.imshow(decode_image(product["image"]))
        except ImageDecodeError:
            axis.text(0.5, 0.5, "no photo", ha="center", va="center", transform=axis.transAxes)
        wrapped = [line for part in str(caption).split("\n") for line in (textwrap.wrap(part, width) or [""])]
        axis.set_title("\n".join(wrapped), fontsize=7.5)
    if title:
        figure.suptitle(title)
    return figure


def f1_change_chart(change: pd.Series, title: str | None = None, xlabel: str = "change in F1"):
    """One horizontal bar per class: solid blue where the change is positive, hatched vermillion
    where negative (told apart without colour too). Classes with no change are left out (their
    count is given in the title)."""
    from matplotlib.patches import Patch

    changed = change[change.round(4) != 0].sort_values()
    unchanged = len(change) - len(changed)
    figure, axis = plt.subplots(figsize=(8, max(2.5, 0.28 * len(changed) + 1.2)))
    up, down = OKABE_ITO[0], OKABE_ITO[4]
    bars = axis.barh([str(name) for name in changed.index], changed.to_numpy(),
                     color=[up if value > 0 else down for value in changed])
    for bar, value in zip(bars, changed):
        if value < 0:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    if len(changed):
        axis.legend(handles=[Patch(color=up, label="higher F1"), Patch(facecolor=down, hatch="//", edgecolor="white",
                                                                      label="lower F1")], loc="best")
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_xlabel(xlabel)
    axis.grid(axis="x", alpha=0.3)
    heading = title or "Change in F1 per class"
    axis.set_title(f"{heading}\n({unchanged} classes unchanged, not shown)" if unchanged else heading)
    figure.tight_layout()
    return figure


def photo_effect_chart(change: pd.Series, support: pd.Series, min_support: int = 20, title: str | None = None,
                       xlabel: str = "change in F1"):
    """Like f1_change_chart, with each class's test products in its label ("Jackets (23)"), and
    classes with fewer than `min_support` of them drawn in light grey: there one product moves
    F1 by 1/min_support or more, so their bars are mostly noise."""
    from matplotlib.patches import Patch

    changed = change[change.round(4) != 0].sort_values()
    unchanged = len(change) - len(changed)
    figure, axis = plt.subplots(figsize=(8.5, max(2.5, 0.3 * len(changed) + 1.4)))
    up, down, few = OKABE_ITO[0], OKABE_ITO[4], "#BBBBBB"
    labels = [f"{name} ({int(support[name])})" for name in changed.index]
    small = [support[name] < min_support for name in changed.index]
    colours = [few if is_small else (up if value > 0 else down) for value, is_small in zip(changed, small)]
    bars = axis.barh(labels, changed.to_numpy(), color=colours)
    for bar, value in zip(bars, changed):
        if value < 0:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    for label, is_small in zip(axis.get_yticklabels(), small):
        label.set_color("#777777" if is_small else "black")
    axis.legend(handles=[Patch(color=up, label="higher F1"),
                         Patch(facecolor=down, hatch="//", edgecolor="white", label="lower F1"),
                         Patch(color=few, label=f"under {min_support} test products")], loc="lower right")
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_xlabel(xlabel)
    axis.grid(axis="x", alpha=0.3)
    heading = title or "Change in F1 per class (test products in brackets)"
    axis.set_title(f"{heading}\n({unchanged} classes unchanged, not shown)" if unchanged else heading)
    if figure.get_layout_engine() is None:  # the decks lay out with constrained layout
        figure.tight_layout()
    return figure


def full_vs_short_chart(accuracy: pd.DataFrame, title: str | None = None):
    """Grouped bars: one group per model (rows of `accuracy`), one bar per kind of title (its
    columns, e.g. "full titles", "short titles"), each bar labelled with its value."""
    import numpy as np

    figure, axis = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(accuracy.columns)
    positions = np.arange(len(accuracy))
    for number, (column, hatch) in enumerate(zip(accuracy.columns, ["", "//", "..", "xx"])):
        bars = axis.bar(positions + (number - (len(accuracy.columns) - 1) / 2) * width, accuracy[column],
                        width, label=column, color=OKABE_ITO[number], hatch=hatch, edgecolor="white")
        axis.bar_label(bars, labels=["" if np.isnan(value) else f"{value:.2f}" for value in accuracy[column]],
                       padding=2)  # a model not scored on that kind of title gets no bar and no label
    axis.set_xticks(positions, [textwrap.fill(str(name), 14) for name in accuracy.index])  # long names: 2 lines
    axis.set(ylabel="test accuracy", ylim=(0, 1.32), yticks=np.arange(0, 1.01, 0.2),
             title=title or "Full titles and short titles")
    axis.legend(loc="upper center", ncols=len(accuracy.columns))  # above the bars and their labels
    axis.grid(axis="y", alpha=0.3)
    if figure.get_layout_engine() is None:  # the decks lay out with constrained layout
        figure.tight_layout()
    return figure


# ---------------------------------------------------------------- notebook 04: evaluation
def confusion_matrix_chart(y_true, y_pred, classes, shown=None, title: str | None = None):
    """The confusion matrix normalised by true class: row = true class, column = predicted
    class, each cell the share of the row's products predicted as the column's class.
    `shown`: the class names to draw (say, the most confused ones); shares still count every
    prediction, so a row need not add up to 100% on the chart."""
    import numpy as np
    from sklearn.metrics import confusion_matrix

    classes = list(classes)
    shown = classes if shown is None else list(shown)
    positions = [classes.index(name) for name in shown]
    shares = confusion_matrix(y_true, y_pred, labels=range(len(classes)), normalize="true")
    shares = np.nan_to_num(shares)[np.ix_(positions, positions)]
    size = max(4.5, 0.55 * len(shown) + 2.5)
    figure, axis = plt.subplots(figsize=(size + 1.0, size))
    image = axis.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for row in range(len(shown)):
        for column in range(len(shown)):
            value = shares[row, column]
            if value >= 0.005:
                axis.text(column, row, f"{value:.0%}", ha="center", va="center", fontsize=8,
                          color="white" if value > 0.6 else "black")
    labels = [textwrap.shorten(name, 22, placeholder="...") for name in shown]
    axis.set_xticks(range(len(shown)), labels, rotation=45, ha="right", fontsize=9)
    axis.set_yticks(range(len(shown)), labels, fontsize=9)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    axis.set_title(title or "Confusion matrix (share of each true class)")
    figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04, label="share of the true class")
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------- notebook 06: calibration and review
def reliability_diagram(runs: dict, bins: int = 10, title: str | None = None, figsize=(6, 6)):
    """Accuracy against confidence, in `bins` equal-width bins of the top probability.

    `runs`: {"name": (probabilities, true labels)}, one line per entry. A calibrated model
    lies on the diagonal: of the listings it gives 0.8, 80% are right. Bars below show how
    many listings fall in each bin (most sit near 1.0)."""
    import numpy as np

    figure, (axis, counts) = plt.subplots(2, 1, figsize=figsize, sharex=True, height_ratios=[3, 1])
    axis.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="calibrated")
    edges = np.linspace(0, 1, bins + 1)
    width = 1 / bins / (len(runs) + 1)
    for number, (name, (probabilities, y_true)) in enumerate(runs.items()):
        probabilities = np.asarray(probabilities)
        confidence = probabilities.max(axis=1)
        correct = probabilities.argmax(axis=1) == np.asarray(y_true)
        which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
        filled = [b for b in range(bins) if (which == b).any()]
        axis.plot([confidence[which == b].mean() for b in filled], [correct[which == b].mean() for b in filled],
                  marker="o", label=name)
        counts.bar(edges[:-1] + (number + 0.5) * width, np.bincount(which, minlength=bins), width=width, label=name)
    axis.set_ylabel("accuracy in the bin")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1.02)
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left")
    axis.set_title(title or "Reliability diagram: is a probability of 0.8 right 80% of the time?")
    counts.set_yscale("log")
    counts.set_xlabel("confidence (the top probability)")
    counts.set_ylabel("listings")
    if figure.get_layout_engine() is None:  # the decks lay out with constrained layout
        figure.tight_layout()
    return figure


def coverage_curve(probabilities, y_true, threshold: float | None = None, target: float | None = None,
                   title: str | None = None, figsize=(7, 4)):
    """For every confidence threshold: the share of listings accepted without review (coverage)
    and the accuracy on those accepted. Marks `threshold` and the accuracy `target` when given."""
    import numpy as np

    probabilities = np.asarray(probabilities)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(y_true)
    order = np.argsort(-confidence, kind="stable")
    coverage = np.arange(1, len(order) + 1) / len(order)
    accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    figure, axis = plt.subplots(figsize=figsize)
    axis.plot(coverage, accuracy, color="tab:blue")
    if target is not None:
        axis.axhline(target, color="tab:red", linestyle="--", linewidth=1, label=f"target accuracy {target:.0%}")
    if threshold is not None:
        accepted = confidence >= threshold
        axis.plot([accepted.mean()], [correct[accepted].mean() if accepted.any() else 1.0], "o", color="tab:red",
                  label=f"threshold {threshold:.3f}: {accepted.mean():.1%} accepted")
    axis.set_xlabel("coverage: share of listings accepted without review (most confident first)")
    axis.set_ylabel("accuracy on the accepted")
    axis.set_ylim(max(0.0, float(accuracy.min()) - 0.02), 1.002)
    axis.grid(alpha=0.3)
    if target is not None or threshold is not None:
        axis.legend(loc="lower left")
    axis.set_title(title or "Coverage against accuracy: accept fewer listings, make fewer mistakes")
    if figure.get_layout_engine() is None:  # the decks lay out with constrained layout
        figure.tight_layout()
    return figure


def flip_detection_curve(flipped, margin, cut: float, points: dict | None = None, target: tuple | None = None,
                         title: str | None = None, figsize=(7, 4)):
    """Precision against recall of finding the `flipped` rows (True: a label changed on purpose) by
    flagging every row whose `margin` is below a cut, for every cut; the cut in use is marked. `points`:
    {"name": (recall, precision)} of other detectors, each with its own marker and a direct label.
    `target`: (recall, precision) drawn as dashed lines."""
    import numpy as np
    from sklearn.metrics import precision_recall_curve

    flipped, margin = np.asarray(flipped, bool), np.asarray(margin)
    precision, recall, _ = precision_recall_curve(flipped, -margin)  # a lower margin is more suspect
    figure, axis = plt.subplots(figsize=figsize)
    axis.plot(recall, precision, color=OKABE_ITO[0], label="normalised margin, every cut")
    flagged = margin < cut
    found = (flagged & flipped).sum()
    at_cut = (found / max(flipped.sum(), 1), found / max(flagged.sum(), 1))
    axis.plot(*at_cut, "o", color=OKABE_ITO[4], markersize=9, label=f"our cut, margin < {cut:g}")
    for (name, (r, p)), marker in zip((points or {}).items(), "s^Dv"):
        axis.plot([r], [p], marker, color=OKABE_ITO[2], markersize=8, label=name)
        axis.annotate(name, (r, p), textcoords="offset points", xytext=(8, -12))
    if target is not None:
        axis.axvline(target[0], color="grey", linestyle="--", linewidth=1)
        axis.axhline(target[1], color="grey", linestyle="--", linewidth=1,
                     label=f"target: precision {target[1]:.0%} at recall {target[0]:.0%}")
    axis.set_xlabel("recall: share of the flipped labels that are flagged")
    axis.set_ylabel("precision: flipped / flagged")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(0, 1.02)
    axis.grid(alpha=0.3)
    axis.legend(loc="lower left")
    axis.set_title(title or "Finding labels flipped on purpose")
    if figure.get_layout_engine() is None:  # the decks lay out with constrained layout
        figure.tight_layout()
    return figure
