"""Every exercise check of every notebook (the course manifest's list), answered the way learners answer.

HINTS below is the hint table: one row per answer, (exercise, kind, answer, phrase):
  - exercise: "NN.qK", notebook NN's check qK (workshop_utils/exercises/nbNN.py);
  - kind: RIGHT (must pass, also under WORKSHOP_STRICT_CHECKS), SLIP (a typical wrong answer of the
    right type) or TYPE (an answer of the wrong type: None, a string, a list, an array ...);
  - answer: a function of the fixtures `f` (a Fixtures object) that returns the learner's answer;
  - phrase: for SLIP and TYPE rows, words the "Not yet" message must contain (None for RIGHT).
ARGUMENTS gives, for each exercise, the other arguments of its check (as the notebook passes them).
Each exercise needs at least one row of each kind. To add an exercise: one ARGUMENTS entry, its rows.
"""
from __future__ import annotations

import re
from functools import cached_property

import nbformat
import numpy as np
import pandas as pd
import pytest

import workshop_utils
from tools import course, notebooks
from workshop_utils import checks, images, text
from workshop_utils.errors import ExerciseNotDone
from workshop_utils.exercises import nb06
from tools import ROOT


RIGHT, SLIP, TYPE = "right", "slip", "type"
NOTEBOOKS = tuple(entry.number for entry in course.NOTEBOOKS)


@pytest.fixture(autouse=True)
def known_stopwords(monkeypatch):
    """The same stopwords whether or not NLTK's corpus is installed where the tests run."""
    monkeypatch.setattr("workshop_utils.stopwords.english_stopwords",
                        lambda: frozenset({"of", "and", "with", "for", "the", "men", "women"}))


# ---------------------------------------------------------------------------------------------- fixtures
# (article type, master category, sub-category, products); Socks and Dresses have two parents.
CATALOGUE = [
    ("Tshirts", "Apparel", "Topwear", 160), ("Shirts", "Apparel", "Topwear", 120),
    ("Casual Shoes", "Footwear", "Shoes", 110), ("Watches", "Accessories", "Watches", 100),
    ("Kurtas", "Apparel", "Topwear", 40), ("Handbags", "Accessories", "Bags", 30),
    ("Sports Shoes", "Footwear", "Shoes", 25), ("Jeans", "Apparel", "Bottomwear", 20),
    ("Belts", "Accessories", "Belts", 15), ("Socks", "Apparel", "Innerwear", 7),
    ("Socks", "Accessories", "Socks", 5), ("Sunglasses", "Accessories", "Eyewear", 10),
    ("Dresses", "Apparel", "Dress", 5), ("Dresses", "Apparel", "Topwear", 3),
    ("Perfume", "Personal Care", "Fragrance", 6), ("Ties", "Accessories", "Ties", 4),
]
# Title templates: Shirts have the most words among the large types, Casual Shoes the most characters,
# the four Ties the most words of all.
TEMPLATES = {
    "Shirts": "{brand} Men {colour} Slim Fit Checked Casual Shirt",
    "Casual Shoes": "{brand} Unisex {colour} Waterresistant Leatherlook Sneakerboots",
    "Ties": "{brand} Men {colour} Silk Woven Slim Formal Tie With Pocket Square Set",
}


