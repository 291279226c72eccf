"""benchmarks/run.py checks the workshop's claims on a results file, and fails loudly when one is missing."""
from __future__ import annotations

import importlib.util
import json

from workshop_utils import evaluation
from tools import ROOT



def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(notebook, accuracy, macro_f1=None):
    macro_f1 = accuracy if macro_f1 is None else macro_f1
    return {"notebook": notebook, "accuracy": accuracy, "macro_f1": macro_f1, "weighted_f1": accuracy}


def paired(difference, low, high):
    return {"notebook": "05_image_branch_and_fusion", "difference": difference, "interval low": low,
            "interval high": high, "McNemar p": 0.01, "verdict": "noise" if low <= 0 <= high else "A better"}


NOTEBOOK_05 = {
    evaluation.TEXT_MODEL: entry("05_image_branch_and_fusion", 0.980),
    evaluation.FUSION_MODEL: entry("05_image_branch_and_fusion", 0.984, 0.985),
    evaluation.TEXT_BOTH_SHORT: entry("05_image_branch_and_fusion", 0.55),
    evaluation.LOOKUP_SHORT: entry("05_image_branch_and_fusion", 0.47),
    evaluation.FUSION_MODEL_SHORT: entry("05_image_branch_and_fusion", 0.88),
    evaluation.PAIRED_FULL: paired(0.002, -0.001, 0.005),
    evaluation.PAIRED_SHORT_FAIR: paired(0.33, 0.31, 0.35),
    evaluation.PAIRED_SHORT_PHOTO: paired(0.05, 0.04, 0.06),
}
FAIR = "short titles: the fusion model beats text trained on the same short titles"
PHOTO = "short titles: the fusion model beats the photo alone"


def test_the_claims_are_printed_and_hold(tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(NOTEBOOK_05))
    assert benchmark().report_results(path, "full") is True
    printed = capsys.readouterr().out
    assert f"holds: {FAIR} (paired 95% interval > 0) (+0.3300, 95% interval +0.3100 to +0.3500)" in printed
    assert "holds: full titles: the fusion model is not measurably worse than text" in printed
    assert "not run: the right class among the fusion model's 3 suggestions" in printed, "06 was not run"


def test_a_missing_model_fails_loudly(tmp_path, capsys):
    results = {name: value for name, value in NOTEBOOK_05.items() if name != evaluation.PAIRED_SHORT_FAIR}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert benchmark().report_results(path, "fast") is False
    assert f"MISSING: {FAIR}" in capsys.readouterr().out


def test_a_full_mode_target_may_miss_in_fast_mode_but_not_in_full(tmp_path, capsys):
    results = {**NOTEBOOK_05, evaluation.PAIRED_SHORT_PHOTO: paired(0.01, -0.01, 0.03)}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert benchmark().report_results(path, "fast") is True
    assert f"not in fast mode: {PHOTO}" in capsys.readouterr().out
    assert benchmark().report_results(path, "full") is False
    assert f"FAILS: {PHOTO}" in capsys.readouterr().out
