"""Figure helpers shared by several notebooks, in one style."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from .data import decode_image
from .errors import ImageDecodeError


def product_grid(products: pd.DataFrame, columns: int = 6, caption: str = "title",
                 title: str | None = None, width: int = 22):
    """Photos of the given products in a grid, each captioned by one column (wrapped)."""
    rows = max(1, -(-len(products) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 1.9, rows * 2.9), squeeze=False)
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
    figure.tight_layout()
    return figure
