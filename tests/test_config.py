"""The budget and the environment variables; setup() end to end."""
from __future__ import annotations

import re

import pytest

import workshop_utils
from workshop_utils import config, environment
from tools import ROOT


@pytest.mark.parametrize("fast, ci, gpu, expected", [
    ("1", None, True, True),     # forced fast even on a GPU
    ("0", "true", False, False),  # forced full even under CI on a CPU
    (None, None, False, True),    # CPU: fast
    (None, None, True, False),    # GPU: full
    (None, "true", True, True),   # CI: fast
])
def test_fast_mode_choice(monkeypatch, fast, ci, gpu, expected):
    for name, value in (("WORKSHOP_FAST", fast), ("CI", ci)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert config.fast_mode_wanted(gpu_available=gpu) is expected


def test_a_misspelt_flag_is_explained(monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "maybe")
    with pytest.raises(ValueError, match="set it to 1"):
        config.fast_mode_wanted(gpu_available=False)


def test_fast_budget_is_smaller_than_full():
    fast = config.Config("n", True, False, False, **config.FAST_BUDGET)
    full = config.Config("n", False, True, False, **config.FULL_BUDGET)
    assert fast.sample_size < 44_072 and full.sample_size is None
    assert fast.epochs < full.epochs
    assert "fast mode" in fast.summary() and "all products" in full.summary()


def test_version_helpers():
    assert environment.version_tuple("2.20.0rc1") == (2, 20, 0)
    assert environment.version_tuple("3.13.2") > environment.version_tuple("3.9")
    report = {name: ok for name, _, _, ok in environment.version_report()}
    assert report["keras"] and report["tensorflow"], "the test environment meets the minimums"


def test_setup_reports_and_returns_the_config(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(config, "_active", None)  # put back after the test: others read the environment
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    monkeypatch.setenv("WORKSHOP_RESULTS", str(tmp_path / "results.json"))
    run = workshop_utils.setup("99_test")
    printed = capsys.readouterr().out
    assert run.fast and run.sample_size == config.FAST_BUDGET["sample_size"]
    assert run.notebook == "99_test" and run.results_path == tmp_path / "results.json"
    assert "keras" in printed and "GPU: no" in printed and "fast mode" in printed
    assert config.current() is run, "the helpers use the config setup made"


def test_helpers_use_the_settings_setup_read(monkeypatch, tmp_path):
    """Read once: after setup, a changed environment variable does not move the helpers' files."""
    from workshop_utils import evaluation

    monkeypatch.setattr(config, "_active", None)
    monkeypatch.setenv("WORKSHOP_RESULTS", str(tmp_path / "setup.json"))
    run = config.use(config.make_config("99_test", gpu=False, colab=False))
    monkeypatch.setenv("WORKSHOP_RESULTS", str(tmp_path / "later.json"))
    evaluation.record_numbers("a number", {"accuracy": 0.5}, notebook=run.notebook)
    assert (tmp_path / "setup.json").exists() and not (tmp_path / "later.json").exists()


def test_only_config_reads_the_workshop_environment_variables():
    """One channel: the helpers take their settings from a Config, never from os.environ.
    (environment.py sets process variables for TensorFlow and the seeds: not settings.)"""
    package = ROOT / "workshop_utils"
    readers = sorted(path.name for path in package.rglob("*.py")
                     if "os.environ" in path.read_text(encoding="utf-8")
                     and path.name not in ("config.py", "environment.py"))
    assert readers == []
    assert (package / "config.py").read_text(encoding="utf-8").count("os.environ") == 1


def test_seeds_repeat_random_numbers():
    import keras

    environment.set_seeds(7, deterministic_ops=False)
    first = keras.random.uniform((3,)).numpy()
    environment.set_seeds(7, deterministic_ops=False)
    assert (keras.random.uniform((3,)).numpy() == first).all()


def test_a_bad_setting_in_setup_is_one_sentence_in_a_notebook(tmp_path):
    """setup() installs the short error display before it reads the settings."""
    import os
    import subprocess
    import sys

    cell = "import workshop_utils\nworkshop_utils.setup('99_test')\n"
    program = ("from IPython.core.interactiveshell import InteractiveShell\n"
               f"InteractiveShell.instance().run_cell({cell!r})\n")
    finished = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300,
                              cwd=tmp_path, env={**os.environ, "WORKSHOP_FAST": "maybe"})
    shown = finished.stdout.strip()
    assert "SettingError: WORKSHOP_FAST='maybe' is not understood" in shown, shown
    assert shown.count("\n") == 0, f"a traceback wall:\n{shown}"


def test_models_go_where_workshop_models_says(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("WORKSHOP_MODELS", raising=False)
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    assert config.current().models_dir == tmp_path / "cache" / "models" / "fast"
    monkeypatch.setenv("WORKSHOP_MODELS", str(tmp_path / "my-notebooks" / "models"))  # what `tasks.py lab` sets
    monkeypatch.setenv("WORKSHOP_FAST", "0")
    assert config.current().models_dir == tmp_path / "my-notebooks" / "models" / "full"
    assert config.Config("n", True, False, False, **config.FAST_BUDGET, cache_dir=tmp_path).models_dir \
        == tmp_path / "models" / "fast"


def test_the_fast_sample_is_one_figure_wherever_it_is_quoted():
    """Setup prints the budget's sample size and its per-class floor; the README and the guide
    quote the same two numbers (the notebooks draw exactly that many: test_splits.py)."""

    from workshop_utils.splits import MIN_SAMPLED_PER_CLASS

    root = ROOT
    size, floor = f"{config.FAST_BUDGET['sample_size']:,} products", f"at least {MIN_SAMPLED_PER_CLASS} of each class"
    summary = config.Config("n", True, False, False, **config.FAST_BUDGET).summary()
    assert size in summary and floor in summary
    for document in ("README.md", "slides/README.md"):
        text = " ".join((root / document).read_text(encoding="utf-8").split())
        quoted = re.findall(r"a stratified sample of ([\d,]+ products), (at least \d+ of each class)", text)
        assert quoted == [(size, floor)], f"{document} quotes the fast sample as {quoted}"


def test_every_setting_read_is_documented_in_the_readme_and_in_config():
    """The variables config reads, the README's Settings table and config's docstring name the same."""
    import re

    from tools import ROOT
    from workshop_utils import config

    source = (ROOT / "workshop_utils" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_(?:flag|path)\("(WORKSHOP_\w+)"\)', source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    in_readme = set(re.findall(r"^\| `(WORKSHOP_\w+)` \|", readme, re.M))
    in_docstring = set(re.findall(r"^    (WORKSHOP_\w+) ", config.__doc__, re.M))
    assert read and read == in_readme == in_docstring, (read, in_readme, in_docstring)
