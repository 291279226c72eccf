"""Checks for 06_put_the_model_to_work. Every expected value is computed from the inputs."""
from __future__ import annotations

import difflib

import numpy as np

from ..checks import as_array, describe, exercise, number_check, same
from ..label_errors import VERDICTS


def reference_top_k_accuracy(probabilities, y_true, k: int) -> float:
    top = np.argsort(-np.asarray(probabilities), axis=1, kind="stable")[:, :k]
    return float((top == np.asarray(y_true)[:, None]).any(axis=1).mean())


def reference_threshold(confidence, correct, target: float) -> float:
    """The lowest confidence threshold whose accepted listings (confidence >= threshold) are at
    least `target` correct; 1.0 above every confidence when no threshold reaches it."""
    confidence, correct = np.asarray(confidence, dtype="float64"), np.asarray(correct, dtype=bool)
    order = np.argsort(-confidence, kind="stable")
    accuracy = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    # Only cut between different confidences: listings with the same confidence go together.
    last_of_value = np.r_[confidence[order][1:] != confidence[order][:-1], True]
    good = np.flatnonzero((accuracy >= target) & last_of_value)
    return float(confidence[order][good.max()]) if len(good) else float(np.nextafter(confidence.max(), 2.0))


@exercise("q1",
          hint="np.argsort(-probabilities, axis=1)[:, :k] gives each row's k best classes; a row counts "
               "as right when y_true is among them: compare with y_true[:, None] and use .any(axis=1)",
          function="give the function itself (top_k_accuracy, no brackets)")
def q1(function):
    rng = np.random.default_rng(6)
    probabilities = rng.dirichlet(np.ones(7), size=200)
    y_true = rng.integers(0, 7, size=200)
    for k in (1, 3, 5, 7):
        got, expected = function(probabilities, y_true, k), reference_top_k_accuracy(probabilities, y_true, k)
        if not same(got, expected):
            if k == 1 and same(got, 1 - expected):
                return "that is the share of mistakes; return the share of rows where the true class is in the top k"
            if same(got, reference_top_k_accuracy(-probabilities, y_true, k)):
                return "those are the k *least* likely classes: sort the probabilities from high to low"
            return f"with k={k} your function gives {float(got):.4f}, the true class is in the top {k} " \
                   f"for {expected:.4f} of the rows"
    return None


q2 = number_check(
    "q2", hint="the best temperature is the one with the lowest negative log-likelihood on the calibration "
               "listings: find the row of `scan` where it is smallest",
    wanted="one temperature (a number)", near_misses=False,
    expected=lambda scan: float(scan.loc[scan["calibration NLL"].idxmin(), "temperature"]),
    slips=[(lambda expected, scan: scan.loc[scan["calibration NLL"].idxmax(), "temperature"],
            "that temperature has the highest NLL (the worst fit); we want the lowest"),
           (lambda expected, scan: 1.0, "a temperature of 1 leaves the probabilities as they are; read the scan")],
    otherwise="{value:g} is not the temperature with the lowest calibration NLL in the scan")


@exercise("q3",
          hint="sort the listings by confidence, highest first; the accuracy of the first n is "
               "np.cumsum(correct) / np.arange(1, n + 1); keep the longest prefix whose accuracy reaches the "
               "target and that does not cut a group of equal confidences, and return the confidence of its "
               "last listing",
          function="give the function itself (choose_threshold, no brackets)")
def q3(function):
    rng = np.random.default_rng(60)
    confidence = np.sort(rng.uniform(0.3, 1.0, size=400))[::-1]
    correct = rng.uniform(size=400) < confidence  # a calibrated toy model
    shuffle = rng.permutation(400)
    cases = [(confidence, correct, 0.99), (confidence, correct, 0.95), (confidence, correct, 0.8),
             (confidence[shuffle], correct[shuffle], 0.9),
             (np.round(confidence, 1), correct, 0.9),  # ties: a threshold takes all of a tie or none
             (confidence, np.zeros(400, dtype=bool), 0.9)]  # nothing is ever right: accept nothing
    for conf, right, target in cases:
        got = float(function(np.asarray(conf), np.asarray(right), target))
        expected = reference_threshold(conf, right, target)
        accepted = conf >= got
        if not accepted.any() and conf.max() >= expected and right.any():
            return f"your threshold {got:.4f} accepts no listing, though {expected:.4f} keeps {target:.0%} accuracy"
        if accepted.any() and right[accepted].mean() < target:
            return (f"with target {target:.0%} your threshold {got:.4f} accepts listings that are only "
                    f"{right[accepted].mean():.2%} correct")
        if not same(got, expected):
            return (f"with target {target:.0%} a lower threshold ({expected:.4f}) also keeps the accepted "
                    f"listings {target:.0%} correct and sends fewer to review; yours is {got:.4f}")
    return None


