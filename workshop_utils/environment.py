"""Where we run: Colab or not, GPU or not, library versions, seeds, short error display."""
from __future__ import annotations

import contextlib
import importlib.metadata
import os
import random
import re
import select
import stat
import sys
import tempfile
import threading
import warnings

import numpy as np

from .errors import WorkshopError

# The floors of pyproject.toml's requirements (tests/test_colab.py holds the two equal). CI runs the
# unit tests and notebook 04 with exactly these installed (.venv-minimum), so each is known to work.
MINIMUM_VERSIONS = {
    "tensorflow": "2.16.1",  # the first TensorFlow with Keras 3
    "keras": "3.8",  # RandomContrast(value_range=...) in images.augmentation
    "numpy": "1.26",
    "pandas": "2.1",
    "scikit-learn": "1.4",
    "nltk": "3.8",
    "matplotlib": "3.8",
    "pyarrow": "14",
    "pillow": "10",
    "tqdm": "4.64",
    "nbformat": "5.9",
    "ipython": "7.34",  # Colab's: google-colab requires ipython==7.34.0
}
# tensorflow may be installed as one of these distributions.
TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos")


def in_colab() -> bool:
    return "google.colab" in sys.modules


def installed_version(package: str) -> str | None:
    names = TENSORFLOW_DISTRIBUTIONS if package == "tensorflow" else (package,)
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = re.match(r"\d+", piece)
        if not digits:
            break
        parts.append(int(digits.group()))
        if digits.group() != piece:  # "0rc1": a pre-release, nothing after it counts
            break
    return tuple(parts)


def version_report() -> list[tuple[str, str | None, str, bool]]:
    """(package, installed version or None, minimum, ok) for every package we rely on."""
    rows = []
    for package, minimum in MINIMUM_VERSIONS.items():
        version = installed_version(package)
        ok = version is not None and version_tuple(version) >= version_tuple(minimum)
        rows.append((package, version, minimum, ok))
    return rows


# TensorFlow's C++ start-up lines ("oneDNN custom operations are on", "Could not find cuda
# drivers", "failed call to cuInit"), in the log formats of TensorFlow <= 2.20 and >= 2.21.
TENSORFLOW_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]"  # absl: I0000 00:00:1796.. 123 port.cc:153]
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\]"  # TensorFlow <= 2.20
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .*rebuild TensorFlow)")  # 2nd line of the CPU notice


@contextlib.contextmanager
def environment_variables(**values: str | None):
    """Set (or, with None, unset) environment variables for the block, then put back what was there."""
    def apply(settings):
        for name, value in settings.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    saved = {name: os.environ.get(name) for name in values}
    apply(values)
    try:
        yield
    finally:
        apply(saved)


