"""NLTK's English stopwords: from NLTK_DATA, else downloaded, else a short built-in list."""
from __future__ import annotations

import shutil
import warnings
from functools import cache
from pathlib import Path

from .errors import DataUnavailableError

# Used only when NLTK's corpus can be neither found nor downloaded: enough for titles.
FALLBACK = frozenset("""a an and are as at be but by for from has have in into is it its of on or
that the their them they this to was were will with without""".split())


def find_corpus() -> Path | None:
    """The stopwords corpus NLTK would read (zip or folder), or None."""
    import nltk

    for resource in ("corpora/stopwords.zip", "corpora/stopwords"):
        try:
            return Path(str(nltk.data.find(resource)))
        except LookupError:
            continue
    return None


@cache
def english_stopwords() -> frozenset[str]:
    import nltk

    if find_corpus() is None:
        try:
            nltk.download("stopwords", quiet=True, raise_on_error=True)
        except Exception:
            pass
    try:
        from nltk.corpus import stopwords

        return frozenset(stopwords.words("english"))
    except LookupError:
        warnings.warn("NLTK's stopwords could not be found or downloaded, so a short built-in list "
                      "is used; set NLTK_DATA to a folder holding corpora/stopwords.zip for the full list.",
                      stacklevel=2)
        return FALLBACK


def save_stopwords(folder: Path) -> Path:
    """Put NLTK's stopwords corpus under folder/corpora (copied if present, else downloaded)."""
    import nltk

    target = Path(folder) / "corpora"
    target.mkdir(parents=True, exist_ok=True)
    corpus = find_corpus()
    if corpus is not None and corpus.suffix == ".zip":
        shutil.copyfile(corpus, target / "stopwords.zip")
    elif corpus is not None:
        shutil.copytree(corpus, target / "stopwords", dirs_exist_ok=True)
    elif not nltk.download("stopwords", download_dir=str(folder), quiet=True):
        raise DataUnavailableError("NLTK's stopwords could not be downloaded; connect to the internet "
                                   "or set NLTK_DATA to a folder that already holds them.")
    return Path(folder)
