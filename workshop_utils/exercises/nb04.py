"""Checks for 04_build_train_evaluate."""
from __future__ import annotations

import re

import numpy as np

from ..checks import as_number, describe, exercise, number_check, number_slip, same, shown, wrong_type
from .keras_models import is_sparse_categorical, kinds, layers_of, learns, setting


# ---------------------------------------------------------------- q1: the epoch early stopping keeps
q1 = number_check(
    "q1", hint="np.argmin(history['val_loss']) gives the position of the lowest validation loss, counting from 0; "
               "Keras counts epochs from 1",
    wanted="one epoch number",
    expected=lambda history: int(np.argmin(history["val_loss"])) + 1,
    slips=[(lambda expected, history: expected - 1,
            "that is the position counted from 0; Keras numbers epochs from 1"),
           (lambda expected, history: int(np.argmin(history["loss"])) + 1,
            "that is the lowest TRAINING loss; early stopping watches the validation loss"),
           (lambda expected, history: int(np.argmax(history["val_accuracy"])) + 1 if "val_accuracy" in history
            else None, "that is the best validation accuracy; EarlyStopping here monitors val_loss"),
           (lambda expected, history: len(history["val_loss"]),
            "that is the last epoch run; the weights kept are those of the lowest validation loss")],
    otherwise="epoch {shown} does not have the lowest validation loss")


# ---------------------------------------------------------------- q2: a deeper network, written and trained
DEEPER = [("Dense", 256, "relu"), ("Dropout", 0.5, None), ("Dense", 128, "relu"), ("Dropout", 0.5, None)]


def deeper_layers(layers, n_classes) -> str | None:
    """Why the layers are not Dense 256 ReLU, Dropout 0.5, Dense 128 ReLU, Dropout 0.5, Dense softmax."""
    found = kinds(layers)
    wanted = [kind for kind, _, _ in DEEPER] + ["Dense"]
    if found == ["Dense", "Dropout", "Dense"]:
        return "that is the one-layer network: add a second Dense layer of 128 units with its own Dropout"
    if found != wanted:
        return f"the layers should be {', '.join(wanted)} (in that order); yours are {', '.join(found) or 'none'}"
    for layer, (kind, size, activation) in zip(layers, DEEPER):
        if kind == "Dense" and layer.units != size:
            return f"the hidden Dense layers have 256 and then 128 units; {layer.name} has {layer.units}"
        if kind == "Dense" and setting(layer, "activation") != activation:
            return f"{layer.name} should use activation='relu', not {setting(layer, 'activation')!r}"
        if kind == "Dropout" and not same(layer.rate, size):
            return f"each Dropout switches off half the units: Dropout(0.5), not {layer.rate}"
    output = layers[-1]
    if output.units != n_classes:
        return f"the output layer needs one unit per class, len(classes) = {n_classes}, not {output.units}"
    if setting(output, "activation") != "softmax":
        return (f"the output layer turns scores into probabilities: activation='softmax', "
                f"not {setting(output, 'activation')!r}")
    return None


@exercise("q2",
          hint="copy the one-layer network's cells and add keras.layers.Dense(128, activation='relu') and "
               "keras.layers.Dropout(0.5) before the output; compile it the same way, then "
               "deeper_history = deeper.fit(X_train, y_train, validation_data=(X_val, y_val), ...)")
def q2(model, history, x, y, n_classes):
    import keras

    if isinstance(model, keras.callbacks.History):
        return "pass the model first, then what its fit returned: check.q2(deeper, deeper_history, ...)"
    if not isinstance(model, keras.Model):
        return wrong_type(model, "a Keras model, keras.Model(inputs, outputs)")
    shape = tuple(model.inputs[0].shape)
    if shape != (None, x.shape[1]):
        return (f"the input takes one row of {x.shape[1]:,} TF-IDF features: keras.Input(shape=(n_features,), ...), "
                f"not shape {shape[1:]}")
    if not model.inputs[0].sparse:
        return "X_train is a sparse matrix: keras.Input(..., sparse=True) keeps it sparse, as in the one-layer network"
    problem = deeper_layers(layers_of(model), n_classes)
    if problem:
        return problem
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return "compile the model before fitting it: deeper.compile(optimizer=..., loss=..., metrics=[...])"
    if not is_sparse_categorical(model.loss):
        return (f"the labels are integers (y_train), so the loss is 'sparse_categorical_crossentropy', "
                f"not {model.loss!r}")
    if not isinstance(history, keras.callbacks.History):
        return f"pass what deeper.fit(...) returns as the second argument, not {describe(history)}"
    if history.model is not model:
        return "that history comes from another model: pass what deeper.fit(...) returned"
    if "val_loss" not in history.history:
        return "fit with validation_data=(X_val, y_val): early stopping and the curves need the validation loss"
    if len(history.epoch) < 2:
        return "train for more than one epoch: epochs=config.epochs (early stopping ends it when it should)"
    if not learns(model, x, y):
        return "five training steps from fresh weights did not lower the loss on 256 titles: check the layers' order"
    return None


