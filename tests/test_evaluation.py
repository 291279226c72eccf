"""Scores and the results file that collects them."""
import json

import pytest

from workshop_utils.evaluation import record_results, scores


def test_scores_of_a_perfect_and_an_imperfect_model():
    assert scores([0, 1, 2], [0, 1, 2]) == {"accuracy": 1.0, "macro_f1": 1.0, "weighted_f1": 1.0}
    imperfect = scores([0, 0, 0, 1], [0, 0, 0, 0])
    assert imperfect["accuracy"] == 0.75 and imperfect["macro_f1"] < imperfect["weighted_f1"]


def test_results_are_merged_into_one_file(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    monkeypatch.setenv("WORKSHOP_RESULTS", str(path))
    record_results("text (embedding)", [0, 1], [0, 1], notebook="04_x")
    shown = record_results("fusion (model)", [0, 1], [0, 0], notebook="05_y", class_names=["a", "b"])
    assert set(shown) == {"notebook", "accuracy", "macro_f1", "weighted_f1"}, "a flat row for a table"
    saved = json.loads(path.read_text())
    assert set(saved) == {"text (embedding)", "fusion (model)"}
    assert saved["text (embedding)"]["notebook"] == "04_x" and saved["text (embedding)"]["accuracy"] == 1.0
    assert saved["fusion (model)"]["per_class_f1"] == {"a": pytest.approx(2 / 3), "b": 0.0}
    assert saved["fusion (model)"]["per_class_support"] == {"a": 1, "b": 1}, "the slides grey out small classes"
    assert not list(tmp_path.glob("*.tmp")), "no temporary file is left behind"


def test_nothing_is_written_without_a_results_file(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKSHOP_RESULTS", raising=False)
    assert record_results("baseline (majority)", [0], [0], notebook="04")["accuracy"] == 1.0
    assert not list(tmp_path.iterdir())


def test_a_model_name_must_say_what_it_reads():
    with pytest.raises(ValueError, match="text, image, fusion, baseline"):
        record_results("my model", [0], [0], notebook="04")


def test_every_model_name_constant_is_distinct_and_accepted():
    from workshop_utils import evaluation

    assert len(set(evaluation.MODEL_NAMES)) == len(evaluation.MODEL_NAMES)
    for name in evaluation.MODEL_NAMES:
        assert record_results(name, [0], [0], notebook="05")["accuracy"] == 1.0
    short = [name for name in evaluation.MODEL_NAMES if name.endswith(evaluation.SHORT_TITLES)]
    assert short and all("short titles" in name for name in short)
    assert evaluation.on_short_titles(evaluation.FUSION_MODEL) == "fusion (model), short titles"


def test_the_paired_bootstrap_notebook_04_teaches_gives_compare_models_interval():
    """Check q7's solution (the learner's function) and the helper draw the same resamples: the
    notebook says so, and the check's right answer is the helper's interval."""
    import numpy as np

    from workshop_utils import evaluation
    from workshop_utils.exercises import nb04

    namespace = {"np": np}
    exec(nb04.q7.solution_text, namespace)
    right_a, right_b = nb04.practice_pair()
    table = evaluation.compare_models(np.zeros(len(right_a), int), np.where(right_a, 0, 1),
                                      np.where(right_b, 0, 1), resamples=500, seed=3)
    by_hand = namespace["paired_bootstrap"](right_a, right_b, resamples=500, seed=3)
    assert np.array_equal(by_hand, table.loc["accuracy", ["interval low", "interval high"]].to_numpy(float))
    assert table.loc["accuracy", "verdict"] == "A better" and table["difference"].dtype == float
