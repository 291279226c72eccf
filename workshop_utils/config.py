"""Every setting the workshop reads: the budget, environment variables, paths.

Environment variables (all optional):
    WORKSHOP_DATA_DIR  a local copy of the data mirror (folder holding data/*.parquet)
    WORKSHOP_CACHE     where downloads are kept (default: data/cache in a checkout,
                       else ~/.cache/product-categorization-workshop)
    WORKSHOP_FAST      1 = fast mode (small sample, few epochs), 0 = full mode,
                       unset = fast on CPU and under CI, full on a GPU
    WORKSHOP_RESULTS   a JSON file that collects every notebook's test metrics
    WORKSHOP_MODELS    where notebooks save trained models (default: models/ in the cache;
                       `tasks.py lab` sets it to the learner's own my-notebooks/models)
    WORKSHOP_OFFLINE   1 = never use the network: data from WORKSHOP_DATA_DIR or the cache
                       only, no pretrained weights (CI, or a day without Wi-Fi)
    WORKSHOP_STRICT_CHECKS  1 = a wrong answer to a check raises (CI runs the solutions so)
    NLTK_DATA          NLTK's own variable: where the stopwords corpus lives
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingError

SEED = 42
PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent

# Fast mode keeps every notebook to a few minutes on a 2-core CPU; full mode uses it all.
# sample_size is exact: splits.sample_to_budget draws that many products, at least
# splits.MIN_SAMPLED_PER_CLASS of each class (the README and the guide quote both; a test holds them equal).
FAST_BUDGET = {"sample_size": 8_800, "epochs": 6, "batch_size": 64}
FULL_BUDGET = {"sample_size": None, "epochs": 20, "batch_size": 256}


def env_flag(name: str) -> bool | None:
    """Read a yes/no environment variable: True, False, or None when unset or empty."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={value!r} is not understood: set it to 1 (yes) or 0 (no), "
                       f"or unset it, and run this cell again.")


def fast_mode_wanted(gpu_available: bool) -> bool:
    """WORKSHOP_FAST decides when set; otherwise fast on CPU and under CI."""
    forced = env_flag("WORKSHOP_FAST")
    if forced is not None:
        return forced
    return bool(env_flag("CI")) or not gpu_available


def offline() -> bool:
    """WORKSHOP_OFFLINE=1: no download is even attempted (it would only wait for a time-out)."""
    return bool(env_flag("WORKSHOP_OFFLINE"))


def data_dir_from_env() -> Path | None:
    value = os.environ.get("WORKSHOP_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    value = os.environ.get("WORKSHOP_CACHE", "").strip()
    if value:
        return Path(value).expanduser()
    # In a checkout the cache sits in data/cache (git-ignored); on Colab, in the home folder.
    if (CHECKOUT_DIR / "data" / "DATA_CARD.md").exists():
        return CHECKOUT_DIR / "data" / "cache"
    return Path.home() / ".cache" / "product-categorization-workshop"


def models_root() -> Path:
    """Where notebooks save the models they train: WORKSHOP_MODELS, else models/ in the cache."""
    value = os.environ.get("WORKSHOP_MODELS", "").strip()
    return Path(value).expanduser() if value else cache_dir() / "models"


def models_dir(mode: str) -> Path:
    """Where notebook 05 saves its trained models and notebook 06 looks for them: one folder per
    mode ("fast" or "full", i.e. Config.mode), so a fast run never overwrites a full one."""
    if mode not in ("fast", "full"):
        raise ValueError(f"mode must be 'fast' or 'full', not {mode!r}.")
    return models_root() / mode


def results_path() -> Path | None:
    value = os.environ.get("WORKSHOP_RESULTS", "").strip()
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Config:
    """What a notebook needs to know about this run: its budget and where things are."""

    notebook: str
    fast: bool
    gpu: bool
    colab: bool
    sample_size: int | None
    epochs: int
    batch_size: int
    seed: int = SEED
    data_dir: Path | None = None
    cache_dir: Path = field(default_factory=cache_dir)
    results_path: Path | None = None

    @property
    def mode(self) -> str:
        return "fast" if self.fast else "full"

    def summary(self) -> str:
        from .splits import MIN_SAMPLED_PER_CLASS

        sample = ("all products" if self.sample_size is None else
                  f"{self.sample_size:,} products (at least {MIN_SAMPLED_PER_CLASS} of each class or all it has)")
        return (f"{self.mode} mode: {sample}, up to {self.epochs} epochs, "
                f"batch size {self.batch_size}, seed {self.seed}")


def make_config(notebook: str, gpu: bool, colab: bool) -> Config:
    fast = fast_mode_wanted(gpu)
    budget = FAST_BUDGET if fast else FULL_BUDGET
    return Config(notebook=notebook, fast=fast, gpu=gpu, colab=colab,
                  data_dir=data_dir_from_env(), cache_dir=cache_dir(),
                  results_path=results_path(), **budget)
