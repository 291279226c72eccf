"""Helpers for the product-categorization workshop: setup, data, splits, checks.

What the workshop teaches stays in the notebooks; this package only does the chores.
"""
from __future__ import annotations

import warnings

from .config import Config
from .errors import (CorruptDataError, DataUnavailableError, ExerciseNotDone, ImageDecodeError,
                     SavedModelError, WorkshopError)

__version__ = "0.1.0"
__all__ = ["setup", "Config", "WorkshopError", "DataUnavailableError", "CorruptDataError",
           "ImageDecodeError", "SavedModelError", "ExerciseNotDone", "__version__"]

# NLTK >= 3.10 and newer Keras import huggingface_hub when it is installed (Gradio brings it), and
# that imports tqdm.auto: in Jupyter without ipywidgets it warns "IProgress not found" in red.
# Its plain-text progress bars work, so the warning only alarms a learner.
warnings.filterwarnings("ignore", message="IProgress not found")


def setup(notebook: str = "notebook", *, verbose: bool = True) -> Config:
    """The one call after the install cell: versions, GPU, seeds, budget. Returns the config."""
    from . import config, environment

    # First, so that a bad setting below is already shown as one sentence.
    environment.show_short_errors()
    environment.hide_runtime_log_in_notebook()  # before TensorFlow loads, which may log at any time
    colab = environment.in_colab()
    gpus = environment.gpu_names()  # imports TensorFlow with its C++ start-up log hidden
    run = config.use(config.make_config(notebook, gpu=bool(gpus), colab=colab))  # what the helpers use
    environment.set_seeds(run.seed, deterministic_ops=not gpus)
    if verbose:
        report(run, gpus)
    return run


def report(run: Config, gpus: list[str]) -> None:
    from . import environment

    versions = environment.version_report()
    print("  ".join(f"{name} {version or 'missing'}" for name, version, _, _ in versions))
    for name, version, minimum, ok in versions:
        if not ok:
            print(f"⚠️  {name} {version or 'is not installed'}: this workshop needs {name} >= {minimum}; "
                  f"run  %pip install -U \"{name}>={minimum}\"  and restart the runtime.")
    if gpus:
        print(f"GPU: yes ({len(gpus)} device{'s' if len(gpus) > 1 else ''})")
    elif run.colab:
        print("GPU: no. For faster training pick Runtime > Change runtime type > T4 GPU, "
              "then run this cell again (every notebook also finishes on CPU).")
    else:
        print("GPU: no" + (" (every notebook finishes on CPU with the fast budget)." if run.fast
                           else "; full mode on a CPU is slow: expect long training cells."))
    print(run.summary())
    source = f"local copy {run.data_dir}" if run.data_dir else f"cache {run.cache_dir} (downloaded if missing)"
    print(f"Data: {source}")
