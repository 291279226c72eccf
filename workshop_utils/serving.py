"""The categorizer at work (notebook 06): suggestions with a review decision, batch scoring, a web demo.

Notebook 06 works out each step in its cells (calibration, the review threshold, answering one
level up); `Categorizer` packs the results so the batch scorer and the demo app use exactly
what the notebook chose:

    title (+ photo) -> model -> probabilities ** (1 / temperature), renormalised
                    -> top 3 suggestions; the most specific level whose probability reaches
                       the threshold (leaf, then sub-category, then master category), or review
"""
from __future__ import annotations

import csv
import io
import math
import os
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import files
from .errors import CorruptDataError, ImageDecodeError, SettingError, StorageError, WorkshopError
from .text import is_missing

TOP = 3                      # the seller sees three suggestions
MAX_TITLE_CHARACTERS = 300   # the longest catalogue title has under 100; the model reads 24 words
MAX_REASON_CHARACTERS = 200  # a reason quotes a path or a cell: a data: URL would fill the screen
MAX_PHOTO_BYTES = 50 << 20   # a listing photo is far smaller; a video or a disk image is not read into memory
LEVELS = ("leaf", "sub-category", "master category")
REVIEW = "review"
OUTPUT_HEADER = "row,title,suggestion_1,"  # how score_csv's outputs begin: an earlier one may be replaced
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}  # Excel's, by locale


# ---------------------------------------------------------------- settings, checked where they enter
def setting(name: str, value, low: float, high: float = math.inf, *, above: bool = False, advice: str) -> float:
    """`value` as a float when it is a number from `low` (excluded when `above`) to `high`; else a
    SettingError naming the setting, the allowed range and what to do."""
    try:
        number = None if isinstance(value, (str, bytes, bool, np.bool_)) else float(value)
    except (TypeError, ValueError):
        number = None
    # A hair above `high` passes: "accept nothing" thresholds are the next float above the top confidence.
    if number is None or not math.isfinite(number) or not (low < number if above else low <= number) \
            or number > high + 1e-9:
        allowed = f"a number {'above' if above else 'from'} {low:g}" + (f" to {high:g}" if high < math.inf else "")
        shown = f"the text {value!r} (write numbers without quotes)" if isinstance(value, str) else repr(value)
        raise SettingError(f"{name} must be {allowed}, not {shown}: {advice}.")
    return number


def check_temperature(temperature) -> float:
    return setting("temperature", temperature, 0.0, above=True,
                   advice="1 leaves the probabilities as they are; use the one fitted in notebook 06")


def check_threshold(threshold, name: str = "threshold") -> float:
    return setting(name, threshold, 0.0, 1.0,
                   advice="it is the confidence from which a listing is auto-accepted; use the one chosen "
                          "on the calibration set in notebook 06")


def calibrate(probabilities, temperature: float) -> np.ndarray:
    """Temperature scaling: softmax(log(p) / T). T > 1 softens over-confident probabilities,
    T < 1 sharpens them; the order of the classes (so every top-k) never changes (T must be > 0)."""
    temperature = check_temperature(temperature)
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
    if np.ndim(threshold) == 0:
        threshold = check_threshold(threshold)
    elif np.shape(threshold) != (len(probabilities),):
        raise SettingError(f"threshold has {np.size(threshold)} values for {len(probabilities)} rows: "
                           "give one number, or one per row.")
    else:
        threshold = np.array([check_threshold(value) for value in threshold])
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


# ---------------------------------------------------------------- what the model will read: titles and photos
def clean_title(title) -> tuple[str, str]:
    """The title the model will read, and a note on what was done to it ("" when nothing)."""
    if isinstance(title, (bytes, bytearray)):
        title = bytes(title).decode("utf-8", errors="replace")
    title, notes = ("" if is_missing(title) else str(title)), []
    try:
        title.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (half an emoji, as a browser may send): TF refuses it
        title = title.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\ufffd", "")
        notes.append("a broken character (half an emoji?) was left out")
    title = " ".join(title.split())  # newlines and tabs from a spreadsheet become spaces
    if not title:
        return "", "; ".join(["the title is empty", *notes])
    if len(title) > MAX_TITLE_CHARACTERS:
        title = title[:MAX_TITLE_CHARACTERS]
        notes.append(f"the title was cut to its first {MAX_TITLE_CHARACTERS} characters")
    return title, "; ".join(notes)


