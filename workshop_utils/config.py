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

They are read in one place, `environment_value`, and become one `Config` in `make_config`.
`workshop_utils.setup()` makes the notebook's `config` that way; the helpers take their paths
from it through `current()`, so a notebook reads its settings once. (This module is
`workshop_utils.config`; a `Config` instance is `config` in the notebooks, `run` in the package.)
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


# ---------------------------------------------------------------- reading the environment
def environment_value(name: str) -> str:
    """The one place the workshop reads an environment variable: its value, stripped ("" when unset)."""
    return os.environ.get(name, "").strip()


def env_flag(name: str) -> bool | None:
    """Read a yes/no environment variable: True, False, or None when unset or empty."""
    value = environment_value(name).lower()
    if not value:
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={value!r} is not understood: set it to 1 (yes) or 0 (no), "
                       f"or unset it, and run this cell again.")


def env_path(name: str) -> Path | None:
    """A folder or file named by an environment variable, or None when unset or empty."""
    value = environment_value(name)
    return Path(value).expanduser() if value else None


def fast_mode_wanted(gpu_available: bool) -> bool:
    """WORKSHOP_FAST decides when set; otherwise fast on CPU and under CI."""
    forced = env_flag("WORKSHOP_FAST")
    if forced is not None:
        return forced
    return bool(env_flag("CI")) or not gpu_available


def default_cache_dir() -> Path:
    """Where downloads go when WORKSHOP_CACHE is unset."""
    # In a checkout the cache sits in data/cache (git-ignored); on Colab, in the home folder.
    if (CHECKOUT_DIR / "data" / "DATA_CARD.md").exists():
        return CHECKOUT_DIR / "data" / "cache"
    return Path.home() / ".cache" / "product-categorization-workshop"


# ---------------------------------------------------------------- the run's settings
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
    data_dir: Path | None = None  # a local copy of the data; None: the cache, downloaded if missing
    cache_dir: Path = field(default_factory=default_cache_dir)
    results_path: Path | None = None  # the JSON file collecting test metrics; None: not collected
    models_root: Path | None = None  # where trained models are saved; None: models/ in the cache
    offline: bool = False  # True: no download is even attempted (it would only wait for a time-out)
    strict_checks: bool = False  # True: a wrong answer to a check raises (CI runs the solutions so)

    def __post_init__(self):
        if self.models_root is None:
            object.__setattr__(self, "models_root", self.cache_dir / "models")

    @property
    def mode(self) -> str:
        return "fast" if self.fast else "full"

    @property
    def models_dir(self) -> Path:
        """Where notebook 05 saves its trained models and notebook 06 looks for them: one folder
        per mode, so a fast run never overwrites a full one."""
        return self.models_root / self.mode

    def summary(self) -> str:
        from .splits import MIN_SAMPLED_PER_CLASS

        sample = ("all products" if self.sample_size is None else
                  f"{self.sample_size:,} products (at least {MIN_SAMPLED_PER_CLASS} of each class or all it has)")
        return (f"{self.mode} mode: {sample}, up to {self.epochs} epochs, "
                f"batch size {self.batch_size}, seed {self.seed}")


def make_config(notebook: str, gpu: bool, colab: bool) -> Config:
    """The run's settings from the environment variables (read here, once) and the machine."""
    fast = fast_mode_wanted(gpu)
    budget = FAST_BUDGET if fast else FULL_BUDGET
    cache = env_path("WORKSHOP_CACHE") or default_cache_dir()
    return Config(notebook=notebook, fast=fast, gpu=gpu, colab=colab,
                  data_dir=env_path("WORKSHOP_DATA_DIR"), cache_dir=cache,
                  results_path=env_path("WORKSHOP_RESULTS"), models_root=env_path("WORKSHOP_MODELS"),
                  offline=bool(env_flag("WORKSHOP_OFFLINE")),
                  strict_checks=bool(env_flag("WORKSHOP_STRICT_CHECKS")), **budget)


_active: Config | None = None


def use(run: Config) -> Config:
    """Make `run` the settings the helpers use from now on (`setup()` does it); returns it."""
    global _active
    _active = run
    return run


def current() -> Config:
    """The settings the helpers use: the Config that `workshop_utils.setup()` made, or, when
    there was no setup (a test, the `download` command, a script), one made from the
    environment variables as they are now (budget as on a CPU: no GPU check)."""
    return _active if _active is not None else make_config("", gpu=False, colab=False)

