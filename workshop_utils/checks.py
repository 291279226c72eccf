"""Exercise checks for self-study: correct / not yet with a hint, the solution on request.

In a notebook:
    check = workshop_utils.checks.load("00_setup_check")
    check.q1(answer)          # says correct, not yet with a hint, or (for a blank) not done yet
    check.q1.hint()           # the hint again
    check.q1.solution()       # only when asked

Each notebook's exercises live in workshop_utils/exercises/nbXX.py as a list EXERCISES. A check
holds its teaching content: the hint, and for a numeric answer (number_check) the expected value and
the known slips with their messages. The solution is written once, in the solution notebook:
`python -m tools notebooks` copies it into exercises/solutions.json, which solution() prints.
"""
from __future__ import annotations

import functools
import importlib
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from collections.abc import Callable, Sequence

import numpy as np

from . import config
from .errors import ExerciseNotDone

# A test returns None when the answer is right, else a short reason it is not.
Test = Callable[..., "str | None"]


@functools.cache
def solution_texts() -> dict[str, dict[str, str]]:
    """{notebook number: {exercise: solution}}, as `python -m tools notebooks` took them from the solutions."""
    return json.loads(resources.files(f"{__package__}.exercises").joinpath("solutions.json").read_text("utf-8"))


@dataclass
class Exercise:
    name: str
    test: Test
    hint_text: str
    written_solution: str | None = None  # None: the solution notebook's, from solutions.json
    module: str | None = None  # the exercise module that declares it: workshop_utils.exercises.nbNN

    @property
    def notebook(self) -> str | None:
        found = re.search(r"\.nb(\d\d)$", self.module or getattr(self.test, "__module__", ""))
        return found[1] if found else None

    @property
    def solution_text(self) -> str:
        if self.written_solution is not None:
            return self.written_solution
        text = solution_texts().get(self.notebook or "", {}).get(self.name)
        if text is None:
            return (f"(no solution is recorded for {self.name} of notebook {self.notebook}: the maintainers' "
                    "`python -m tools notebooks` writes them from the solution notebook)")
        return text

    def passed(self, answer: Any, *context: Any) -> bool:
        try:
            return self.reason(answer, *context) is None
        except ExerciseNotDone:
            return False

    def reason(self, answer: Any, *context: Any) -> str | None:
        """None when the answer is right, else why not; raises ExerciseNotDone for an untouched blank."""
        if answer is Ellipsis:
            raise self.not_done()
        try:
            return self.test(answer, *context)
        except NotImplementedError:  # an answer function whose blank is still there
            raise self.not_done() from None
        except Exception as error:  # a wrong type of answer, or a function that fails, must not crash the check
            if callable(answer):
                return f"calling your function on the check's example raised {type(error).__name__}: {error}"
            return f"your answer ({describe(answer)}) could not be checked: {type(error).__name__}: {error}"

    def not_done(self) -> ExerciseNotDone:
        return ExerciseNotDone(f"{self.name} is not done yet: put your answer in place of the ... (or of the line "
                               "that raises ExerciseNotDone) and run the cell again.")

    def __call__(self, answer: Any, *context: Any) -> None:
        try:
            problem = self.reason(answer, *context)
        except ExerciseNotDone as not_done:
            # One line, not an error: "Run all" goes on past a skipped exercise (no later cell needs it).
            print(f"⏳ {not_done}")
            return
        # The words carry the meaning ("Correct!", "Not yet"): the emoji are decoration that shows
        # as an empty box where no emoji font is installed.
        if problem is None:
            print(f"✅ Correct! {self.name} is done.")
        elif config.current().strict_checks:
            # CI runs the solutions this way, so a solution that fails its own check fails the build.
            raise AssertionError(f"{self.name}: the solution fails its own check: {problem}")
        else:
            print(f"❌ Not yet ({self.name}): {problem}.\n   Hint: {self.hint_text}\n"
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
# The one tolerance policy of every check: a whole-number truth (a count) needs the exact whole
# number; any other number may differ by floating-point noise, one part in a million.
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-12


def same(answer, expected) -> bool:
    """Whether a number (or an array of numbers) equals the expected one under the policy above."""
    if isinstance(expected, (int, np.integer)) and not isinstance(expected, (bool, np.bool_)):
        return float(answer) == float(expected)
    if np.ndim(answer) or np.ndim(expected):
        answer, expected = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
        return answer.shape == expected.shape and bool(
            np.allclose(answer, expected, rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE))
    return math.isclose(float(answer), float(expected), rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)


def as_number(answer) -> float | None:
    """The answer as a float, or None when it is not a single number (a list, a string, True)."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "iuf":
        answer = answer.item()
    if isinstance(answer, (int, float, np.integer, np.floating)):
        return float(answer)
    return None


def describe(answer) -> str:
    """What a learner's answer is, in words: "a string ('0.16')", "a list of 5 values", "None"."""
    if answer is None:
        return "None"
    kind = "array" if isinstance(answer, np.ndarray) else type(answer).__name__
    article = "an" if kind[0].lower() in "aeiou" else "a"
    if isinstance(answer, str):
        return f"a string ({answer[:40]!r})"
    if isinstance(answer, (bool, np.bool_)):
        return f"a True/False value ({answer})"
    if hasattr(answer, "shape") and hasattr(answer, "__len__"):
        return f"{article} {kind} of shape {tuple(answer.shape)}"
    if isinstance(answer, (list, tuple, set, dict)):
        return f"{article} {kind} of {len(answer)} value{'' if len(answer) == 1 else 's'}"
    if callable(answer):
        return f"a function ({getattr(answer, '__name__', kind)})"
    return f"{article} {kind}"


def wrong_type(answer, wanted: str) -> str:
    """The reason for an answer of the wrong type, naming the usual mix-up behind it."""
    if answer is None:
        return (f"your answer is None, not {wanted}: a line that prints its result (answer = print(...)), "
                "or a function without a return, gives None")
    if isinstance(answer, str):
        if _number_in(answer) is not None:
            return f"give {wanted} as a number, not as text: drop the quotes around {answer!r}"
        return f"give {wanted}, not a string ({answer[:40]!r})"
    return f"give {wanted}, not {describe(answer)}"


def as_array(answer, wanted: str) -> tuple[np.ndarray | None, str | None]:
    """(the answer as an array of floats, None), or (None, why it is not one): None, a string, a ragged list."""
    if answer is None or isinstance(answer, str):
        return None, wrong_type(answer, wanted)
    try:
        return np.asarray(answer, dtype=float), None
    except (TypeError, ValueError):
        return None, f"give {wanted}, not {describe(answer)}"


def _number_in(text: str):
    try:
        return float(text.replace(",", "").replace("_", "").strip())
    except ValueError:
        return None


def number_slip(value: float, expected: float) -> str | None:
    """Names the near misses of a numeric answer: a fraction for a count, or a rounded value."""
    if isinstance(expected, (int, np.integer)):
        if not float(value).is_integer():
            return f"a count is a whole number, and {value:g} is not one"
        return None
    for decimals in range(7):
        rounded = round(float(expected), decimals)
        if rounded != 0 and not same(rounded, expected) and same(value, rounded):
            return (f"that is the right value rounded to {decimals} decimal{'' if decimals == 1 else 's'}; "
                    "give the full value (round only when you print it)")
    return None


def shown(value: float) -> str:
    """A number as the hints print it: enough digits that it never looks like the expected value."""
    return f"{value:.7g}"


def exercise(name: str, hint: str, function: str | Callable[[Any], str] | None = None) -> Callable[[Test], Exercise]:
    """Decorator that turns a test function into an Exercise (its solution: the solution notebook's).

    function: for a check whose answer is a function the learner writes, what to say when the answer
    is not one (the result of calling it, say): a message, or a function of the answer that gives one."""
    def wrap(test: Test) -> Exercise:
        if function is None:
            return Exercise(name, test, hint)

        @functools.wraps(test)
        def takes_a_function(answer, *context):
            if not callable(answer):
                return function(answer) if callable(function) else function
            return test(answer, *context)
        return Exercise(name, takes_a_function, hint)
    return wrap


# ---------------------------------------------------------------- numeric answers, declared
# A slip is (probe, message). The probe receives the expected value and the check's other arguments
# (what the notebook passes after the answer) and returns the number a learner who made that slip
# gives (compared with `same`), None when the slip cannot happen here, or a test of the answer itself
# (see answer_is).
Probe = Callable[..., Any]
Slip = tuple[Probe, str]


def answer_is(test: Callable[[float], bool]) -> Probe:
    """A probe that tests the answer itself, e.g. answer_is(lambda value: 0 < value < 1)."""
    return lambda expected, *context: test


A_FRACTION = answer_is(lambda value: 0 < value < 1)  # a share where a count was asked
PERCENTAGE: Slip = (lambda expected, *context: 100 * expected, "give a share between 0 and 1, not a percentage")


def number_check(name: str, hint: str, *, wanted: str, expected: Callable[..., float], slips: Sequence[Slip] = (),
                 otherwise: str | Callable[..., str], type_slip: Callable[[Any], str | None] | None = None,
                 near_misses: bool = True) -> Exercise:
    """The check of an answer that is one number.

    wanted: what the answer is, for a wrong type ("a number of products"); type_slip(answer): a more
    telling message for some wrong types, or None. expected(*context): the right value. slips: known
    wrong values with their messages, tried in order. near_misses: name a fraction given for a count,
    or a rounded value (number_slip). otherwise: the last word, a format string with {shown}, {value}
    and {answer}, or a function of (shown, *context)."""
    def test(answer, *context):
        value = as_number(answer)
        if value is None:
            return (type_slip(answer) if type_slip else None) or wrong_type(answer, wanted)
        truth = expected(*context)
        if same(value, truth):
            return None
        for probe, message in slips:
            slip = probe(truth, *context)
            if slip is not None and (slip(value) if callable(slip) else same(value, slip)):
                return message
        last = otherwise(shown(value), *context) if callable(otherwise) else otherwise.format(
            shown=shown(value), value=value, answer=answer)
        return (near_misses and number_slip(value, truth)) or last

    # `expected` is written in the exercise module that declares the check: its notebook's solutions.
    return Exercise(name, test, hint, module=expected.__module__)


def load(notebook: str) -> ExerciseSet:
    """The checks of a notebook, by its name or number ("00_setup_check" or "00")."""
    number = notebook[:2]
    try:
        module = importlib.import_module(f"{__package__}.exercises.nb{number}")
    except ModuleNotFoundError:
        raise ValueError(f"There are no exercise checks for notebook {notebook!r}.") from None
    return ExerciseSet(notebook, {item.name: item for item in module.EXERCISES})