class Fixtures:
    """Small, made-up stand-ins for what each notebook passes to its checks."""

    @cached_property
    def products(self) -> pd.DataFrame:
        rng = np.random.default_rng(0)
        brands = ["Nike", "Puma", "Blackberrys", "Fila", "Wrangler"]
        colours = ["Black", "Blue", "White", "Red", "BLACK", "black"]
        rows = []
        for article_type, master, sub, count in CATALOGUE:
            template = TEMPLATES.get(article_type, "{brand} {colour} " + article_type)
            for _ in range(count):
                title = template.format(brand=rng.choice(brands), colour=rng.choice(colours))
                rows.append({"title": title, "master_category": master, "sub_category": sub,
                             "article_type": article_type})
        return pd.DataFrame(rows)

    @cached_property
    def titles(self) -> list[str]:
        return self.products["title"].tolist()

    @cached_property
    def departments(self) -> pd.DataFrame:  # Personal Care is missing
        return pd.DataFrame({"master_category": ["Apparel", "Footwear", "Accessories"],
                             "department": ["clothing", "shoes", "accessories"]})

    @cached_property
    def photo(self) -> np.ndarray:
        return np.random.default_rng(1).integers(225, 256, size=(21, 29, 3)).astype(np.uint8)

    @cached_property
    def word_types(self) -> pd.DataFrame:  # words x article types: titles with the word
        return pd.DataFrame({"Tshirts": [30, 2, 0, 5, 9, 1], "Shirts": [1, 25, 3, 5, 8, 1],
                             "Watches": [0, 0, 20, 5, 7, 1]},
                            index=["tshirt", "shirt", "watch", "black", "men", "rare"])

    @cached_property
    def random_split(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        shuffled = self.products.sample(frac=1.0, random_state=0)
        cut = int(0.8 * len(shuffled))
        return shuffled.iloc[:cut], shuffled.iloc[cut:]

    @cached_property
    def counts(self):
        from scipy import sparse

        return sparse.csr_matrix(np.array([[1, 0, 0, 2, 0], [0, 0, 1, 0, 0], [0, 3, 0, 0, 0], [1, 0, 0, 0, 0]]))

    @cached_property
    def normalised(self) -> list[str]:
        return ["nike black shirt", "puma shirt shirt", "fila blue tshirt", "nike watch", "shirt", "red sock"]

    @cached_property
    def candidates(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
        products = self.products
        keys = products["title"].str.lower()
        grouped_test = keys.isin(sorted(set(keys))[::5])
        train, test = self.random_split
        return {"random rows": (train, train.iloc[:0], test),
                "grouped by title": (products[~grouped_test], products.iloc[:0], products[grouped_test])}

    @cached_property
    def vectorizer(self):
        import keras

        layer = keras.layers.TextVectorization(output_sequence_length=12)
        layer.adapt(["men black shirt", "women blue shirt", "men black watch", "black tshirt"])
        return layer

    @cached_property
    def vocab(self) -> list[str]:
        return list(self.vectorizer.get_vocabulary())

    def vectorized(self, title: str) -> list[int]:
        words = [self.vocab.index(word) if word in self.vocab else 1 for word in title.lower().split()]
        return words + [0] * (12 - len(words))

    history = {"loss": [1.0, 0.7, 0.5, 0.4, 0.3, 0.25], "val_loss": [1.1, 0.8, 0.75, 0.79, 0.77, 0.8],
               "val_accuracy": [0.5, 0.6, 0.62, 0.61, 0.66, 0.6]}

    curves = {"A": {"loss": [1.0, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.04],
                    "val_loss": [1.0, 0.7, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65, 0.7, 0.75]},
              "B": {"loss": [2.0, 1.9, 1.8, 1.7, 1.65, 1.6, 1.55, 1.5, 1.45, 1.4],
                    "val_loss": [2.1, 2.0, 1.9, 1.8, 1.75, 1.7, 1.65, 1.6, 1.55, 1.5]},
              "C": {"loss": [1.0, 0.5, 0.3, 0.25, 0.22, 0.2, 0.19, 0.18, 0.18, 0.17],
                    "val_loss": [1.0, 0.55, 0.38, 0.33, 0.31, 0.3, 0.3, 0.3, 0.3, 0.3]}}

    report = pd.DataFrame({"f1": [0.9, 0.5, 0.7, 0.2], "support": [100, 10, 40, 5]},
                          index=["Tshirts", "Shirts", "Watches", "Ties"])
    classes = ["Tshirts", "Shirts", "Watches", "Ties", "Jeans", "Belts"]
    # the most frequent mistake: true Shirts (1) predicted as Tshirts (0), 5 times
    y_true = np.array([0] * 10 + [1] * 10 + [2] * 6 + [3] * 3)
    y_pred = np.array([0] * 8 + [2] * 2 + [0] * 5 + [1] * 5 + [2] * 5 + [0] + [3, 1, 3])

    @staticmethod
    def top_k(probabilities, classes, k=3):
        best = np.argsort(probabilities)[::-1][:k]
        return [(classes[position], float(probabilities[position])) for position in best]

    @cached_property
    def tfidf(self):  # notebook 04's TF-IDF matrix and labels, in small: 300 titles, 40 features, 5 classes
        from scipy import sparse

        matrix = sparse.random(300, 40, density=0.1, format="csr", dtype=np.float32, random_state=0)
        return matrix, np.random.default_rng(0).integers(0, 5, 300)

    def tfidf_network(self, *hidden, sparse=True, output="softmax", loss="sparse_categorical_crossentropy",
                      validation=True):
        """A network on `tfidf` as a learner writes it, fitted two epochs (then compiled with `loss`)."""
        import keras

        keras.utils.set_random_seed(0)
        x, y = self.tfidf
        inputs = keras.Input(shape=(x.shape[1],), sparse=sparse)
        layer = inputs
        for units in hidden:
            layer = keras.layers.Dropout(0.5)(keras.layers.Dense(units, activation="relu")(layer))
        model = keras.Model(inputs, keras.layers.Dense(5, activation=output)(layer))
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
        history = model.fit(x, y, validation_data=(x, y) if validation else None, epochs=2, verbose=0)
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=loss)  # a wrong loss cannot fit these labels
        return model, history

    @cached_property
    def deeper(self):
        return self.tfidf_network(256, 128)

    batch_photos, batch_labels = 10, np.arange(10) % 3

    def photo_pipeline(self, *steps):
        """Notebook 05's pipeline on 10 small photos, with the steps named (decode, cache, shuffle, ...)."""
        import tensorflow as tf

        height, width = images.IMAGE_SIZE
        photos = [np.full((height, width, 3), 20 * i, np.uint8) for i in range(self.batch_photos)]

        def scale(batch, labels):
            return tf.cast(batch, tf.float32) / 255.0, labels

        dataset = tf.data.Dataset.from_tensor_slices((np.stack(photos), self.batch_labels))
        actions = {"decode": lambda d: d.map(lambda photo, label: (photo, label)), "cache": lambda d: d.cache(),
                   "shuffle": lambda d: d.shuffle(10, seed=0), "batch": lambda d: d.batch(4),
                   "scale": lambda d: d.map(scale), "prefetch": lambda d: d.prefetch(1)}
        for step in steps:
            dataset = actions[step](dataset)
        return dataset

    @staticmethod
    def conv_block(x, filters, block, bias=False, padding="same"):
        import keras

        x = keras.layers.Conv2D(filters, 3, padding=padding, use_bias=bias, name=f"conv_{block}")(x)
        x = keras.layers.BatchNormalization(momentum=0.9)(x)
        return keras.layers.MaxPooling2D()(keras.layers.ReLU()(x))

    @staticmethod
    def fusion_head(n_classes, photo="zeroed", batch_norm=True):
        import keras

        from workshop_utils import models

        inputs = {"title_features": keras.Input(shape=(128,), name="title_features"),
                  "photo_features": keras.Input(shape=(128,), name="photo_features"),
                  "has_photo": keras.Input(shape=(1,), name="has_photo")}
        photo_part = models.ZeroWhenMissing()([inputs["photo_features"], inputs["has_photo"]])
        chosen = photo_part if photo == "zeroed" else inputs["photo_features"]
        x = keras.layers.Concatenate()([inputs["title_features"], chosen, inputs["has_photo"]])
        x = keras.layers.BatchNormalization()(x) if batch_norm else x
        x = keras.layers.Dropout(0.4)(keras.layers.Dense(256, activation="relu")(x))
        return keras.Model(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))

    scan = pd.DataFrame({"text weight": [0.0, 0.25, 0.5, 0.75, 1.0],
                         "validation macro F1": [0.60, 0.70, 0.72, 0.75, 0.65],
                         "validation accuracy": [0.70, 0.80, 0.86, 0.85, 0.80]})
    comparison = pd.DataFrame({"text": [0.70, 0.80], "fusion model": [0.76, 0.82]},
                              index=["macro average", "weighted average"])
    batch_size, image_size, n_photos = 32, (96, 128), 1000

    # notebook 06
    @staticmethod
    def top_k_accuracy(probabilities, y_true, k):
        top = np.argsort(-probabilities, axis=1)[:, :k]
        return float((top == y_true[:, None]).any(axis=1).mean())

    @staticmethod
    def choose_threshold(confidence, correct, target, ties=True):
        order = np.argsort(-confidence, kind="stable")
        ranked = confidence[order]
        accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
        cut_here = np.r_[ranked[1:] < ranked[:-1], True] if ties else np.ones(len(order), bool)
        good = np.flatnonzero((accuracy >= target) & cut_here)
        if len(good) == 0:
            return float(np.nextafter(ranked[0], 2.0))
        return float(ranked[good.max()])

    temperature_scan = pd.DataFrame({"temperature": [0.5, 1.0, 1.3, 2.0], "calibration NLL": [0.4, 0.2, 0.15, 0.3]})
    # totals with a review at 1 and an error at 25: 500, 210, 115, 200
    costs = pd.DataFrame({"threshold": [0.5, 0.7, 0.9, 0.99], "sent to review": [0, 10, 40, 200],
                          "wrong and accepted": [20, 8, 3, 0]})
    leaves, sub_categories = ["Jeans", "Shirts", "Tshirts"], ["Bottomwear", "Topwear"]
    sub_category_of = {"Jeans": "Bottomwear", "Shirts": "Topwear", "Tshirts": "Topwear"}
    membership = np.array([[1, 0], [0, 1], [0, 1]], dtype=float)
    suspects = pd.DataFrame({"id": [101, 202, 303],
                             "title": ["Levis Men Blue Jeans", "Puma Men Tshirt", "Arrow Shirt"]})


