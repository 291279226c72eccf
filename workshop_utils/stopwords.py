"""NLTK's English stopwords: from NLTK_DATA, else downloaded, else a short built-in list."""
from __future__ import annotations

import contextlib
import io
import shutil
import socket
import warnings
from functools import cache
from inspect import signature
from pathlib import Path

from .errors import DataUnavailableError

# Used only when NLTK's corpus can be neither found nor downloaded: enough for titles.
FALLBACK = frozenset("""a an and are as at be but by for from has have in into is it its of on or
that the their them they this to was were will with without""".split())
# What the fallback changes, measured on the catalogue's 44,072 titles (normalise_titles with
# NLTK's 179 words, then with FALLBACK): "off", "her", "only", "me", "all" stay in titles.
FALLBACK_EFFECT = "878 of the 44,072 titles (2%) normalise differently"

# Where NLTK's downloader looks up its packages; seconds of silence before a download gives up.
INDEX_URL = "https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/index.xml"
TIMEOUT = 10.0


def find_corpus() -> Path | None:
    """The stopwords corpus NLTK would read (zip or folder), or None."""
    import nltk

    for resource in ("corpora/stopwords.zip", "corpora/stopwords"):
        try:
            return Path(str(nltk.data.find(resource)))
        except LookupError:
            continue
    return None


def download_corpus(download_dir: str | None = None, *, timeout: float = TIMEOUT) -> bool:
    """NLTK's downloader with a time limit on every network read, and without its console noise
    ("[nltk_data] Error loading ..."): True when the corpus arrived."""
    from nltk.downloader import Downloader

    silent = io.StringIO()
    options = {"print_error_to": silent} if "print_error_to" in signature(Downloader.download).parameters else {}
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # NLTK's urlopen calls pass no timeout of their own
    try:
        with contextlib.redirect_stdout(silent), contextlib.redirect_stderr(silent):
            return bool(Downloader(server_index_url=INDEX_URL).download(
                "stopwords", download_dir=download_dir, quiet=True, raise_on_error=True, **options))
    except Exception:  # offline, a proxy, a time-out, a broken file: the caller says what follows
        return False
    finally:
        socket.setdefaulttimeout(previous)


@cache
def english_stopwords(timeout: float = TIMEOUT) -> frozenset[str]:
    """NLTK's 179 English stopwords; downloaded when missing (never with WORKSHOP_OFFLINE=1);
    the 33 words of FALLBACK, with a warning that says what changes, when neither works."""
    from .config import current

    if find_corpus() is None and not current().offline:
        download_corpus(timeout=timeout)
    try:
        from nltk.corpus import stopwords

        return frozenset(stopwords.words("english"))
    except (LookupError, OSError):
        why = "WORKSHOP_OFFLINE=1 forbids downloading them" if current().offline else "they could not be downloaded"
        warnings.warn(f"NLTK's stopwords are not on this machine and {why}, so a built-in list of "
                      f"{len(FALLBACK)} words is used: {FALLBACK_EFFECT}, so your numbers will differ slightly "
                      "from the notebook's; set NLTK_DATA to a folder holding corpora/stopwords.zip for the full "
                      "list.", stacklevel=2)
        return FALLBACK


def save_stopwords(folder: Path) -> Path:
    """Put NLTK's stopwords corpus under folder/corpora (copied if present, else downloaded)."""
    from .data import writing_into

    folder = Path(folder)
    target = folder / "corpora"
    corpus = find_corpus()
    with writing_into(folder):
        target.mkdir(parents=True, exist_ok=True)
        if corpus is not None and corpus.suffix == ".zip":
            if corpus.resolve() != (target / "stopwords.zip").resolve():  # NLTK_DATA is this folder already
                shutil.copyfile(corpus, target / "stopwords.zip")
        elif corpus is not None:
            if corpus.resolve() != (target / "stopwords").resolve():
                shutil.copytree(corpus, target / "stopwords", dirs_exist_ok=True)
        elif not download_corpus(str(folder)):
            raise DataUnavailableError("NLTK's stopwords could not be downloaded; connect to the internet "
                                       "or set NLTK_DATA to a folder that already holds them.")
    return folder