# ---------------------------------------------------------------- q3: diagnose learning curves
def diagnose(curve) -> str:
    """Overfitting: the validation loss bottoms out well before the end and climbs back while the
    training loss keeps falling. Underfitting: the training loss is still high (it has not even
    halved). Otherwise, a good fit."""
    loss, val_loss = np.asarray(curve["loss"], dtype=float), np.asarray(curve["val_loss"], dtype=float)
    best = int(np.argmin(val_loss))
    if best < len(val_loss) - 3 and val_loss[-1] > 1.1 * val_loss[best] and loss[-1] < loss[best]:
        return "overfitting"
    if loss[-1] > 0.5 * loss[0]:
        return "underfitting"
    return "good fit"


# Accepted spellings, compared without spaces or hyphens ("over-fitting", "good fit").
DIAGNOSES = {
    "overfitting": {"overfitting", "overfit", "overfits", "overfitted"},
    "underfitting": {"underfitting", "underfit", "underfits", "underfitted"},
    "good fit": {"goodfit", "good", "goodfitting", "fitswell", "wellfit", "fine", "ok", "okay", "justright"},
}


def read_diagnosis(words) -> str | None:
    """One of the three diagnoses when the answer is one of their spellings, else None: a sentence such
    as "not overfitting" contains a diagnosis it rules out, not the one it means."""
    said = re.sub(r"[^a-z]", "", str(words).lower())
    for diagnosis, spellings in DIAGNOSES.items():
        if said in spellings:
            return diagnosis
    return None


@exercise("q3",
          hint="overfitting: validation loss turns back up while training loss keeps falling; underfitting: both "
               "stay high and still fall at the end; a good fit: validation loss flattens near its minimum")
def q3(answer, curves):
    if not isinstance(answer, dict):
        return f'give a dict such as {{"A": "...", "B": "...", "C": "..."}}, not {describe(answer)}'
    missing = [name for name in curves if name not in answer]
    if missing:
        return f"say something about every run: {missing} missing"
    for name, curve in curves.items():
        said = read_diagnosis(answer[name])
        if said is None:
            negated = re.search(r"\b(not|no|isn|doesn)\b", str(answer[name]).lower())
            return (f"for run {name}, answer with one of 'overfitting', 'underfitting' or 'good fit', not "
                    f"{answer[name]!r}" + (": saying what a run is not leaves two diagnoses open" if negated else ""))
        truth = diagnose(curve)
        if said != truth:
            return f"run {name} is not {said}: look at where its validation loss is lowest, and how high its losses end"
    return None


# ---------------------------------------------------------------- q4: macro and weighted F1
@exercise("q4",
          hint="macro: report['f1'].mean(); weighted: (report['f1'] * report['support']).sum() divided by "
               "report['support'].sum()")
def q4(answer, report):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return f"give a tuple of two numbers: (macro, weighted), not {describe(answer)}"
    values = [as_number(value) for value in answer]
    if None in values:
        return f"both parts of the tuple must be numbers, not {describe(answer[values.index(None)])}"
    macro = float(report["f1"].mean())
    weighted = float((report["f1"] * report["support"]).sum() / report["support"].sum())
    got_macro, got_weighted = values
    if same(got_macro, macro) and same(got_weighted, weighted):
        return None
    if same(got_macro, weighted) and same(got_weighted, macro):
        return "the two are swapped: macro first, then weighted"
    if not same(got_macro, macro):
        return (number_slip(got_macro, macro)
                or f"the macro F1 is the plain mean of the per-class F1, not {shown(got_macro)}")
    if same(got_weighted, float((report["f1"] * report["support"]).sum())):
        return "divide the weighted sum by the total support"
    return (number_slip(got_weighted, weighted)
            or f"the weighted F1 weighs each class's F1 by its support; {shown(got_weighted)} is not it")