F = Fixtures()


# -------------------------------------------------------------------- the arguments each check receives
def products_args(f):
    return (f.products,)


ARGUMENTS = {
    "00.q1": products_args,
    "01.q1": lambda f: (f.titles,), "01.q2": lambda f: (f.photo,), "01.q3": lambda f: (),
    "01.q4": products_args, "01.q5": lambda f: (f.products, f.departments), "01.q6": lambda f: (),
    "02.q1": products_args, "02.q2": products_args, "02.q3": products_args, "02.q4": lambda f: (f.word_types,),
    "02.q5": products_args, "02.q6": lambda f: f.random_split, "02.q7": products_args,
    "03.q1": lambda f: (f.titles,), "03.q2": lambda f: (f.counts,), "03.q3": lambda f: (f.normalised, "shirt"),
    "03.q4": lambda f: (np.array([2, 0, 1, 3, 1]), 4), "03.q5": lambda f: (f.candidates,),
    "03.q6": lambda f: (f.vectorizer, "Zorblax Men Black Shirt"),
    "04.q1": lambda f: (f.history,), "04.q2": lambda f: (f.tfidf[0][:64], f.tfidf[1][:64], 5),
    "04.q3": lambda f: (f.curves,),
    "04.q4": lambda f: (f.report,), "04.q5": lambda f: (f.y_true, f.y_pred, f.classes),
    "04.q6": lambda f: (f.classes,), "04.q7": lambda f: (),
    "05.q1": lambda f: (f.batch_size, f.image_size), "05.q2": lambda f: (f.n_photos, f.image_size),
    "05.q3": lambda f: (f.batch_labels, 4, images.IMAGE_SIZE), "05.q4": lambda f: (images.IMAGE_SIZE,),
    "05.q5": lambda f: (f.scan,), "05.q6": lambda f: (6,), "05.q7": lambda f: (f.comparison,),
    "05.q8": lambda f: (LISTINGS,),
    "06.q1": lambda f: (), "06.q2": lambda f: (f.temperature_scan,), "06.q3": lambda f: (),
    "06.q4": lambda f: (f.costs, 1.0, 25.0), "06.q5": lambda f: (f.leaves, f.sub_categories, f.sub_category_of),
    "06.q6": lambda f: (f.suspects,),
}
# Checks that take two answers, model and history: check.q2(deeper, deeper_history, ...). A row's answer is the pair.
TWO_PART_ANSWERS = {"04.q2"}
# Notebook 05's test listings as short_title reads them: title, gender, colour (NaN when missing).
LISTINGS = pd.DataFrame({"title": ["Puma Men Black Running Shoes", "Titan Women Silver Watch", "Levis 501 Jeans"],
                         "gender": ["Men", "Women", "Men"], "colour": ["Black", "Silver", np.nan]})


# -------------------------------------------------------------------------------------- answers
def article_shares(f, level="article_type"):
    return f.products[level].value_counts(normalize=True)


def words_per_type(f, column="title", measure=lambda titles: titles.str.split().str.len()):
    stats = measure(f.products[column]).groupby(f.products["article_type"]).agg(["mean", "size"])
    return stats


def softmax_columns(scores):
    exps = np.exp(scores)
    return exps / exps.sum(axis=0, keepdims=True)


def softmax_unshifted(scores):
    exps = np.exp(scores)
    return exps / exps.sum(axis=1, keepdims=True)


def softmax(scores):
    exps = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def gradients(w, b, x, y):
    error = w * x + b - y
    return 2 * np.mean(error * x), 2 * np.mean(error)


def leak(f, train, test):
    return test["title"].isin(train["title"]).mean()


def idf(f, log=np.log, smooth=1, plus=1):
    n = len(f.normalised)
    df = sum("shirt" in title.split() for title in f.normalised)
    return log((smooth + n) / (smooth + df)) + plus


def two_parents(f, level="sub_category"):
    parents = f.products.groupby("article_type")[level].nunique()
    return sorted(parents[parents > 1].index)


def normalise_without(step):
    return lambda title: text.normalise(title, [name for name in text.STEPS if name != step])