@contextlib.contextmanager
def tensorflow_start_up_log_hidden():
    """Import TensorFlow inside this block to keep its C++ start-up log off the screen.

    TF_CPP_MIN_LOG_LEVEL hides it up to TensorFlow 2.20; from 2.21 the lines are written by
    absl before its logging is set up, which ignores that variable. So while TensorFlow
    loads, the process's standard error (file descriptor 2) goes to a temporary file; its
    log lines are dropped and anything else (a Python warning, a real error) is shown after.
    """
    if not os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if "tensorflow" in sys.modules:
        yield
        return
    try:
        sys.stderr.flush()
        caught = tempfile.TemporaryFile()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no file descriptor 2 to borrow, no temporary file
        yield
        return
    with caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [line for line in caught.read().decode(errors="replace").splitlines()
                    if line.strip() and not TENSORFLOW_LOG_LINE.match(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)


_RUNTIME_LOG_LINE = re.compile(TENSORFLOW_LOG_LINE.pattern.encode())
_runtime_log_filter: threading.Thread | None = None


def hide_runtime_log_in_notebook() -> None:
    """In a Jupyter or Colab kernel, keep C++ log lines out of the notebook for the rest of the session.

    ipykernel points file descriptor 2 at a pipe and shows what comes through it as stderr
    output, and TensorFlow's C++ runtime writes there at any time (cuInit when GPUs are listed,
    tf.data notices when a model predicts). So fd 2 becomes a pipe of ours whose thread passes
    every line on to ipykernel's pipe except log lines, which go to the kernel's terminal
    (Colab: the runtime log). Python's sys.stderr (progress bars, warnings, tracebacks) does
    not use fd 2 and is not touched. Outside a kernel that captures fd 2, nothing changes.
    """
    global _runtime_log_filter
    if _runtime_log_filter is not None or os.name != "posix":
        return
    iostream = sys.modules.get("ipykernel.iostream")  # imported when we run in a kernel
    try:
        if not (iostream and isinstance(sys.stderr, iostream.OutStream) and stat.S_ISFIFO(os.fstat(2).st_mode)):
            return
        terminal = sys.stderr.fileno()  # ipykernel's copy of the kernel's original stderr
        notebook = os.dup(2)
        source, sink = os.pipe()
    except (OSError, ValueError):
        return
    os.dup2(sink, 2)
    os.close(sink)
    _runtime_log_filter = threading.Thread(target=_pass_on_all_but_log_lines, args=(source, notebook, terminal),
                                           name="runtime-log-filter", daemon=True)
    _runtime_log_filter.start()


def _pass_on_all_but_log_lines(source: int, notebook: int, terminal: int) -> None:
    def send(lines: list[bytes]) -> None:
        for target, logged in ((notebook, False), (terminal, True)):
            data = b"".join(line for line in lines if bool(_RUNTIME_LOG_LINE.match(line)) == logged)
            if data:
                os.write(target, data)

    pending = b""
    try:
        while True:
            # Whole lines go on at once; the start of a line waits 0.1 s for its end, then goes too.
            if pending and not select.select([source], [], [], 0.1)[0]:
                send([pending])
                pending = b""
                continue
            chunk = os.read(source, 65536)
            if not chunk:  # no writer left: the kernel put its own stderr back as it shut down
                return
            lines = (pending + chunk).splitlines(keepends=True)
            pending = b"" if lines[-1].endswith((b"\n", b"\r")) else lines.pop()
            send(lines)
    except Exception:  # should this thread fail, fd 2 goes straight to ipykernel again, unfiltered
        with contextlib.suppress(OSError):
            os.dup2(notebook, 2)


def gpu_names() -> list[str]:
    with tensorflow_start_up_log_hidden():
        import keras  # noqa: F401  (keras loads TensorFlow's backend: inside the block too)
        import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def set_seeds(seed: int, deterministic_ops: bool) -> None:
    """Same seed, same numbers: Python, NumPy, TensorFlow and Keras in one call."""
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    forget_keras_global_generator()
    if deterministic_ops:
        # Exact repeatability costs speed and some GPU kernels have no deterministic
        # version, so this is switched on for CPU runs only.
        try:
            tf.config.experimental.enable_op_determinism()
        except Exception as error:  # older TensorFlow or already initialised
            warnings.warn(f"Could not switch on deterministic ops ({error}); results may vary slightly.",
                          stacklevel=2)


def forget_keras_global_generator() -> None:
    """Keras before 3.13 keeps the generator behind unseeded `keras.random` calls across
    `set_random_seed`, so those numbers did not repeat; drop it, as Keras 3.13 does, and it is
    made again from the new seed. (Private Keras names: on a Keras without them, do nothing.)"""
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator

        name = getattr(seed_generator, "GLOBAL_SEED_GENERATOR", "global_seed_generator")  # a constant in newer Keras
        global_state.set_global_attribute(name, None)
    except (ImportError, AttributeError):
        pass


def show_short_errors() -> None:
    """In IPython, show a WorkshopError, or an exercise blank that was not filled in, as its
    one-sentence message instead of a long traceback. Other errors keep their traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def short_message(shell, exception_type, exception, traceback, tb_offset=None):
        # The handler must display the error itself; the cell still counts as failed.
        if isinstance(exception, WorkshopError) or str(exception).startswith("Exercise not done yet"):
            lines = [f"{exception_type.__name__}: {exception}"]
        else:
            lines = shell.InteractiveTB.structured_traceback(exception_type, exception, traceback,
                                                             tb_offset=tb_offset)
        shell._showtraceback(exception_type, exception, lines)

    shell.set_custom_exc((WorkshopError, NotImplementedError), short_message)
