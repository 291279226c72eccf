"""Exercise checks for self-study: correct / not yet with a hint, the solution on request.

In a notebook:
    check = workshop_utils.checks.load("00_setup_check")
    check.q1(answer)          # says correct, or not yet with a hint
    check.q1.hint()           # the hint again
    check.q1.solution()       # only when asked

Each notebook's exercises live in workshop_utils/exercises/nbXX.py as a dict EXERCISES.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

import numpy as np

from .config import env_flag
from .errors import ExerciseNotDone

# A test returns None when the answer is right, else a short reason it is not.
Test = Callable[..., "str | None"]


@dataclass
class Exercise:
    name: str
    test: Test
    hint_text: str
    solution_text: str

    def passed(self, answer: Any, *context: Any) -> bool:
        return answer is not Ellipsis and self.reason(answer, *context) is None

    def reason(self, answer: Any, *context: Any) -> str | None:
        try:
            return self.test(answer, *context)
        except NotImplementedError:  # an answer function whose blank is still there
            raise self.not_done() from None
        except Exception as error:  # a wrong type of answer should not crash the check
            return f"checking your answer raised {type(error).__name__}: {error}"

    def not_done(self) -> ExerciseNotDone:
        return ExerciseNotDone(f"Exercise {self.name} is not done yet: replace the ... (or the "
                               "NotImplementedError line) with your answer, then run the cell again.")

    def __call__(self, answer: Any, *context: Any) -> None:
        if answer is Ellipsis:
            raise self.not_done()
        problem = self.reason(answer, *context)
        if problem is None:
            print(f"✅ {self.name}: correct.")
        elif env_flag("WORKSHOP_STRICT_CHECKS"):
            # CI runs the solutions this way, so a solution that fails its own check fails the build.
            raise AssertionError(f"{self.name}: the solution fails its own check: {problem}")
        else:
            print(f"❌ {self.name}: not yet: {problem}.\n   Hint: {self.hint_text}\n"
                  f"   (check.{self.name}.solution() shows one solution.)")

    def hint(self) -> None:
        print(f"Hint for {self.name}: {self.hint_text}")

    def solution(self) -> None:
        print(f"One solution for {self.name}:\n\n{self.solution_text.strip()}")


class ExerciseSet:
    """The exercises of one notebook, reachable as attributes: check.q1, check.q2, ..."""

    def __init__(self, notebook: str, exercises: dict[str, Exercise]):
        self.notebook = notebook
        self._exercises = exercises

    def __getattr__(self, name: str) -> Exercise:
        try:
            return self.__dict__["_exercises"][name]
        except KeyError:
            known = ", ".join(self.__dict__.get("_exercises", {}))
            raise AttributeError(f"{self.notebook} has no exercise {name!r}; its exercises are: {known}.") from None

    def __dir__(self):
        return list(self._exercises)

    def __repr__(self) -> str:
        return f"<exercises of {self.notebook}: {', '.join(self._exercises)}>"


# ---------------------------------------------------------------- helpers for the exercise modules
def as_number(answer) -> float | None:
    """The answer as a float, or None when it is not a single number (a list, a string, True)."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, (int, float, np.integer, np.floating)):
        return float(answer)
    return None


def exercise(name: str, hint: str, solution: str) -> Callable[[Test], Exercise]:
    """Decorator that turns a test function into an Exercise."""
    def wrap(test: Test) -> Exercise:
        return Exercise(name, test, hint, solution)
    return wrap


def load(notebook: str) -> ExerciseSet:
    """The checks of a notebook, by its name or number ("00_setup_check" or "00")."""
    number = notebook[:2]
    try:
        module = importlib.import_module(f"{__package__}.exercises.nb{number}")
    except ModuleNotFoundError:
        raise ValueError(f"There are no exercise checks for notebook {notebook!r}.") from None
    return ExerciseSet(notebook, {item.name: item for item in module.EXERCISES})