def bootstrap(slip=None):
    """notebook 04's paired_bootstrap, right (slip=None) or with one of the slips learners make."""
    def paired_bootstrap(right_a, right_b, resamples=2000, seed=0):
        rng = np.random.default_rng(seed)
        n = len(right_a)
        if slip == "loop":  # right, drawn another way: the check cannot expect the solution's numbers
            differences = [right_a[rows].mean() - right_b[rows].mean()
                           for rows in (rng.choice(n, n) for _ in range(resamples))]
            return np.quantile(differences, [0.025, 0.975])
        rows = rng.permutation(np.tile(np.arange(n), (resamples, 1)), axis=1) if slip == "no replacement" \
            else rng.integers(0, n, size=(resamples, n))
        other_rows = rng.integers(0, n, size=(resamples, n)) if slip == "unpaired" else rows
        differences = right_a[rows].mean(axis=1) - right_b[other_rows].mean(axis=1)
        if slip == "all":
            return differences
        ends = {"90%": [5, 95], "shares": [0.025, 0.975]}.get(slip, [2.5, 97.5])
        return tuple(np.percentile(-differences if slip == "B - A" else differences, ends))
    return paired_bootstrap


def does_not_return(*args, **kwargs):
    """A function whose last line prints instead of returning."""
    print("the result")