def cheapest(costs, review_cost, error_cost) -> float:
    """The threshold of the row of `costs` with the lowest total cost."""
    total = review_cost * costs["sent to review"] + error_cost * costs["wrong and accepted"]
    return float(costs.loc[total.idxmin(), "threshold"])


q4 = number_check(
    "q4", hint="for each threshold the cost is review_cost x (listings sent to review) + error_cost x (wrong "
               "listings accepted); pick the row of `costs` with the lowest total",
    wanted="one threshold (a number)", near_misses=False,
    expected=cheapest,
    slips=[(lambda expected, costs, review_cost, error_cost: cheapest(costs, error_cost, review_cost),
            "the two costs are swapped: a review costs REVIEW_COST, a wrong accepted listing ERROR_COST"),
           (lambda expected, costs, *prices: costs["threshold"].max(),
            "that threshold sends almost everything to review; count what the reviews cost")],
    otherwise="{value:g} is not the threshold with the lowest total cost in the table")


@exercise("q5",
          hint="one row per class (in the order of `classes`), one column per sub-category (in the order of "
               "`sub_categories`); a 1 where the class belongs to the sub-category: a nested list "
               "comprehension comparing sub_category_of[name] with each sub-category, then np.array(..., dtype=float)")
def q5(membership, classes, sub_categories, sub_category_of):
    expected = np.array([[sub_category_of[name] == sub for sub in sub_categories] for name in classes], dtype=float)
    membership, problem = as_array(membership, "a matrix (a NumPy array) of 0s and 1s, one row per class")
    if problem:
        return problem
    if membership.shape == expected.T.shape and membership.shape != expected.shape:
        return f"the shape is transposed: one row per class ({len(classes)}), one column per sub-category " \
               f"({len(sub_categories)})"
    if membership.shape != expected.shape:
        return f"the matrix should have shape {expected.shape}, yours has {membership.shape}"
    if not same(membership.sum(axis=1), np.ones(len(membership))):
        return "every class belongs to exactly one sub-category: each row holds a single 1"
    if not np.array_equal(membership, expected):
        wrong = int((membership != expected).any(axis=1).sum())
        return f"{wrong} classes sit under the wrong sub-category; use sub_category_of[class]"
    return None


@exercise("q6",
          hint="one verdict per suspect, in the order shown, each exactly one of "
               + ", ".join(f'"{verdict}"' for verdict in VERDICTS)
               + ': verdicts = ["catalogue wrong", "ambiguous", ...]')
def q6(verdicts, shown):
    if isinstance(verdicts, str):
        return f"that is one string; give a list of {len(shown)} verdicts, one per suspect"
    if not isinstance(verdicts, (list, tuple, np.ndarray)) and not hasattr(verdicts, "tolist"):
        return f"give a list of {len(shown)} verdicts, not {describe(verdicts)}"
    verdicts = list(verdicts)
    if len(verdicts) != len(shown):
        return f"you gave {len(verdicts)} verdicts for the {len(shown)} suspects shown: one each, in order"
    for number, verdict in enumerate(verdicts, start=1):
        if verdict not in VERDICTS:
            close = difflib.get_close_matches(str(verdict).strip().lower(), VERDICTS, n=1, cutoff=0.5)
            meant = f' (did you mean "{close[0]}")' if close else ""
            return f"verdict {number} ({verdict!r}) is not one of the three{meant}"
    return None


EXERCISES = [q1, q2, q3, q4, q5, q6]
