"""The answer key and the exit questions: generated from the solutions, complete, and up to date.

The values come from running the solution notebooks (`python -m tools answer-key`), never
from a hand: these tests fail when a notebook gains an exercise the last run did not record, when
the Recall questions change and the printed files were not regenerated, and when the recorder
misses a check call.
"""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

from tools import answer_key

SOLUTIONS = answer_key.solution_paths()


def test_the_answer_key_and_the_exit_questions_are_up_to_date():
    stale = answer_key.stale()
    assert not stale, (f"out of date: {[path.name for path in stale]}; run `python -m tools answer-key "
                       "--render` (the notebooks' exercises or Recall changed, or a new run was stored)")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_exercise_has_its_fast_mode_value(path):
    recorded = answer_key.load_recorded("fast").get(path.stem, {})
    missing = [exercise.check for exercise in answer_key.exercises(path) if exercise.check not in recorded]
    assert not missing, (f"{path.stem}: no recorded answer for {missing}; run `python -m tools answer-key "
                         f"--mode fast {path.stem[:2]}`")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_a_full_mode_run_when_recorded_covers_every_exercise(path):
    recorded = answer_key.load_recorded("full").get(path.stem)
    if recorded is None:
        pytest.skip(f"no full-mode run of {path.stem} recorded yet (the key says so)")
    missing = [exercise.check for exercise in answer_key.exercises(path) if exercise.check not in recorded]
    assert not missing, f"{path.stem}: the full-mode run misses {missing}; run it again"


def test_the_exercise_list_reads_headings_titles_and_optional_sections(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source) for source in [
        "# 99 · A notebook",
        "## 1. Core things\n\n### Exercise 1: the first one",
        "## 2. More things (optional)\n\n### Exercise 2: inside an optional section",
        "## 3. Back to the core\n\n### Exercise 3: marked itself (optional)",
        "## Exercise 4\n\nHow many *rows* does the\ntable have? Compute it.",
    ]])
    path = tmp_path / "99_notebook.ipynb"
    nbformat.write(notebook, path)
    exercise = answer_key.Exercise
    assert answer_key.exercises(path) == [
        exercise(1, "the first one", False), exercise(2, "inside an optional section", True),
        exercise(3, "marked itself", True), exercise(4, "How many rows does the table have?", False)]


@pytest.mark.parametrize("answer, expected", [
    (np.int64(850432), "850,432"), (0.10742, "0.1074"), ("Sports Shoes", "'Sports Shoes'"), (True, "True"),
    ((0.966, 0.963), "(0.966, 0.963)"), ({"A": "overfitting"}, "{'A': 'overfitting'}"),
    (np.zeros((5, 53)), "an array of shape (5, 53)"), (pd.Series([0.5, 1.0]), "2 values from 0.5 to 1"),
    (list(range(10)), "[0, 1, 2, 3, 4, 5, 6, 7, ... (10 in all)]"), ([1234], "[1234]"), (len, "function len"),
    (type("Model", (), {"count_params": lambda self: 1234, "__call__": lambda self, x: x})(),
     "a model with 1,234 parameters"),  # a Keras model is callable, but not a function to try
])
def test_answers_are_shown_short_and_exact(answer, expected):
    assert answer_key.shown(answer) == expected


def test_the_recorder_sees_each_check_call_and_what_its_cell_prints(tmp_path):
    """The recorder runs after the setup cell and sees a check call as the learner makes it."""
    cells = [nbformat.v4.new_code_cell("pass", metadata={"tags": ["setup"]}),
             nbformat.v4.new_markdown_cell("## Exercise 1: count the leaves"),
             nbformat.v4.new_code_cell(
                 "import pandas as pd\nimport workshop_utils.checks\n"
                 "products = pd.DataFrame({'article_type': ['Tshirts', 'Watches', 'Tshirts']})\n"
                 "check = workshop_utils.checks.load('00_setup_check')\n"
                 "answer = products['article_type'].nunique()\nprint('two kinds')\ncheck.q1(answer, products)")]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert answer_key.run(path, "fast", timeout=120) == {"q1": {"answer": "2", "prints": ["two kinds"]}}


def test_the_stored_runs_are_json_the_key_can_read():
    for mode in answer_key.MODES:
        path = answer_key.recorded_path(mode)
        if path.exists():
            stored = json.loads(path.read_text(encoding="utf-8"))
            assert all(set(entry) == {"answer", "prints"} for checks in stored.values() for entry in checks.values())
