"""Figures tell their parts apart without colour, and describe themselves for the slides."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tools import slides  # noqa: E402
from workshop_utils import plots  # noqa: E402


def test_f1_change_chart_marks_losses_by_hatching_not_only_by_colour():
    figure = plots.f1_change_chart(pd.Series({"Sandals": 0.2, "Heels": -0.1, "Flats": 0.0, "Clogs": -0.3}))
    bars = figure.axes[0].patches
    hatches = {bar.get_width() > 0: bar.get_hatch() for bar in bars}
    assert hatches[False] and not hatches[True]
    assert {text.get_text() for text in figure.axes[0].get_legend().get_texts()} == {"higher F1", "lower F1"}
    assert "1 classes unchanged" in figure.axes[0].get_title()
    plt.close(figure)


def test_training_curves_use_the_colour_blind_safe_palette_and_two_line_styles():
    history = {"loss": [2.0, 1.0], "val_loss": [2.1, 1.2], "accuracy": [0.3, 0.6], "val_accuracy": [0.3, 0.5]}
    figure = plots.training_curves({"text": history, "image": history})
    lines = figure.axes[0].get_lines()
    assert {matplotlib.colors.to_hex(line.get_color()).upper() for line in lines} == set(plots.OKABE_ITO[:2])
    assert {line.get_linestyle() for line in lines} == {"--", "-"}
    plt.close(figure)


def test_a_slide_figure_describes_itself():
    figure, axis = plt.subplots(figsize=(9, 4), dpi=100)
    axis.plot([0, 1], [1, 0])
    axis.set(title="Loss per epoch", xlabel="epoch", ylabel="loss")
    axis.title.set_fontsize(16)
    axis.xaxis.label.set_fontsize(15)
    axis.yaxis.label.set_fontsize(15)
    axis.tick_params(labelsize=9)
    described = slides.describe(figure)
    assert described["alt"] == "Figure: Loss per epoch; epoch; loss"
    assert described["smallest_text_px"] == 12.5  # 9-pt tick labels at 100 dpi
    note = axis.text(0.5, 0.5, "tiny note", fontsize=7)
    assert slides.describe(figure)["smallest_text_px"] == 9.7
    note.remove()
    axis.set_axis_off()  # hidden labels do not count: the title is all that is drawn
    assert slides.describe(figure) == {"alt": "Figure: Loss per epoch", "smallest_text_px": 22.2}
    plt.close(figure)