def read_photo(photo) -> tuple[object, str]:
    """A photo (bytes, a file path or None) as a model-ready tensor, or None and the reason."""
    from . import images

    if photo is None or is_missing(photo) or (isinstance(photo, str) and not photo.strip()):
        return None, ""
    if isinstance(photo, str):
        photo = photo.strip()
        if photo.lower().startswith("data:"):
            return None, "the photo cell holds a data: URL, not a file path (save the image to a file)"
        if photo.lower().startswith(("http://", "https://", "www.")):
            return None, "the photo cell holds a web address, not a file path (download the photo first)"
    try:
        if isinstance(photo, (str, Path)):
            path = Path(photo).expanduser()
            if path.is_file() and path.stat().st_size > MAX_PHOTO_BYTES:
                return None, f"the photo file is over {MAX_PHOTO_BYTES >> 20} MB: not a listing photo"
            photo = images.read_photo_file(path)
        return images.load_photo(photo), ""
    except ImageDecodeError as problem:
        return None, str(problem).split(";")[0].removeprefix("Cannot use this photo: ")[:MAX_REASON_CHARACTERS]
    except (OSError, ValueError) as problem:  # a folder, no permission, a name too long or with a NUL
        why = getattr(problem, "strerror", None) or str(problem)
        return None, f"cannot read the photo file {str(photo)[:100]} ({why})"


# ---------------------------------------------------------------- the model's raw answers
class ModelReader:
    """Notebook 05's text or fusion model as the categorizer uses it: what it reads (titles, and
    photos when it has an "image" input), which words it knows, its probabilities."""

    def __init__(self, model):
        try:
            self.vectorizer = _find_layer(model, "vectorizer")
        except (AttributeError, ValueError):
            raise SettingError(f"model must be notebook 05's text or fusion model (a Keras model that reads "
                               f"titles), not {type(model).__name__}: load it with models.load_models.") from None
        self.model = model

    @property
    def reads_photos(self) -> bool:
        inputs = self.model.input
        return isinstance(inputs, dict) and "image" in inputs

    def known_words(self, titles: list[str]) -> np.ndarray:
        """How many words of each title the model's vocabulary knows (ids 0 and 1 are padding and unknown)."""
        from .models import string_tensor

        token_ids = np.asarray(self.vectorizer(string_tensor(titles)))
        return (token_ids > 1).sum(axis=1)

    def predict(self, titles: list[str], photos: list | None = None, batch_size: int = 1024):
        """The model's probabilities for each listing (not calibrated) and what it read ("title and
        photo" or "title only"). `photos`: tensors from `read_photo`, or None, per listing."""
        from .models import string_tensor

        photos = photos if photos is not None else [None] * len(titles)
        with_photo = np.array([photo is not None for photo in photos], dtype=bool) & self.reads_photos
        if not self.reads_photos:
            raw = _predict(self.model, string_tensor(titles), batch_size)
        elif not with_photo.any():
            raw = _titles_only(self.model, titles, batch_size)  # skips the CNN: same probabilities, faster
        else:
            from .models import missing_photos

            stacked = np.concatenate([np.asarray(photo)[np.newaxis] if use else missing_photos(1)
                                      for photo, use in zip(photos, with_photo)])
            raw = self.model.predict({"title": string_tensor(titles), "image": stacked},
                                     batch_size=min(batch_size, 256), verbose=0)
        return raw, np.where(with_photo, "title and photo", "title only")


# ---------------------------------------------------------------- settings, checked where they enter
def checked_setting(name: str, value):
    """A Categorizer setting as it is kept, or a SettingError saying what to give instead."""
    if name == "temperature":
        return check_temperature(value)
    if name == "threshold" or (name == "title_only_threshold" and value is not None):
        return check_threshold(value, name)
    if name == "classes":
        return check_classes(value)
    return value


def check_classes(classes) -> list[str]:
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise SettingError(f"classes must be the list of class names in label order, not "
                           f"{type(classes).__name__}: use notebook 05's classes (classes.json).")
    classes = [str(label) for label in classes]
    twice = sorted(name for name, count in Counter(classes).items() if count > 1)
    if twice:
        raise SettingError(f"classes names {', '.join(twice)[:100]} more than once: give each class "
                           "once, in label order (classes.json).")
    return classes


def check_tree(classes: list[str], sub_category_of: dict | None, master_category_of: dict | None) -> None:
    """Both maps or neither; with both, every class has a sub-category and that a master category."""
    if bool(sub_category_of) != bool(master_category_of):
        raise SettingError("Give both sub_category_of and master_category_of (to answer one level up), "
                           "or neither.")
    if sub_category_of:
        subs = [sub_category_of.get(name) for name in classes]
        missing = [name for name, sub in zip(classes, subs) if sub is None]
        missing += [sub for sub in subs if sub is not None and sub not in master_category_of]
        if missing:
            raise SettingError(f"sub_category_of and master_category_of give no parent for {missing[0]!r}: "
                               "build both maps from the catalogue the model was trained on.")


