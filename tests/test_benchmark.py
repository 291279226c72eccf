"""benchmarks/run.py checks the workshop's claims on a results file, and fails loudly when one is missing."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from workshop_utils import evaluation

ROOT = Path(__file__).resolve().parents[1]


def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(notebook, accuracy, macro_f1=None):
    macro_f1 = accuracy if macro_f1 is None else macro_f1
    return {"notebook": notebook, "accuracy": accuracy, "macro_f1": macro_f1, "weighted_f1": accuracy}


NOTEBOOK_05 = {
    evaluation.TEXT_MODEL: entry("05_image_branch_and_fusion", 0.980),
    evaluation.LATE_FUSION: entry("05_image_branch_and_fusion", 0.981),
    evaluation.FUSION_MODEL: entry("05_image_branch_and_fusion", 0.984, 0.985),
    evaluation.TEXT_MODEL_SHORT: entry("05_image_branch_and_fusion", 0.50),
    evaluation.FUSION_MODEL_SHORT: entry("05_image_branch_and_fusion", 0.88),
}


def test_the_claims_are_printed_and_hold(tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(NOTEBOOK_05))
    assert benchmark().report_results(path, "full") is True
    printed = capsys.readouterr().out
    assert "holds: fusion model accuracy on short titles >= 0.85 (0.8800)" in printed
    assert "holds: fusion model errors >= 15% below text's, full titles (errors 0.0160 vs 0.0200, -20%)" in printed
    assert "not run: the embedding network" in printed, "notebook 04 was not run: nothing to check"


def test_a_missing_model_fails_loudly(tmp_path, capsys):
    results = {name: value for name, value in NOTEBOOK_05.items() if name != evaluation.FUSION_MODEL_SHORT}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert benchmark().report_results(path, "fast") is False
    assert "MISSING: fusion model >= text, accuracy, short titles" in capsys.readouterr().out


def test_a_full_mode_target_may_miss_in_fast_mode_but_not_in_full(tmp_path, capsys):
    results = {**NOTEBOOK_05, evaluation.FUSION_MODEL_SHORT: entry("05_image_branch_and_fusion", 0.75)}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    assert benchmark().report_results(path, "fast") is True
    assert "not in fast mode: fusion model accuracy on short titles >= 0.85" in capsys.readouterr().out
    assert benchmark().report_results(path, "full") is False
    assert "FAILS: fusion model accuracy on short titles >= 0.85" in capsys.readouterr().out
