"""The exercise-check API, and that every notebook's checks load."""
from __future__ import annotations


import json

import nbformat
import pandas as pd
import pytest

from workshop_utils import checks
from workshop_utils.errors import ExerciseNotDone
from tools import ROOT, course, notebooks, solution_texts

forty_two = checks.Exercise("q9", lambda answer: None if answer == 42 else f"{answer!r} is not the answer",
                            "it is 42", "answer = 6 * 7")


def test_right_answer(capsys):
    forty_two(42)
    assert "Correct!" in capsys.readouterr().out


def test_wrong_answer_gives_a_hint_not_the_solution(capsys):
    forty_two(41)
    printed = capsys.readouterr().out
    assert "Not yet" in printed and "it is 42" in printed and "6 * 7" not in printed


def test_solution_only_when_asked(capsys):
    forty_two.solution()
    assert "6 * 7" in capsys.readouterr().out


def test_an_untouched_blank_says_not_done_in_one_line_and_does_not_stop_the_notebook(capsys, monkeypatch):
    monkeypatch.setenv("WORKSHOP_STRICT_CHECKS", "1")  # not even in CI's runs of the solutions
    forty_two(...)
    printed = capsys.readouterr().out
    assert "q9 is not done yet" in printed and printed.count("\n") == 1
    assert not forty_two.passed(...)


def test_a_check_that_raises_reports_instead_of_crashing(capsys):
    strict = checks.Exercise("q8", lambda answer: answer["missing"], "hint", "solution")
    strict({})
    printed = capsys.readouterr().out
    assert "Not yet" in printed and "could not be checked: KeyError" in printed and "Traceback" not in printed


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(AttributeError, match="q1"):
        _ = checks.load("00_setup_check").q42


def test_notebook_00_check_knows_the_common_mistake(capsys):
    products = pd.DataFrame({"master_category": ["A", "A", "A", "B"], "sub_category": ["a", "a", "b", "c"],
                             "article_type": ["w", "x", "y", "z"]})
    check = checks.load("00")
    check.q1(2, products)
    assert "another category level" in capsys.readouterr().out
    assert check.q1.passed(4, products)


@pytest.mark.parametrize("notebook", sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb")))
def test_every_notebook_with_exercises_has_its_checks(notebook):
    text = (ROOT / "solutions" / f"{notebook}.ipynb").read_text()
    if "# SOLUTION" in text or "# BEGIN SOLUTION" in text:
        exercises = checks.load(notebook)
        assert dir(exercises), f"{notebook} has exercises but no checks"
        for name in dir(exercises):
            assert f"check.{name}(" in text, f"{notebook} never calls check.{name}"


def test_an_unfinished_answer_function_says_not_done(capsys):
    def unfinished(scores):
        raise ExerciseNotDone("q7 is not done yet: replace this line with your code.")

    calls_it = checks.Exercise("q7", lambda answer: answer(1), "hint", "solution")
    calls_it(unfinished)
    assert "q7 is not done yet" in capsys.readouterr().out
    with pytest.raises(ExerciseNotDone, match="q7 is not done yet"):
        calls_it.reason(unfinished)
    assert not calls_it.passed(unfinished)


def test_a_function_whose_blank_raises_not_implemented_counts_as_not_done():
    from workshop_utils.exercises import nb06

    def blank(probabilities, y_true, k):
        raise NotImplementedError("Exercise not done yet")

    with pytest.raises(ExerciseNotDone):
        nb06.q1.reason(blank)
    assert not nb06.q1.passed(blank)


def test_strict_mode_makes_a_wrong_answer_fail(monkeypatch):
    monkeypatch.setenv("WORKSHOP_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError, match="fails its own check"):
        forty_two(41)


def test_a_function_that_fails_is_named_as_the_cause(capsys):
    def broken(scores):
        return scores.nope

    calls_it = checks.Exercise("q3", lambda answer: answer(1), "hint", "solution")
    calls_it(broken)
    printed = capsys.readouterr().out
    assert "calling your function on the check's example raised AttributeError" in printed


# ------------------------------------------------------------ solutions: written once, in the notebook
@pytest.mark.parametrize("number", [entry.number for entry in course.NOTEBOOKS])
def test_every_check_shows_the_solution_notebook_s_solution(number, capsys):
    exercises = checks.load(number)
    for name in dir(exercises):
        exercise = getattr(exercises, name)
        assert exercise.solution_text == checks.solution_texts()[number][name]
        exercise.solution()
        assert capsys.readouterr().out == f"One solution for {name}:\n\n{exercise.solution_text}\n"


def test_solution_texts_are_a_derived_file_that_goes_stale():
    path = ROOT / solution_texts.PATH
    expected = notebooks.expected_files(ROOT)
    assert path in expected and json.loads(expected[path]) == checks.solution_texts()
    assert path in notebooks.stale_files(ROOT, {path: expected[path] + " "})  # what CI's freshness test reads


def exercise_notebook(*cells):
    """A solution notebook of (kind, source) cells, kind "md", "code" or "solution" (a tagged code cell)."""
    made = [nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
            for kind, source in cells]
    for cell, (kind, _) in zip(made, cells):
        cell.metadata["tags"] = ["solution"] if kind == "solution" else []
    return nbformat.v4.new_notebook(cells=made)


def test_the_solution_text_is_the_code_a_learner_types():
    notebook = exercise_notebook(
        ("md", "### Exercise 1"), ("code", "x = 2\nanswer = 6 * x  # SOLUTION\ncheck.q1(answer)"),
        ("md", "### Exercise 2"),
        ("code", "def f(x):\n    \"\"\"Twice x.\"\"\"\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n\n\n"
                 "check.q2(f)"),
        ("md", "### Exercise 3"), ("code", "# BEGIN SOLUTION\nparts = [1, 2]\n# END SOLUTION\nprint(parts)"),
        ("solution", "answer = sum(parts)"), ("code", "check.q3(answer)"))
    assert solution_texts.notebook_solutions(notebook, "t.ipynb") == {
        "q1": "answer = 6 * x", "q2": 'def f(x):\n    """Twice x."""\n    return 2 * x',
        "q3": "parts = [1, 2]\n\nanswer = sum(parts)"}


def test_a_solution_without_its_check_call_is_an_error():
    orphan = exercise_notebook(("md", "### Exercise 1"), ("code", "answer = 42  # SOLUTION"),
                               ("md", "### Exercise 2"), ("code", "answer = 7  # SOLUTION\ncheck.q2(answer)"))
    with pytest.raises(notebooks.NotebookSourceError, match="cell 1 holds a solution"):
        solution_texts.notebook_solutions(orphan, "t.ipynb")
    two_calls = exercise_notebook(("code", "answer = 42  # SOLUTION\ncheck.q1(answer)\ncheck.q2(answer)"))
    with pytest.raises(notebooks.NotebookSourceError, match="cannot be attributed"):
        solution_texts.notebook_solutions(two_calls, "t.ipynb")


def test_a_check_without_a_solution_is_an_error(tmp_path):
    path = tmp_path / "00_setup_check.ipynb"
    without = exercise_notebook(("md", "## Exercise 1"), ("code", "answer = 14\ncheck.q1(answer, products)"))
    with pytest.raises(notebooks.NotebookSourceError, match="no solution for q1"):
        solution_texts.expected(tmp_path, {path: without})