# ---------------------------------------------------------------- the categorizer: probabilities -> decisions
def top_suggestions(probabilities, classes) -> pd.DataFrame:
    """The TOP most probable classes of each row and their probabilities (None and NaN where the
    model has fewer classes)."""
    top = np.argsort(-probabilities, axis=1)[:, :TOP]
    names = np.asarray(classes, dtype=object)
    table = pd.DataFrame({f"suggestion_{k + 1}": names[top[:, k]] if k < top.shape[1] else None
                          for k in range(TOP)}, index=range(len(probabilities)))
    for k in range(TOP):
        table[f"probability_{k + 1}"] = (np.take_along_axis(probabilities, top[:, k:k + 1], axis=1)[:, 0].round(4)
                                         if k < top.shape[1] else np.nan)
    return table


@dataclass
class Categorizer:
    """A trained model with the temperature and the review threshold chosen on validation.

    `model` is notebook 05's fusion model (inputs "title" and "image"; a listing without a usable
    photo gets `models.missing_photos()`, and the model answers from its title) or a text model.
    The parts: `clean_title` and `read_photo` prepare a listing, `ModelReader` gives the model's
    probabilities, this class calibrates them and decides, `score_listings` scores a table.
    """

    model: object
    classes: list[str]
    temperature: float = 1.0
    threshold: float = 0.9
    title_only_threshold: float | None = None  # for listings read without a photo (None: `threshold`)
    sub_category_of: dict | None = None      # leaf -> sub-category, from the catalogue
    master_category_of: dict | None = None   # sub-category -> master category

    clean_title = staticmethod(clean_title)
    read_photo = staticmethod(read_photo)

    def __setattr__(self, name, value):
        # Settings are checked where they enter: at creation and on any later change.
        if name == "model":
            super().__setattr__("reader", ModelReader(value))
        super().__setattr__(name, checked_setting(name, value))

    def __post_init__(self):
        outputs = _output_count(self.model)
        if outputs is not None and outputs != len(self.classes):
            raise SettingError(f"The model answers with {outputs} classes but classes names {len(self.classes)}: "
                               "give the class names the model was trained with (classes.json, saved with it).")
        check_tree(self.classes, self.sub_category_of, self.master_category_of)

    @property
    def reads_photos(self) -> bool:
        return self.reader.reads_photos

    def known_words(self, titles: list[str]) -> np.ndarray:
        return self.reader.known_words(titles)

    def probabilities(self, titles: list[str], photos: list | None = None, batch_size: int = 1024):
        """Calibrated probabilities for each listing and what the model read ("title and photo" or
        "title only"). `photos`: tensors from `read_photo`, or None, per listing."""
        raw, source = self.reader.predict(titles, photos, batch_size)
        return calibrate(raw, self.temperature), source

    def decide(self, probabilities, source) -> pd.DataFrame:
        """The top suggestions, and the answer at the most specific sure level (or review)."""
        table = top_suggestions(probabilities, self.classes)
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
        # object columns: pandas 3's string dtype refuses half an emoji before clean_title can drop it
        row = self.score(pd.DataFrame({"title": pd.Series([title], dtype=object),
                                       "photo": pd.Series([photo], dtype=object)}), progress=False).iloc[0]
        suggestions = {row[f"suggestion_{k + 1}"]: float(row[f"probability_{k + 1}"])
                       for k in range(TOP) if isinstance(row[f"suggestion_{k + 1}"], str)}
        return {"suggestions": suggestions, "decision": row["decision"], "level": row["level"],
                "answer": row["answer"], "read_from": row["read_from"], "reason": row["reason"]}

    def score(self, listings: pd.DataFrame, title_column: str = "title", photo_column: str = "photo",
              batch_size: int = 1024, progress: bool = True) -> pd.DataFrame:
        """Score a table of listings, one output row per input row, in the same order (`score_listings`)."""
        return score_listings(self, listings, title_column, photo_column, batch_size, progress)


# ---------------------------------------------------------------- scoring a table of listings
SCORE_COLUMNS = ["title", *(f"suggestion_{k + 1}" for k in range(TOP)), *(f"probability_{k + 1}" for k in range(TOP)),
                 "level", "answer", "decision", "read_from", "reason"]


