"""The categorizer at work (notebook 06): suggestions with a review decision, batch scoring, a web demo.

Notebook 06 works out each step in its cells (calibration, the review threshold, answering one
level up); `Categorizer` packs the results so the batch scorer and the demo app use exactly
what the notebook chose:

    title (+ photo) -> model -> probabilities ** (1 / temperature), renormalised
                    -> top 3 suggestions; the most specific level whose probability reaches
                       the threshold (leaf, then sub-category, then master category), or review
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ImageDecodeError
from .text import is_missing

TOP = 3                      # the seller sees three suggestions
MAX_TITLE_CHARACTERS = 300   # the longest catalogue title has under 100; the model reads 24 words
LEVELS = ("leaf", "sub-category", "master category")
REVIEW = "review"


def calibrate(probabilities, temperature: float) -> np.ndarray:
    """Temperature scaling: softmax(log(p) / T). T > 1 softens over-confident probabilities,
    T < 1 sharpens them; the order of the classes (so every top-k) never changes."""
    logits = np.log(np.clip(np.asarray(probabilities, dtype="float64"), 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    exps = np.exp(logits)
    return exps / exps.sum(axis=-1, keepdims=True)


def group_probabilities(probabilities, classes, parent_of: dict) -> tuple[np.ndarray, list[str]]:
    """Probabilities of the parents: each parent gets the sum of its children's probabilities."""
    parents = sorted({parent_of[name] for name in classes})
    membership = np.array([[parent_of[name] == parent for parent in parents] for name in classes], dtype="float64")
    return np.asarray(probabilities) @ membership, parents


def answer_with_hierarchy(probabilities, classes, sub_category_of: dict, master_category_of: dict,
                          threshold) -> pd.DataFrame:
    """For each row: the most specific level whose top probability reaches `threshold` (one number, or
    one per row): the leaf, else its sub-category, else its master category; "review" when none does.
    `sub_category_of` maps each class to its sub-category, `master_category_of` each sub-category
    to its master category. Columns: level, answer, probability."""
    probabilities = np.asarray(probabilities)
    leaf_parent = {name: sub_category_of[name] for name in classes}
    sub_probabilities, subs = group_probabilities(probabilities, classes, leaf_parent)
    master_probabilities, masters = group_probabilities(sub_probabilities, subs, master_category_of)
    level = np.full(len(probabilities), REVIEW, dtype=object)
    answer = np.full(len(probabilities), None, dtype=object)
    confidence = np.zeros(len(probabilities))
    # From the most general level to the most specific: a more specific confident answer wins.
    for name, probs, labels in ((LEVELS[2], master_probabilities, masters),
                                (LEVELS[1], sub_probabilities, subs),
                                (LEVELS[0], probabilities, list(classes))):
        sure = probs.max(axis=1) >= threshold
        level[sure] = name
        answer[sure] = np.asarray(labels, dtype=object)[probs.argmax(axis=1)[sure]]
        confidence[sure] = probs.max(axis=1)[sure]
    return pd.DataFrame({"level": level, "answer": answer, "probability": confidence})