HINTS = [
    # 00: how many article types
    ("00.q1", RIGHT, lambda f: f.products["article_type"].nunique(), None),
    ("00.q1", SLIP, lambda f: f.products["master_category"].nunique(), "another category level"),
    ("00.q1", SLIP, lambda f: len(f.products), "number of products"),
    ("00.q1", TYPE, lambda f: f.products["article_type"].unique(), ".nunique()"),
    ("00.q1", TYPE, lambda f: None, "None"),
    ("00.q1", TYPE, lambda f: "14", "drop the quotes"),

    # 01
    ("01.q1", RIGHT, lambda f: sum("black" in t.lower().split() for t in f.titles), None),
    ("01.q1", SLIP, lambda f: sum("black" in t.lower() for t in f.titles), "Blackberrys"),
    ("01.q1", SLIP, lambda f: sum("Black" in t.split() for t in f.titles), "lower-case the title"),
    ("01.q1", TYPE, lambda f: None, "None"),
    ("01.q1", TYPE, lambda f: [t for t in f.titles if "black" in t.lower().split()], "not a list"),
    ("01.q2", RIGHT, lambda f: (f.photo >= 240).all(axis=2).mean(), None),
    ("01.q2", SLIP, lambda f: (f.photo >= 240).mean(), "share of channel values"),
    ("01.q2", SLIP, lambda f: round((f.photo >= 240).all(axis=2).mean(), 3), "rounded to 3 decimals"),
    ("01.q2", TYPE, lambda f: (f.photo >= 240).all(axis=2), "not an array of shape (21, 29)"),
    ("01.q2", TYPE, lambda f: "0.2", "drop the quotes"),
    ("01.q3", RIGHT, lambda f: softmax, None),
    ("01.q3", SLIP, lambda f: softmax_columns, "each column sums to 1"),
    ("01.q3", SLIP, lambda f: softmax_unshifted, "overflows"),
    ("01.q3", TYPE, lambda f: softmax(np.ones((2, 3))), "pass the function itself"),
    ("01.q3", TYPE, lambda f: does_not_return, "returns None"),
    ("01.q4", RIGHT, lambda f: (lambda s: s[s["size"] >= 100]["mean"].idxmax())(words_per_type(f)), None),
    ("01.q4", SLIP, lambda f: words_per_type(f)["mean"].idxmax(), "fewer than 100 products"),
    ("01.q4", SLIP, lambda f: (lambda s: s[s["size"] >= 100]["mean"].idxmax())(
        words_per_type(f, measure=lambda titles: titles.str.len())), "count words"),
    ("01.q4", TYPE, lambda f: words_per_type(f)["mean"], "idxmax"),
    ("01.q4", TYPE, lambda f: None, "None"),
    ("01.q5", RIGHT, lambda f: 6, None),
    ("01.q5", SLIP, lambda f: len(f.products) - 6, "kept"),
    ("01.q5", SLIP, lambda f: 6.5, "whole number"),
    ("01.q5", TYPE, lambda f: "6", "drop the quotes"),
    ("01.q5", TYPE, lambda f: f.products.merge(f.departments, on="master_category"), "not a DataFrame"),
    ("01.q6", RIGHT, lambda f: gradients, None),
    ("01.q6", SLIP, lambda f: lambda w, b, x, y: gradients(w, b, x, y)[::-1], "swapped"),
    ("01.q6", SLIP, lambda f: lambda w, b, x, y: (np.sum(2 * (w * x + b - y) * x), np.sum(2 * (w * x + b - y))),
     "not sums"),
    ("01.q6", TYPE, lambda f: does_not_return, "returns None"),
    ("01.q6", TYPE, lambda f: gradients(1, 0, np.ones(3), np.ones(3)), "pass the function itself"),

    # 02
    ("02.q1", RIGHT, lambda f: article_shares(f).iloc[0], None),
    ("02.q1", SLIP, lambda f: 100 * article_shares(f).iloc[0], "percentage"),
    ("02.q1", SLIP, lambda f: round(article_shares(f).iloc[0], 4), "rounded to 4 decimals"),
    ("02.q1", SLIP, lambda f: article_shares(f, "master_category").iloc[0], "baseline for master_category"),
    ("02.q1", TYPE, lambda f: article_shares(f).head(1), "not a Series"),
    ("02.q1", TYPE, lambda f: None, "None"),
    ("02.q2", RIGHT, lambda f: (article_shares(f) ** 2).sum(), None),
    ("02.q2", SLIP, lambda f: 1 / f.products["article_type"].nunique(), "uniform guessing"),
    ("02.q2", TYPE, lambda f: f"{(article_shares(f) ** 2).sum():.3f}", "drop the quotes"),
    ("02.q3", RIGHT, lambda f: article_shares(f).head(10).sum(), None),
    ("02.q3", SLIP, lambda f: article_shares(f).tail(10).sum(), "10 smallest"),
    ("02.q3", TYPE, lambda f: article_shares(f).head(10), "not a Series"),
    ("02.q4", RIGHT, lambda f: f.word_types.max(axis=1) / f.word_types.sum(axis=1), None),
    ("02.q4", SLIP, lambda f: f.word_types.max(axis=0) / f.word_types.sum(axis=0), "one value per article type"),
    ("02.q4", SLIP, lambda f: 100 * f.word_types.max(axis=1) / f.word_types.sum(axis=1), "percentages"),
    ("02.q4", TYPE, lambda f: f.word_types / f.word_types.sum(axis=1).to_numpy()[:, None], "not a table"),
    ("02.q4", TYPE, lambda f: None, "None"),
    ("02.q5", RIGHT, lambda f: f.products["title"].duplicated(keep=False).sum(), None),
    ("02.q5", SLIP, lambda f: f.products["title"].duplicated().sum(), "keep=False"),
    ("02.q5", TYPE, lambda f: f.products["title"].duplicated(keep=False), "not a Series"),
    ("02.q6", RIGHT, lambda f: leak(f, *f.random_split), None),
    ("02.q6", SLIP, lambda f: leak(f, *f.random_split[::-1]), "training rows"),
    ("02.q6", SLIP, lambda f: 100 * leak(f, *f.random_split), "percentage"),
    ("02.q6", TYPE, lambda f: None, "None"),
    ("02.q7", RIGHT, lambda f: two_parents(f), None),
    ("02.q7", SLIP, lambda f: two_parents(f)[::-1], "not sorted"),
    ("02.q7", SLIP, lambda f: two_parents(f, "master_category"), "two master categories"),
    ("02.q7", TYPE, lambda f: len(two_parents(f)), "not how many"),
    ("02.q7", TYPE, lambda f: ", ".join(two_parents(f)), "not a string"),

    # 03
    ("03.q1", RIGHT, lambda f: text.normalise, None),
    ("03.q1", SLIP, lambda f: normalise_without("stem"), "'stem' seems to be missing"),
    ("03.q1", SLIP, lambda f: lambda title: text.normalise_tokens(title), "returned a list"),
    ("03.q1", TYPE, lambda f: text.normalise(f.titles[0]), "pass the function itself"),
    ("03.q1", TYPE, lambda f: does_not_return, "returned None"),
    ("03.q2", RIGHT, lambda f: f.counts.nnz / (f.counts.shape[0] * f.counts.shape[1]), None),
    ("03.q2", SLIP, lambda f: 1 - f.counts.nnz / (f.counts.shape[0] * f.counts.shape[1]), "ARE zero"),
    ("03.q2", SLIP, lambda f: f.counts.nnz, "number of non-zero cells"),
    ("03.q2", TYPE, lambda f: None, "None"),
    ("03.q3", RIGHT, lambda f: idf(f), None),
    ("03.q3", SLIP, lambda f: idf(f, smooth=0, plus=0), "textbook idf"),
    ("03.q3", SLIP, lambda f: idf(f, log=np.log10), "natural logarithm"),
    ("03.q3", TYPE, lambda f: "1.5", "drop the quotes"),
    ("03.q4", RIGHT, lambda f: np.eye(4)[[2, 0, 1, 3, 1]], None),
    ("03.q4", SLIP, lambda f: np.eye(4)[[2, 0, 1, 3, 1]].T, "one ROW per label"),
    ("03.q4", TYPE, lambda f: None, "None"),
    ("03.q4", TYPE, lambda f: [2, 0, 1, 3, 1], "the shape is (5,)"),
    ("03.q5", RIGHT, lambda f: "grouped by title", None),
    ("03.q5", SLIP, lambda f: "random rows", "have a title that is also in training"),
    ("03.q5", SLIP, lambda f: "grouped by titles", "one of the names"),
    ("03.q5", TYPE, lambda f: f.candidates["grouped by title"], "one of the names"),
    ("03.q6", RIGHT, lambda f: f.vectorized("Zorblax Men Black Shirt"), None),
    ("03.q6", SLIP, lambda f: f.vectorized("Zorblax Men Black Shirt")[:4], "pad with zeros"),
    ("03.q6", SLIP, lambda f: [0] + f.vectorized("Zorblax Men Black Shirt")[1:], "unknown word is 1"),
    ("03.q6", TYPE, lambda f: "Zorblax Men Black Shirt", "not a string"),
    ("03.q6", TYPE, lambda f: None, "None"),

    # 04
    ("04.q1", RIGHT, lambda f: 3, None),
    ("04.q1", SLIP, lambda f: 2, "counted from 0"),
    ("04.q1", SLIP, lambda f: 6, "TRAINING loss"),
    ("04.q1", TYPE, lambda f: f.history["val_loss"], "not a list"),
    ("04.q2", RIGHT, lambda f: f.deeper, None),
    ("04.q2", SLIP, lambda f: f.tfidf_network(256), "one-layer network"),
    ("04.q2", SLIP, lambda f: f.tfidf_network(128, 256), "256 and then 128"),
    ("04.q2", SLIP, lambda f: f.tfidf_network(256, 128, sparse=False), "sparse=True"),
    ("04.q2", SLIP, lambda f: f.tfidf_network(256, 128, output="relu"), "activation='softmax'"),
    ("04.q2", SLIP, lambda f: f.tfidf_network(256, 128, loss="categorical_crossentropy"), "sparse_categorical"),
    ("04.q2", SLIP, lambda f: f.tfidf_network(256, 128, validation=False), "validation_data"),
    ("04.q2", SLIP, lambda f: f.deeper[::-1], "model first"),
    ("04.q2", TYPE, lambda f: (None, f.deeper[1]), "None"),
    ("04.q2", TYPE, lambda f: (f.deeper[0], "history"), "what deeper.fit"),
    ("04.q3", RIGHT, lambda f: {"A": "overfitting", "B": "underfitting", "C": "good fit"}, None),
    ("04.q3", RIGHT, lambda f: {"A": "Over-fitting", "B": "underfit", "C": "Good fit "}, None),
    ("04.q3", SLIP, lambda f: {"A": "not overfitting", "B": "underfitting", "C": "good fit"}, "leaves two diagnoses"),
    ("04.q3", SLIP, lambda f: {"A": "overfitting", "B": "underfitting", "C": "not underfitting"},
     "leaves two diagnoses"),
    ("04.q3", SLIP, lambda f: {"A": "underfitting", "B": "overfitting", "C": "good fit"}, "run A is not underfitting"),
    ("04.q3", TYPE, lambda f: "overfitting", "give a dict"),
    ("04.q3", TYPE, lambda f: ["overfitting", "underfitting", "good fit"], "give a dict"),
    ("04.q4", RIGHT, lambda f: (f.report["f1"].mean(), (f.report["f1"] * f.report["support"]).sum() / 155), None),
    ("04.q4", SLIP, lambda f: ((f.report["f1"] * f.report["support"]).sum() / 155, f.report["f1"].mean()), "swapped"),
    ("04.q4", SLIP, lambda f: (round(f.report["f1"].mean(), 2), (f.report["f1"] * f.report["support"]).sum() / 155),
     "rounded to 2 decimals"),
    ("04.q4", TYPE, lambda f: f.report["f1"].mean(), "tuple of two numbers"),
    ("04.q4", TYPE, lambda f: ("0.575", "0.8"), "must be numbers"),
    ("04.q5", RIGHT, lambda f: ("Shirts", "Tshirts"), None),
    ("04.q5", SLIP, lambda f: ("Tshirts", "Shirts"), "reversed"),
    ("04.q5", SLIP, lambda f: ("Tshirts", "Tshirts"), "diagonal"),
    ("04.q5", TYPE, lambda f: (1, 0), "class names"),
    ("04.q5", TYPE, lambda f: None, "give a pair"),
    ("04.q6", RIGHT, lambda f: f.top_k, None),
    ("04.q6", SLIP, lambda f: lambda p, classes, k=3: [(classes[i], p[i]) for i in np.argsort(p)[:k]], "LEAST likely"),
    ("04.q6", TYPE, lambda f: does_not_return, "returns None"),
    ("04.q6", TYPE, lambda f: f.top_k(np.full(6, 1 / 6), f.classes), "pass the function itself"),
    ("04.q7", RIGHT, lambda f: bootstrap(), None),
    ("04.q7", RIGHT, lambda f: bootstrap("loop"), None),
    ("04.q7", SLIP, lambda f: bootstrap("unpaired"), "lose the pairing"),
    ("04.q7", SLIP, lambda f: bootstrap("90%"), "90% interval"),
    ("04.q7", SLIP, lambda f: bootstrap("shares"), "percents"),
    ("04.q7", SLIP, lambda f: bootstrap("no replacement"), "WITH replacement"),
    ("04.q7", SLIP, lambda f: bootstrap("B - A"), "A minus B"),
    ("04.q7", TYPE, lambda f: bootstrap("all"), "only the two ends"),
    ("04.q7", TYPE, lambda f: does_not_return, "returns None"),
    ("04.q7", TYPE, lambda f: (0.006, 0.044), "pass the function itself"),

    # 05
    ("05.q1", RIGHT, lambda f: (32, 96, 128, 3), None),
    ("05.q1", SLIP, lambda f: (96, 128, 3), "shape of one photo"),
    ("05.q1", SLIP, lambda f: (32, 128, 96, 3), "height comes before width"),
    ("05.q1", TYPE, lambda f: None, "None"),
    ("05.q1", TYPE, lambda f: "(32, 96, 128, 3)", "not a string"),
    ("05.q2", RIGHT, lambda f: 1000 * 96 * 128 * 3 / 1e6, None),
    ("05.q2", SLIP, lambda f: 1000 * 96 * 128 * 3 * 4 / 1e6, "float32"),
    ("05.q2", SLIP, lambda f: 36.9, "rounded to 1 decimal"),
    ("05.q2", TYPE, lambda f: "36.864", "drop the quotes"),
    ("05.q2", TYPE, lambda f: None, "None"),
    ("05.q3", RIGHT, lambda f: f.photo_pipeline("decode", "cache", "batch", "scale", "prefetch"), None),
    ("05.q3", SLIP, lambda f: f.photo_pipeline("decode", "cache", "shuffle", "batch", "scale", "prefetch"),
     "do not shuffle"),
    ("05.q3", SLIP, lambda f: f.photo_pipeline("decode", "cache", "scale", "batch", "prefetch"),
     "scale after batching"),
    ("05.q3", SLIP, lambda f: f.photo_pipeline("decode", "batch", "scale", "prefetch"), "cache the decoded photos"),
    ("05.q3", SLIP, lambda f: f.photo_pipeline("decode", "cache", "batch", "scale"), "prefetch"),
    ("05.q3", TYPE, lambda f: [f.photo_pipeline("decode")], "tf.data pipeline"),
    ("05.q3", TYPE, lambda f: None, "None"),
    ("05.q4", RIGHT, lambda f: f.conv_block, None),
    ("05.q4", SLIP, lambda f: lambda x, filters, block: f.conv_block(x, filters, block, bias=True), "use_bias=False"),
    ("05.q4", SLIP, lambda f: lambda x, filters, block: f.conv_block(x, filters, block, padding="valid"),
     "padding='same'"),
    ("05.q4", SLIP, lambda f: lambda x, filters, block: f.conv_block(x, 2 * filters, block), "16 filters"),
    ("05.q4", TYPE, lambda f: does_not_return, "returns None"),
    ("05.q4", TYPE, lambda f: "conv_block", "the function itself"),
    ("05.q5", RIGHT, lambda f: 0.75, None),
    ("05.q5", SLIP, lambda f: 0.25, "weight of the image"),
    ("05.q5", SLIP, lambda f: 0.5, "best accuracy"),
    ("05.q5", TYPE, lambda f: None, "None"),
    ("05.q5", TYPE, lambda f: f.scan.loc[[3]], "not a DataFrame"),
    ("05.q6", RIGHT, lambda f: f.fusion_head, None),
    ("05.q6", SLIP, lambda f: lambda n: f.fusion_head(n, photo="raw"), "photo_part"),
    ("05.q6", SLIP, lambda f: lambda n: f.fusion_head(n, batch_norm=False), "BatchNormalization"),
    ("05.q6", TYPE, lambda f: does_not_return, "should return the keras.Model"),
    ("05.q6", TYPE, lambda f: f.fusion_head(6), "the function itself"),
    ("05.q7", RIGHT, lambda f: "macro", None),
    ("05.q7", SLIP, lambda f: "weighted", "the macro average gained more"),
    ("05.q7", SLIP, lambda f: "macro F1", 'answer "macro" or "weighted"'),
    ("05.q7", TYPE, lambda f: None, "None"),
    ("05.q7", TYPE, lambda f: f.comparison.loc["macro average"], "not a Series"),
    ("05.q8", RIGHT, lambda f: lambda title, gender, colour: " ".join(
        title.split()[:1] + [value for value in (gender, colour) if isinstance(value, str)]), None),
    ("05.q8", SLIP, lambda f: lambda title, gender, colour: f"{title.split()[0]} {gender} {colour}", "NaN"),
    ("05.q8", SLIP, lambda f: lambda title, gender, colour: f"{title.split()[-1]} {gender} {colour}",
     "first word"),
    ("05.q8", SLIP, lambda f: lambda title, gender, colour: " ".join(
        [title.split()[0]] + [value for value in (colour, gender) if isinstance(value, str)]), "order"),
    ("05.q8", TYPE, lambda f: None, "None"),
    ("05.q8", TYPE, lambda f: "Puma Men Black", "not a string"),

    # 06
    ("06.q1", RIGHT, lambda f: f.top_k_accuracy, None),
    ("06.q1", SLIP, lambda f: lambda p, y, k: f.top_k_accuracy(-p, y, k), "least"),
    ("06.q1", SLIP, lambda f: lambda p, y, k: 1 - f.top_k_accuracy(p, y, k), "mistakes"),
    ("06.q1", TYPE, lambda f: 0.99, "function itself"),
    ("06.q2", RIGHT, lambda f: 1.3, None),
    ("06.q2", SLIP, lambda f: 0.5, "highest"),
    ("06.q2", SLIP, lambda f: 1.0, "leaves the probabilities"),
    ("06.q2", TYPE, lambda f: None, "None"),
    ("06.q2", TYPE, lambda f: "1.3", "drop the quotes"),
    ("06.q3", RIGHT, lambda f: f.choose_threshold, None),
    ("06.q3", SLIP, lambda f: lambda c, r, t: f.choose_threshold(c, r, t, ties=False), "only"),  # a tie lets in more
    ("06.q3", SLIP, lambda f: lambda c, r, t: float(np.max(c)), "lower threshold"),
    ("06.q3", SLIP, lambda f: lambda c, r, t: 2.0, "accepts no listing"),
    ("06.q3", TYPE, lambda f: 0.9, "function itself"),
    ("06.q4", RIGHT, lambda f: 0.9, None),
    ("06.q4", SLIP, lambda f: 0.5, "swapped"),
    ("06.q4", SLIP, lambda f: 0.99, "sends almost everything to review"),
    ("06.q4", TYPE, lambda f: f.costs.loc[[2]], "not a DataFrame"),
    ("06.q4", TYPE, lambda f: "0.9", "drop the quotes"),
    ("06.q5", RIGHT, lambda f: f.membership, None),
    ("06.q5", SLIP, lambda f: f.membership.T, "transposed"),
    ("06.q5", SLIP, lambda f: f.membership[[1, 0, 2]], "wrong sub-category"),
    ("06.q5", TYPE, lambda f: None, "None"),
    ("06.q5", TYPE, lambda f: f.sub_category_of, "not a dict"),
    ("06.q6", RIGHT, lambda f: ["catalogue wrong", "ambiguous", "model wrong"], None),
    ("06.q6", SLIP, lambda f: ["catalog wrong", "ambiguous", "model wrong"], 'did you mean "catalogue wrong"'),
    ("06.q6", SLIP, lambda f: ["ambiguous", "ambiguous"], "2 verdicts for the 3 suspects"),
    ("06.q6", TYPE, lambda f: "ambiguous", "one string"),
    ("06.q6", TYPE, lambda f: None, "not None"),
]