# ---------------------------------------------------------------- q5: the most confused pair
@exercise("q5",
          hint="copy the matrix, set its diagonal to 0 (np.fill_diagonal), take argmax and turn the flat position "
               "into (row, column) with np.unravel_index; rows are true classes, columns predicted ones")
def q5(answer, y_true, y_pred, classes):
    from sklearn.metrics import confusion_matrix

    classes = list(classes)
    matrix = confusion_matrix(y_true, y_pred, labels=range(len(classes)))
    off_diagonal = matrix.copy()
    np.fill_diagonal(off_diagonal, 0)
    largest = off_diagonal.max()
    best = {(classes[i], classes[j]) for i, j in zip(*np.nonzero(off_diagonal == largest))}
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return f"give a pair: (true class name, predicted class name), not {describe(answer)}"
    if all(isinstance(part, (int, np.integer)) for part in answer):
        return "give the class names (classes[position]), not their positions"
    pair = (str(answer[0]), str(answer[1]))
    if pair in best:
        return None
    if pair[0] == pair[1]:
        return "that is a diagonal cell (correct predictions); set the diagonal to 0 first"
    if (pair[1], pair[0]) in best:
        return "the right two classes, but reversed: rows are the true class, columns the predicted one"
    return f"{pair} is not the most frequent mistake ({largest} test titles)"


# ---------------------------------------------------------------- q6: top-k predictions
@exercise("q6",
          hint="np.argsort(probabilities) lists positions from the smallest to the largest; reverse it "
               "([::-1]) and keep the first k, then pair each position's class name with its probability",
          function="pass the function itself: check.q6(top_k, classes)")
def q6(answer, classes):
    rng = np.random.default_rng(0)
    for k in (3, 5):
        probabilities = rng.dirichlet(np.ones(len(classes)))
        got = answer(probabilities, classes, k=k)  # an unfinished function raises ExerciseNotDone here
        if got is None:
            return "your function returns None: end it with return followed by the list of pairs"
        order = np.argsort(probabilities)[::-1][:k]
        expected = [(classes[i], float(probabilities[i])) for i in order]
        try:
            got = [(name, float(probability)) for name, probability in got]
        except (TypeError, ValueError):
            return f"return a list of (class name, probability) pairs, not {describe(got)}"
        if len(got) != k:
            return f"with k={k} the function returned {len(got)} pairs"
        if [name for name, _ in got] == [classes[i] for i in np.argsort(probabilities)[:k]]:
            return "those are the LEAST likely classes: np.argsort sorts ascending, reverse it"
        if [name for name, _ in got] != [name for name, _ in expected]:
            return "the classes are not the k most likely ones, best first"
        if not all(same(a, b) for (_, a), (_, b) in zip(got, expected)):
            return "the classes are right but the probabilities do not match them"
    return None



# ---------------------------------------------------------------- q7: the paired bootstrap
def practice_pair() -> tuple[np.ndarray, np.ndarray]:
    """Two made-up models on the same 1,000 listings: both right on 820, both wrong on 85, only A right
    on 60, only B on 35. Paired, the 95% interval of the difference excludes 0; unpaired, it does not."""
    counts = {(True, True): 820, (True, False): 60, (False, True): 35, (False, False): 85}
    pairs = np.array([key for key, count in counts.items() for _ in range(count)])
    pairs = pairs[np.random.default_rng(7).permutation(len(pairs))]
    return pairs[:, 0], pairs[:, 1]


PRACTICE_RESAMPLES = 4000