@dataclass
class Categorizer:
    """A trained model with the temperature and the review threshold chosen on validation.

    `model` is notebook 05's fusion model (inputs "title" and "image"; a listing without a usable
    photo gets `models.missing_photos()`, and the model answers from its title) or a text model.
    """

    model: object
    classes: list[str]
    temperature: float = 1.0
    threshold: float = 0.9
    title_only_threshold: float | None = None  # for listings read without a photo (None: `threshold`)
    sub_category_of: dict | None = None      # leaf -> sub-category, from the catalogue
    master_category_of: dict | None = None   # sub-category -> master category

    @property
    def reads_photos(self) -> bool:
        inputs = self.model.input
        return isinstance(inputs, dict) and "image" in inputs

    # ------------------------------------------------------------ titles
    def known_words(self, titles: list[str]) -> np.ndarray:
        """How many words of each title the model's vocabulary knows (ids 0 and 1 are padding and unknown)."""
        from .models import string_tensor

        token_ids = np.asarray(_find_layer(self.model, "vectorizer")(string_tensor(titles)))
        return (token_ids > 1).sum(axis=1)

    @staticmethod
    def clean_title(title) -> tuple[str, str]:
        """The title the model will read, and a note on what was done to it ("" when nothing)."""
        if is_missing(title) or not str(title).strip():
            return "", "the title is empty"
        title = " ".join(str(title).split())  # newlines and tabs from a spreadsheet become spaces
        if len(title) > MAX_TITLE_CHARACTERS:
            return title[:MAX_TITLE_CHARACTERS], f"the title was cut to its first {MAX_TITLE_CHARACTERS} characters"
        return title, ""

    # ------------------------------------------------------------ photos
    @staticmethod
    def read_photo(photo) -> tuple[object, str]:
        """A photo (bytes, a file path or None) as a model-ready tensor, or None and the reason."""
        from . import images

        if photo is None or is_missing(photo) or (isinstance(photo, str) and not photo.strip()):
            return None, ""
        try:
            if isinstance(photo, (str, Path)):
                photo = images.read_photo_file(photo)
            return images.load_photo(photo), ""
        except ImageDecodeError as problem:
            return None, str(problem).split(";")[0].removeprefix("Cannot use this photo: ")

    # ------------------------------------------------------------ predictions
    def probabilities(self, titles: list[str], photos: list | None = None, batch_size: int = 1024):
        """Calibrated probabilities for each listing and what the model read ("title and photo" or
        "title only"). `photos`: tensors from `read_photo`, or None, per listing."""
        from .models import string_tensor

        photos = photos if photos is not None else [None] * len(titles)
        with_photo = np.array([photo is not None for photo in photos], dtype=bool) & self.reads_photos
        if not self.reads_photos:
            raw = self.model.predict(string_tensor(titles), batch_size=batch_size, verbose=0)
        elif not with_photo.any():
            raw = _titles_only(self.model, titles, batch_size)  # skips the CNN: same probabilities, faster
        else:
            from .models import missing_photos

            stacked = np.concatenate([np.asarray(photo)[np.newaxis] if use else missing_photos(1)
                                      for photo, use in zip(photos, with_photo)])
            raw = self.model.predict({"title": string_tensor(titles), "image": stacked},
                                     batch_size=min(batch_size, 256), verbose=0)
        return calibrate(raw, self.temperature), np.where(with_photo, "title and photo", "title only")

    def decide(self, probabilities, source) -> pd.DataFrame:
        """The top suggestions, and the answer at the most specific sure level (or review)."""
        top = np.argsort(-probabilities, axis=1)[:, :TOP]
        table = pd.DataFrame({f"suggestion_{k + 1}": np.asarray(self.classes, dtype=object)[top[:, k]]
                              for k in range(TOP)})
        for k in range(TOP):
            table[f"probability_{k + 1}"] = np.take_along_axis(probabilities, top[:, k:k + 1], axis=1)[:, 0].round(4)
        thresholds = np.full(len(probabilities), self.threshold)
        if self.title_only_threshold is not None and self.reads_photos:
            thresholds[source == "title only"] = self.title_only_threshold
        if self.sub_category_of and self.master_category_of:
            answers = answer_with_hierarchy(probabilities, self.classes, self.sub_category_of,
                                            self.master_category_of, thresholds)
        else:
            sure = probabilities.max(axis=1) >= thresholds
            answers = pd.DataFrame({"level": np.where(sure, LEVELS[0], REVIEW),
                                    "answer": np.where(sure, table["suggestion_1"], None)})
        table["level"], table["answer"] = answers["level"].to_numpy(), answers["answer"].to_numpy()
        table["decision"] = np.where(table["level"] == LEVELS[0], "auto-accept", "review")
        table["read_from"] = source
        return table

    def suggest(self, title, photo=None) -> dict:
        """One listing: {"suggestions": {class: probability} (top 3), "decision", "level", "answer",
        "read_from", "reason"}. Never raises on a bad title or photo: the reason says what happened."""
        row = self.score(pd.DataFrame({"title": [title], "photo": [photo]}), progress=False).iloc[0]
        suggestions = {row[f"suggestion_{k + 1}"]: float(row[f"probability_{k + 1}"])
                       for k in range(TOP) if isinstance(row[f"suggestion_{k + 1}"], str)}
        return {"suggestions": suggestions, "decision": row["decision"], "level": row["level"],
                "answer": row["answer"], "read_from": row["read_from"], "reason": row["reason"]}

    def score(self, listings: pd.DataFrame, title_column: str = "title", photo_column: str = "photo",
              batch_size: int = 1024, progress: bool = True) -> pd.DataFrame:
        """Score a table of listings, one output row per input row, in the same order.

        Odd rows never stop the run: an empty title, or one with no word the model knows (only
        emoji, another script), goes to review with that reason; a very long title is cut; a
        missing or damaged photo means the title is read alone. The reason column says which."""
        with warnings.catch_warnings():  # Jupyter without ipywidgets: tqdm falls back to text, say nothing
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm

        titles, notes = zip(*(self.clean_title(title) for title in listings[title_column])) if len(listings) \
            else ((), ())
        titles, notes = list(titles), list(notes)
        photo_values = listings[photo_column] if photo_column in listings else [None] * len(listings)
        parts = []
        bar = tqdm(total=len(listings), desc="scoring", unit=" listings", disable=not progress)
        for start in range(0, len(listings), batch_size):
            chunk = slice(start, start + batch_size)
            chunk_titles, chunk_notes = titles[chunk], notes[chunk]
            photos, photo_notes = [], []
            for value in list(photo_values)[chunk]:
                photo, note = self.read_photo(value) if self.reads_photos else (None, "")
                photos.append(photo)
                photo_notes.append(note)
            probabilities, source = self.probabilities(chunk_titles, photos, batch_size=batch_size)
            table = self.decide(probabilities, source)
            known = self.known_words(chunk_titles)
            unreadable = np.array([not title for title in chunk_titles]) | (known == 0)
            reasons = []
            for title, note, photo_note, words in zip(chunk_titles, chunk_notes, photo_notes, known):
                why = [note] if note else []
                if title and words == 0:
                    why.append("no word of the title is in the model's vocabulary")
                if photo_note:
                    why.append(f"photo not used: {photo_note}; read from the title alone")
                reasons.append("; ".join(why))
            # A listing the model cannot read gets no suggestions at all: a guess would look like an answer.
            for column in table.columns:
                if column.startswith(("suggestion_", "answer")):
                    table.loc[unreadable, column] = None
                elif column.startswith("probability_"):
                    table.loc[unreadable, column] = np.nan
            table.loc[unreadable, ["level", "decision"]] = REVIEW
            table.insert(0, "title", [title[:80] for title in chunk_titles])
            table["reason"] = reasons
            parts.append(table)
            bar.update(len(chunk_titles))
        bar.close()
        columns = ["title", *(f"suggestion_{k + 1}" for k in range(TOP)), *(f"probability_{k + 1}" for k in range(TOP)),
                   "level", "answer", "decision", "read_from", "reason"]
        result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
        result.index = listings.index
        return result[columns]