def exercise_of(exercise_id: str) -> checks.Exercise:
    notebook, name = exercise_id.split(".")
    return getattr(checks.load(notebook), name)


def row_id(row) -> str:
    index = HINTS.index(row)
    return f"{row[0]}-{row[1]}-{index}"


def answer_parts(exercise_id: str, answer) -> tuple:
    """The arguments a learner's answer fills: most checks take one, a model's check its model and history."""
    return tuple(answer) if exercise_id in TWO_PART_ANSWERS else (answer,)


def run_check(capsys, row) -> str:
    """What the learner sees after check.qK(answer, ...): the printed message (an exception fails the test)."""
    exercise_id, _, answer, _ = row
    exercise_of(exercise_id)(*answer_parts(exercise_id, answer(F)), *ARGUMENTS[exercise_id](F))
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("row", HINTS, ids=row_id)
def test_each_answer_gets_its_verdict_and_hint(capsys, row):
    exercise_id, kind, _, phrase = row
    shown = run_check(capsys, row)
    assert "Traceback" not in shown and not re.search(r"\w+(Error|Exception)\b", shown), "a check crashed: " + shown
    if kind == RIGHT:
        assert "Correct!" in shown and "Not yet" not in shown, shown
    else:
        assert "Not yet" in shown and "Hint:" in shown, shown
        reason = shown.split("Hint:")[0]  # the hint itself is the same for every wrong answer
        assert phrase in reason, f"the message should name the mix-up ({phrase!r}): {shown}"