def score_listings(categorizer: Categorizer, listings: pd.DataFrame, title_column: str = "title",
                   photo_column: str = "photo", batch_size: int = 1024, progress: bool = True) -> pd.DataFrame:
    """Score a table of listings, one output row per input row, in the same order.

    Odd rows never stop the run: an empty title, or one with no word the model knows (only
    emoji, another script), goes to review with that reason; a very long title is cut; a
    missing or damaged photo means the title is read alone. The reason column says which."""
    if not isinstance(listings, pd.DataFrame) or title_column not in listings:
        columns = ", ".join(map(str, listings.columns)) if isinstance(listings, pd.DataFrame) else "none"
        raise WorkshopError(f"score needs a pandas DataFrame with a {title_column!r} column (it has {columns}): "
                            "name the column of listing titles, or pass title_column=.")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise SettingError(f"batch_size must be a whole number from 1, not {batch_size!r}: 1024 is a good size.")
    with warnings.catch_warnings():  # Jupyter without ipywidgets: tqdm falls back to text, say nothing
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    cleaned = [clean_title(title) for title in listings[title_column]]
    titles, notes = [title for title, _ in cleaned], [note for _, note in cleaned]
    photo_values = list(listings[photo_column]) if photo_column in listings else [None] * len(listings)
    parts = []
    with tqdm(total=len(listings), desc="scoring", unit=" listings", disable=not progress) as bar:
        for start in range(0, len(listings), batch_size):
            chunk = slice(start, start + batch_size)
            parts.append(score_chunk(categorizer, titles[chunk], notes[chunk], photo_values[chunk], batch_size))
            bar.update(len(titles[chunk]))
    result = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SCORE_COLUMNS)
    result.index = listings.index
    return result[SCORE_COLUMNS]


def score_chunk(categorizer: Categorizer, titles: list[str], notes: list[str], photo_values: list,
                batch_size: int) -> pd.DataFrame:
    """One batch of cleaned titles (with their notes) and raw photo cells, scored, with reasons."""
    photos, photo_notes = [], []
    for value in photo_values:
        photo, note = read_photo(value) if categorizer.reads_photos else (None, "")
        photos.append(photo)
        photo_notes.append(note)
    probabilities, source = categorizer.probabilities(titles, photos, batch_size=batch_size)
    table = categorizer.decide(probabilities, source)
    known = categorizer.known_words(titles)
    unreadable = np.array([not title for title in titles]) | (known == 0)
    # A listing the model cannot read gets no suggestions at all: a guess would look like an answer.
    for column in table.columns:
        if column.startswith(("suggestion_", "answer")):
            table.loc[unreadable, column] = None
        elif column.startswith("probability_"):
            table.loc[unreadable, column] = np.nan
    table.loc[unreadable, ["level", "decision"]] = REVIEW
    table.insert(0, "title", [title[:80] for title in titles])
    table["reason"] = [reason_for(*parts) for parts in zip(titles, notes, photo_notes, known)]
    return table


def reason_for(title: str, note: str, photo_note: str, known_words: int) -> str:
    """Why a listing was read as it was: notes on its title and photo ("" when nothing to say)."""
    why = [note] if note else []
    if title and known_words == 0:
        why.append("no word of the title is in the model's vocabulary")
    if photo_note:
        why.append(f"photo not used: {photo_note}; read from the title alone")
    return "; ".join(why)


def score_csv(categorizer: Categorizer, source: str | Path, suggestions_path: str | Path,
              review_path: str | Path, progress: bool = True, *, encoding: str | None = None,
              overwrite: bool = False) -> dict:
    """Read a CSV of listings (a `title` column, optionally `photo` paths), write every row's
    suggestions to `suggestions_path` and the rows that need a person to `review_path`.
    Returns counts and the rate in listings per second.

    The CSV may be UTF-8 (with or without BOM), UTF-16 or Windows-1252 (detected; `encoding`
    forces one) and separated by commas, semicolons or tabs; a relative photo path is also looked
    for next to the CSV. A row with more cells than the header goes to review with that reason.
    Nothing is lost: an output is never the CSV, one of its photos or the other output; each is
    written under a temporary name and renamed when complete; an existing file is replaced only
    when it is an earlier output of score_csv, or with overwrite=True."""
    source = Path(source).expanduser()
    outputs = [Path(suggestions_path).expanduser(), Path(review_path).expanduser()]
    files.check_outputs(outputs, [source], replaceable=lambda path: overwrite or files.begins_with(path, OUTPUT_HEADER),
                        advice="pass overwrite=True to replace it, or give the output another name")
    listings, problems = read_listings(source, encoding)
    written = {os.path.abspath(path) for path in outputs} | {str(path.resolve()) for path in outputs}
    photo = next((path for path in listings["photo"] if path and os.path.abspath(path) in written), None)
    if photo is not None:
        raise StorageError(f"{photo} is a photo of these listings: writing an output there would replace it; "
                           "give the output another name.")
    start = time.perf_counter()
    scored = categorizer.score(listings, progress=progress)
    seconds = time.perf_counter() - start
    scored.loc[scored.index[list(problems)], "reason"] = list(problems.values())
    review = scored[scored["decision"] == "review"]
    files.write_files({outputs[0]: lambda part: scored.to_csv(part, index_label="row"),
                       outputs[1]: lambda part: review.to_csv(part, index_label="row")})
    return {"listings": len(scored), "auto-accepted": int((scored["decision"] == "auto-accept").sum()),
            "to review": len(review), "seconds": seconds, "listings per second": len(scored) / max(seconds, 1e-9)}