def score_csv(categorizer: Categorizer, source: str | Path, suggestions_path: str | Path,
              review_path: str | Path, progress: bool = True) -> dict:
    """Read a CSV of listings (a `title` column, optionally `photo` paths), write every row's
    suggestions to `suggestions_path` and the rows that need a person to `review_path`.
    Returns counts and the rate in listings per second."""
    listings = pd.read_csv(source, dtype=str, keep_default_na=False)
    if "title" not in listings:
        from .errors import WorkshopError

        raise WorkshopError(f"{source} has no 'title' column (it has {', '.join(listings.columns) or 'none'}); "
                            "name the column of listing titles 'title'.")
    start = time.perf_counter()
    scored = categorizer.score(listings, progress=progress)
    seconds = time.perf_counter() - start
    scored.to_csv(suggestions_path, index_label="row")
    review = scored[scored["decision"] == "review"]
    review.to_csv(review_path, index_label="row")
    return {"listings": len(scored), "auto-accepted": int((scored["decision"] == "auto-accept").sum()),
            "to review": len(review), "seconds": seconds, "listings per second": len(scored) / max(seconds, 1e-9)}


def _find_layer(model, name: str):
    """A layer by name, also inside the nested models of the fusion model (its text branch)."""
    for layer in model.layers:
        if layer.name == name:
            return layer
        if hasattr(layer, "layers"):
            try:
                return _find_layer(layer, name)
            except ValueError:
                pass
    raise ValueError(f"{model.name} has no layer {name!r}.")


def _titles_only(fusion_model, titles, batch_size: int):
    from .models import FUSION_HEAD, listing_features

    features = listing_features(fusion_model, titles, None, batch_size=batch_size)
    return fusion_model.get_layer(FUSION_HEAD).predict(features, batch_size=batch_size, verbose=0)


# ---------------------------------------------------------------- the demo app
def demo_answer(categorizer: Categorizer, title, photo_path=None) -> tuple[dict, str]:
    """What the demo app shows: the top 3 {category: probability} and one sentence on the decision."""
    result = categorizer.suggest(title, photo_path)
    if result["decision"] == "auto-accept":
        verdict = f"**Auto-accepted** as {result['answer']} (read from the {result['read_from']})."
    elif result["level"] in LEVELS:
        verdict = (f"**Sent to review**: not sure of the leaf; the {result['level']} is {result['answer']} "
                   f"(read from the {result['read_from']}).")
    else:
        verdict = f"**Sent to review**: not sure of any category (read from the {result['read_from']})."
    if result["reason"]:
        verdict += f" Note: {result['reason']}."
    return result["suggestions"], verdict


def demo_app(categorizer: Categorizer, examples: list | None = None):
    """A Gradio app: type a title, upload a photo, see the top 3 and whether it goes to review."""
    import gradio as gr

    def answer(title, photo_path):
        return demo_answer(categorizer, title, photo_path)

    with gr.Blocks(title="Product categorizer") as app:
        gr.Markdown("## Product categorizer\nType a listing's title, add a photo if you have one, "
                    "and see the three suggestions a seller would get.")
        with gr.Row():
            with gr.Column():
                title = gr.Textbox(label="Title", placeholder="e.g. Nike Men White Running Shoes", elem_id="title")
                photo = gr.Image(label="Photo (optional)", type="filepath", height=200, elem_id="photo")
                button = gr.Button("Suggest categories", variant="primary", elem_id="suggest")
            with gr.Column():
                suggestions = gr.Label(num_top_classes=TOP, label="Top 3 suggestions", elem_id="suggestions")
                decision = gr.Markdown(elem_id="decision")
        button.click(answer, inputs=[title, photo], outputs=[suggestions, decision])
        title.submit(answer, inputs=[title, photo], outputs=[suggestions, decision])
        if examples:
            gr.Examples(examples=[[example] for example in examples], inputs=[title])
    return app
