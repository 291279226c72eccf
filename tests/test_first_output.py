"""The first output a learner sees: notebook 00's setup cell, run in a real kernel.

Not marked `notebooks`, so it also runs in the newest-releases test run, where TensorFlow
>= 2.21 writes its C++ start-up log past TF_CPP_MIN_LOG_LEVEL.
"""
from __future__ import annotations

import re

import nbformat
from tools import ROOT


# Words of TensorFlow's C++ start-up lines (any version): none may reach the learner.
LOG_WORDS = re.compile(r"absl::InitializeLog|oneDNN|cuda drivers|cuInit|cpu_feature_guard|port\.cc|"
                       r"^[IWEF]\d{4} \d\d:\d\d:|^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] ", re.MULTILINE)


def run_setup_cell(tmp_path, monkeypatch) -> list[dict]:
    from nbclient import NotebookClient

    # The kernel inherits this environment: no help from an exported TF_CPP_MIN_LOG_LEVEL.
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    # ipykernel sends what C++ writes to file descriptor 2 into the notebook, as Jupyter and
    # Colab show it, except when it sees this pytest variable: hide it from the kernel.
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    notebook = nbformat.read(ROOT / "notebooks" / "00_setup_check.ipynb", as_version=4)
    notebook.cells = [next(cell for cell in notebook.cells if "setup" in cell.metadata.get("tags", []))]
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return notebook.cells[0].outputs


def test_the_setup_cell_shows_only_the_workshops_own_lines(tmp_path, monkeypatch):
    outputs = run_setup_cell(tmp_path, monkeypatch)
    text = "".join(output.get("text", "") for output in outputs)
    assert not LOG_WORDS.search(text), f"TensorFlow's log reached the setup cell:\n{text}"
    on_stderr = [output.text for output in outputs if output.output_type == "stream" and output.name == "stderr"]
    assert not on_stderr, f"the setup cell wrote to stderr:\n{text}"
    assert "keras" in text and "fast mode" in text, "the workshop's own lines are there"