def read_listings(source: str | Path, encoding: str | None = None,
                  required: tuple[str, ...] = ()) -> tuple[pd.DataFrame, dict[int, str]]:
    """The listings of a CSV as text columns `title`, `photo` (a relative photo path not found
    from here, but found next to the CSV, made absolute) and the `required` ones, and {row: reason}
    for the rows that cannot be read (their cells are empty)."""
    source = Path(source).expanduser()
    text = files.read_text(source, "give a CSV of listings whose first line names a 'title' column "
                                   "(in Excel: File > Save As > CSV UTF-8)", encoding)
    first = next(line for line in text.splitlines() if line.strip())
    separator = next((mark for mark in SEPARATORS if _column(_cells(first, mark), "title") is not None), None)
    if separator is None:
        raise WorkshopError(f"{source} has no 'title' column (its first line names "
                            f"{', '.join(_cells(first, ','))[:200]}): name the column of listing titles 'title'.")
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text)))  # a photo cell may hold a whole data: URL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        header, *rows = [row for row in reader if row]  # blank lines are skipped, as pandas does
    except csv.Error as error:
        raise CorruptDataError(f"{source}, line {reader.line_num}: {error}; a cell holding a {SEPARATORS[separator]}, "
                               "a quote or a line break must be in double quotes, its quotes doubled.") from None
    finally:
        csv.field_size_limit(previous)
    columns = {name: _column(header, name) for name in ("title", "photo", *required)}
    missing = [name for name in required if columns[name] is None]
    if missing:
        raise WorkshopError(f"{source} has no {missing[0]!r} column (it has {', '.join(header)[:200]}): "
                            f"name that column {missing[0]!r}.")
    problems = {number: f"the row has {len(row)} cells where the header has {len(header)} (a title holding "
                        f"a {SEPARATORS[separator]} must be in double quotes); not scored"
                for number, row in enumerate(rows) if len(row) > len(header)}
    table = {name: ["" if at is None or at >= len(row) or number in problems else row[at]
                    for number, row in enumerate(rows)] for name, at in columns.items()}
    table["photo"] = [_next_to(path.strip(), source.parent) for path in table["photo"]]
    return pd.DataFrame(table), problems


def _cells(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


def _column(header: list[str], name: str) -> int | None:
    """Where the column is: spaces and capitals do not matter ("Title " is the title)."""
    names = [cell.strip().lower() for cell in header]
    return names.index(name) if name in names else None


def _next_to(path: str, folder: Path) -> str:
    """A relative photo path that exists only next to the CSV, as a path to there."""
    path = os.path.expanduser(path)
    if path and not os.path.isabs(path) and not os.path.exists(path) and os.path.exists(folder / path):
        return str(folder / path)
    return path


def _output_count(model) -> int | None:
    """How many classes the model answers with (None when it cannot be told before predicting)."""
    try:
        return int(model.outputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


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
    return _predict(fusion_model.get_layer(FUSION_HEAD), features, batch_size)


def _predict(model, inputs, batch_size: int) -> np.ndarray:
    """model.predict, without its per-call tf.data set-up (0.1 s) when the inputs are one batch:
    a 50,000-row CSV is scored in about 50 such calls."""
    rows = len(next(iter(inputs.values())) if isinstance(inputs, dict) else inputs)
    if rows <= batch_size:
        return np.asarray(model.predict_on_batch(inputs))
    return model.predict(inputs, batch_size=batch_size, verbose=0)


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