def bootstrap_intervals(right_a, right_b, resamples: int, seed: int, chunk: int = PRACTICE_RESAMPLES) -> dict:
    """The interval the solution gives ("right") and those of likely slips, drawn as the solution draws
    (one chunk of rng.integers is exactly the solution's draws; more chunks keep the memory small)."""
    rng = np.random.default_rng(seed)
    paired, unpaired, one_model = [], [], []
    for size in [chunk] * (resamples // chunk):
        rows = rng.integers(0, len(right_a), size=(size, len(right_a)))
        other_rows = rng.integers(0, len(right_a), size=rows.shape)
        paired.append(right_a[rows].mean(axis=1) - right_b[rows].mean(axis=1))
        unpaired.append(right_a[rows].mean(axis=1) - right_b[other_rows].mean(axis=1))
        one_model.append(right_a[rows].mean(axis=1))
    paired, unpaired, one_model = map(np.concatenate, (paired, unpaired, one_model))
    return {"right": np.percentile(paired, [2.5, 97.5]), "90%": np.percentile(paired, [5, 95]),
            "shares": np.percentile(paired, [0.025, 0.975]), "unpaired": np.percentile(unpaired, [2.5, 97.5]),
            "one model": np.percentile(one_model, [2.5, 97.5]), "B - A": -np.percentile(paired, [97.5, 2.5])}


SLIPS = {
    "90%": "that is a 90% interval (the 5th to the 95th percentile); a 95% interval leaves 2.5% out on each "
           "side: np.percentile(differences, [2.5, 97.5])",
    "shares": "np.percentile takes percents, [2.5, 97.5], not shares ([0.025, 0.975] is for np.quantile)",
    "unpaired": "the interval is too wide: draw ONE set of rows per resample and score both models on it; "
                "separate draws for A and B lose the pairing",
    "one model": "that is an interval for one model's accuracy; return the interval of the difference "
                 "accuracy(A) - accuracy(B)",
    "B - A": "that is the interval of accuracy(B) - accuracy(A); the difference is A minus B",
}


@exercise("q7",
          hint="rng = np.random.default_rng(seed); rows = rng.integers(0, n, size=(resamples, n)) draws every "
               "resample at once, with replacement; index BOTH right_a and right_b with the same rows, take "
               ".mean(axis=1) of each and subtract; np.percentile(differences, [2.5, 97.5]) gives (low, high)",
          function="pass the function itself: check.q7(paired_bootstrap)")
def q7(answer, *ignored):
    from ..evaluation import compare_models

    right_a, right_b = practice_pair()

    def interval(seed):
        got = answer(right_a.copy(), right_b.copy(), resamples=PRACTICE_RESAMPLES, seed=seed)
        if got is None:
            return "your function returns None: end it with return low, high"
        if np.ndim(got) == 1 and len(got) == PRACTICE_RESAMPLES:
            return "that is every resample's difference; return only the two ends: np.percentile(..., [2.5, 97.5])"
        values = [as_number(value) for value in got] if isinstance(got, (tuple, list, np.ndarray)) else [None]
        if len(values) != 2 or None in values:
            return f"return the two ends of the interval, (low, high), not {describe(got)}"
        return np.array(values)

    got = interval(seed=1)
    if isinstance(got, str):
        return got
    if not np.array_equal(got, interval(seed=1)):
        return ("two calls with the same seed gave different intervals: draw from "
                "rng = np.random.default_rng(seed), created inside the function")
    low, high = got
    if same(low, high):
        return ("every resample gave the same difference: draw the rows WITH replacement (rng.integers, or "
                "replace=True), a new set for each resample")
    if low > high:
        return "the two ends are swapped: low first, then high"
    if max(abs(low), abs(high)) > 1:
        return ("a difference of two accuracies lies between -1 and 1: use means (the share of listings right), "
                "not counts or percents")
    truth = compare_models(np.zeros(len(right_a), int), np.where(right_a, 0, 1), np.where(right_b, 0, 1),
                           n_classes=2, resamples=PRACTICE_RESAMPLES, seed=1)
    if same(got, truth.loc["accuracy", ["interval low", "interval high"]].to_numpy(dtype=float)):
        return None
    # Other ways to draw (a loop, rng.choice, another generator) give other numbers: the nearest of the
    # intervals, from the solution's draws and from 5 times as many, says which one was computed.
    draws = [bootstrap_intervals(right_a, right_b, PRACTICE_RESAMPLES, seed=1),
             bootstrap_intervals(right_a, right_b, 5 * PRACTICE_RESAMPLES, seed=99)]
    distance = {name: min(np.abs(got - intervals[name]).max() for intervals in draws) for name in draws[0]}
    nearest = min(distance, key=distance.get)
    if distance[nearest] <= (0.01 if nearest == "shares" else 0.004):  # the extreme percentiles vary more
        return None if nearest == "right" else SLIPS[nearest]
    return (f"({shown(low)}, {shown(high)}) is not the 95% interval of accuracy(A) - accuracy(B) on the check's "
            f"example ({shown(draws[0]['right'][0])} to {shown(draws[0]['right'][1])} with the solution's draws)")

EXERCISES = [q1, q2, q3, q4, q5, q6, q7]