@pytest.mark.parametrize("row", [row for row in HINTS if row[1] == RIGHT], ids=row_id)
def test_right_answers_pass_in_strict_mode(monkeypatch, capsys, row):
    monkeypatch.setenv("WORKSHOP_STRICT_CHECKS", "1")
    assert "Correct!" in run_check(capsys, row)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_exercise_has_a_right_answer_a_slip_and_a_wrong_type(notebook):
    for name in dir(checks.load(notebook)):
        exercise_id = f"{notebook}.{name}"
        assert exercise_id in ARGUMENTS, f"{exercise_id} has no entry in ARGUMENTS"
        kinds = [kind for row_exercise, kind, _, _ in HINTS if row_exercise == exercise_id]
        assert {RIGHT, SLIP, TYPE} <= set(kinds), f"{exercise_id} needs rows of each kind, has {kinds}"
        right = next(answer_parts(exercise_id, answer(F))[0] for row_exercise, kind, answer, _ in HINTS
                     if row_exercise == exercise_id and kind == RIGHT)
        assert any(type(answer_parts(exercise_id, answer(F))[0]) is not type(right)
                   for row_exercise, kind, answer, _ in HINTS if row_exercise == exercise_id and kind == TYPE), (
            f"{exercise_id}: no answer of another type")


