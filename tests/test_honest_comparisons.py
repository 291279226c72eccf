"""Every comparison carries its uncertainty: the claims benchmarks/run.py makes hold on the committed
measurements, and no sentence of notebooks 04-06, their decks or the guide says one model beats
another without an interval, a test, or the word noise beside it."""
from __future__ import annotations

import importlib.util
import json
import re

import nbformat
import pytest
from tools import ROOT

GUIDE = ROOT / "slides" / "README.md"


def benchmark_module():
    spec = importlib.util.spec_from_file_location("benchmark_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_every_claim_holds_on_the_committed_measurements(mode, tmp_path, capsys):
    merged = {}
    for notebook in ("05", "06"):
        merged.update(json.loads((ROOT / "benchmarks" / f"measured-{notebook}-{mode}.json").read_text()))
    path = tmp_path / f"measured-{mode}.json"
    path.write_text(json.dumps(merged))
    holds = benchmark_module().report_results(path, mode)
    said = capsys.readouterr().out
    assert holds, f"a claim fails on the committed {mode}-mode measurements:\n{said}"
    assert "holds:" in said and "MISSING" not in said


def test_a_failing_claim_is_caught(tmp_path, capsys):
    from workshop_utils import evaluation as names

    merged = json.loads((ROOT / "benchmarks" / "measured-05-full.json").read_text())
    merged[names.PAIRED_SHORT_FAIR] = {**merged[names.PAIRED_SHORT_FAIR], "interval low": -0.01}
    path = tmp_path / "measured.json"
    path.write_text(json.dumps(merged))
    assert not benchmark_module().report_results(path, "full")
    assert "FAILS" in capsys.readouterr().out


# A sentence that ranks two models, and the words that give its uncertainty.
# ("must beat", "the bar to beat" state a rule, "a learner far behind" a pace, not a measurement.)
RANKING = re.compile(r"(?<!must )(?<!to )\b(beats?|better than|outperforms?|ahead of|more accurate than|"
                     r"rescues?|removes? part of|improves? on|(?<!learner )far behind|far below)\b", re.IGNORECASE)
UNCERTAINTY = re.compile(r"interval|McNemar|noise|paired|p-value|compare_models|within the|"
                         r"not measurabl|uncertain", re.IGNORECASE)


def paragraphs():
    """(where, paragraph) of the markdown cells of notebooks and decks 04-06, and the guide."""
    for folder in ("solutions", "slides"):
        for path in sorted((ROOT / folder).glob("0[456]_*.ipynb")):
            for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
                if cell.cell_type == "markdown":
                    for paragraph in re.split(r"\n\s*\n", cell.source):
                        yield f"{folder}/{path.name} cell {number}", paragraph
    for paragraph in re.split(r"\n\s*\n", GUIDE.read_text(encoding="utf-8")):
        yield "slides/README.md", paragraph


def test_every_ranking_sentence_states_its_uncertainty():
    def said(paragraph):  # a ranking in quotes ("A beats B") is mentioned, not claimed
        return re.sub(r'"[^"\n]*"', "", paragraph)

    unsupported = [f"{where}: {' '.join(paragraph.split())[:160]}" for where, paragraph in paragraphs()
                   if RANKING.search(said(paragraph)) and not UNCERTAINTY.search(paragraph)]
    assert not unsupported, "say how sure (an interval, a test, or 'noise'):\n" + "\n".join(unsupported)


def test_the_sentence_finder_finds_an_unsupported_ranking():
    assert RANKING.search("The fusion model beats the text model.")
    assert not UNCERTAINTY.search("The fusion model beats the text model.")
    assert UNCERTAINTY.search("It beats it by 0.02 (95% interval 0.01 to 0.03).")
