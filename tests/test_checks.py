"""The exercise-check API, and that every notebook's checks load."""
from __future__ import annotations


import pandas as pd
import pytest

from workshop_utils import checks
from workshop_utils.errors import ExerciseNotDone
from tools import ROOT



@checks.exercise("q9", hint="it is 42", solution="answer = 6 * 7")
def forty_two(answer):
    return None if answer == 42 else f"{answer!r} is not the answer"


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