def test_messages_keep_their_meaning_without_emoji(capsys):
    """Where no emoji font is installed the emoji show as empty boxes: the words must say it all."""
    check = checks.load("00")
    check.q1(F.products["article_type"].nunique(), F.products)
    check.q1(None, F.products)
    words = re.sub(r"[^\x00-\x7f]", "", capsys.readouterr().out)
    assert "Correct!" in words and "Not yet (q1)" in words and "Hint:" in words


# ------------------------------------------------------------------- one numeric comparison, one policy
def test_one_tolerance_policy():
    assert checks.same(0.1 + 0.2, 0.3)
    assert checks.same(1.0000001, 1.0) and not checks.same(1.00001, 1.0)
    assert checks.same(432.0, 432) and not checks.same(432.9, 432) and not checks.same(432.0001, 432)
    assert checks.same(np.array([0.5, 1 / 3]), np.array([0.5, 0.3333333333]))
    assert not checks.same(np.array([0.5, 0.5]), np.array([0.5]))


def test_reference_threshold_never_cuts_a_tie():
    """Notebook 06's q3 expects the threshold of this reference."""
    confidence = np.array([0.9, 0.9, 0.9, 0.8])
    correct = np.array([True, True, False, True])
    # The first two alone are 100% right, but a threshold of 0.9 accepts all three (67%).
    assert nb06.reference_threshold(confidence, correct, 0.99) > 0.9
    assert nb06.reference_threshold(confidence, correct, 0.6) == 0.8


def test_exercise_modules_use_the_shared_comparison():
    for path in [ROOT / "workshop_utils" / "exercises" / f"nb{notebook}.py" for notebook in NOTEBOOKS]:
        source = path.read_text()
        for private in ("isclose(", "allclose(", "def same(", "def close("):
            assert private not in source, f"{path.name} compares numbers with its own {private}"


# ------------------------------------------------------------------------------- untouched blanks
def blank_cells(notebook: str):
    """The exercise cells of the notebook's student copy, as the generator writes it from the solution."""
    path = next((ROOT / "solutions").glob(f"{notebook}_*.ipynb"))
    cells = notebooks.student_copy(nbformat.read(path, as_version=4), path.name).cells
    return [cell.source for cell in cells
            if cell.cell_type == "code" and ("# YOUR CODE HERE" in cell.source or "# YOUR ANSWER HERE" in cell.source)]


class AnyName(dict):
    """Names a blank cell uses before its blank (products, config, ...) resolve to stand-ins; the
    cell's code runs with this as its globals, so a comprehension sees the names the cell binds."""

    def __missing__(self, name):
        import builtins
        from unittest import mock

        if hasattr(builtins, name):  # a dict subclass as globals is asked before the builtins
            return getattr(builtins, name)
        stand_in = mock.MagicMock(name=name)
        for comparison in ("__lt__", "__le__", "__gt__", "__ge__"):  # confidence < threshold, ...
            getattr(stand_in, comparison).return_value = mock.MagicMock(name=f"{name} compared")
        return stand_in


class ChecksWithTheseFixtures:
    """`check` of a student copy: calls the real check with the fixtures of this file."""

    def __init__(self, notebook):
        self.notebook = notebook

    def __getattr__(self, name):
        exercise = getattr(checks.load(self.notebook), name)
        return lambda answer, *ignored: exercise(answer, *ARGUMENTS[f"{self.notebook}.{name}"](F))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_running_an_untouched_blank_of_a_student_copy_says_not_done_in_one_line(notebook, capsys):
    import keras

    from workshop_utils import models

    cells = blank_cells(notebook)
    assert cells, f"the student copy of {notebook} has no blanks"
    for source in cells:
        known = {"workshop_utils": workshop_utils, "np": np, "images": images, "keras": keras, "models": models,
                 "config": type("Config", (), {"seed": 0})()}
        names = AnyName(known, check=ChecksWithTheseFixtures(notebook))
        exec(up_to_the_check(notebooks.python_source(source)), names)  # no exception: "Run all" goes on
        printed = capsys.readouterr().out.splitlines()
        name = re.search(r"check\.(q\d+)\(", source)[1]
        said = [line for line in printed if "not done yet" in line]
        assert len(said) == 1 and f"{name} is not done yet" in said[0], printed
        assert len(said[0]) < 160, f"one short sentence: {said[0]}"


def up_to_the_check(source: str) -> str:
    """A blank cell's code up to its check call (what follows uses the notebook's data, not stand-ins)."""
    import ast

    statements = ast.parse(source).body
    last = max(statement.end_lineno for statement in statements if "check.q" in ast.unparse(statement))
    return "\n".join(source.splitlines()[:last])


def test_a_blank_inside_a_function_names_its_exercise_and_raises_exercise_not_done():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n\n\ncheck.q3(f)"
    student = notebooks.blank_source(source, "t")
    assert 'raise workshop_utils.ExerciseNotDone("q3 is not done yet' in student
    assert all(len(line) <= 100 for line in student.splitlines()), "fits a projected Colab screen"
    with pytest.raises(ExerciseNotDone, match="q3 is not done yet"):  # calling the unfinished function
        exec(student.replace("check.q3(f)", "f(1)"), {"workshop_utils": workshop_utils})


def test_a_blank_shows_one_line_in_a_notebook_and_the_next_cell_runs(tmp_path):
    """The blank of notebook 01's q4 (a cell-level block), run in a kernel as a learner would."""
    from nbclient import NotebookClient

    blank = next(source for source in blank_cells("01") if "check.q4(" in source)
    setup = ("import pandas as pd\nimport workshop_utils\nimport workshop_utils.checks\n"
             "import workshop_utils.environment\nworkshop_utils.environment.show_short_errors()\n"
             "check = workshop_utils.checks.load('01')\nproducts = pd.DataFrame()")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                               for source in (setup, blank, "print('next cell')")])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert [output.output_type for output in notebook.cells[1].outputs] == ["stream"]
    assert notebook.cells[1].outputs[0].text.splitlines() == [
        "⏳ q4 is not done yet: put your answer in place of the ... (or of the line that raises "
        "ExerciseNotDone) and run the cell again."]
    assert notebook.cells[2].outputs[0].text == "next cell\n"
