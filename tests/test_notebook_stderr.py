"""No C++ runtime line reaches a notebook; the rest of stderr does, unchanged.

The solution notebooks themselves are checked as nbval executes them (conftest.py applies
notebook_stderr.unexpected_stderr to every cell). These tests are not marked `notebooks`, so
they also run on the newest releases, whose ipykernel captures file descriptor 2 its own way.
"""
from __future__ import annotations

import nbformat

from tests.notebook_stderr import unexpected_stderr

CUINIT = ("E0000 00:00:1796472979.154653   12745 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
          "CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)")
NODE_DEF = ("E0000 00:00:1796473001.000001   12745 node_def_util.cc:682] NodeDef mentions attribute "
            "use_unbounded_threadpool which is not in the op definition")
OLD_FORMAT = "2025-06-01 10:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on."


def stderr(text: str) -> dict:
    return nbformat.v4.new_output("stream", name="stderr", text=text)


def test_the_check_lets_through_progress_bars_and_the_workshops_warnings_only():
    allowed = [stderr("\rscoring:  41%|████      | 4096/10000 [00:01<00:01, 3538.76 listings/s]"),
               stderr("\rshards: 3.00 shard [00:01, 2.1 shard/s]\n"),
               stderr("/x/workshop_utils/data.py:307: UserWarning: The cached a.parquet is cut; it is fetched again.\n"
                      "  warnings.warn(f\"The cached {path.name} {problem}; it is fetched again.\", stacklevel=2)\n"),
               nbformat.v4.new_output("stream", name="stdout", text="anything on stdout\n")]
    assert unexpected_stderr(allowed) == []
    for line in (CUINIT, NODE_DEF, OLD_FORMAT,
                 "/x/keras/src/saving/saving_lib.py:797: UserWarning: Skipping variable loading for optimizer",
                 "Traceback (most recent call last):"):
        assert unexpected_stderr([stderr(f"\r 10%|█ | 1/10 [00:01<00:09]\n{line}\n")]) == [line]


def test_in_a_kernel_setup_hides_runtime_log_lines_and_nothing_else(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    # ipykernel captures file descriptor 2, as in Jupyter and Colab, only without this variable.
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    # Python's own line first: it reaches the notebook at once, fd 2 through threads.
    write = ("print('a line of our own', file=sys.stderr)\n"
             "time.sleep(0.3)\n"
             f"os.write(2, b'{CUINIT}\\n' + b'a C library line\\n' + b'{OLD_FORMAT}\\n')\n"
             f"os.write(2, b'{NODE_DEF}\\n' + b'the start of a line')\n"
             "time.sleep(0.5)")
    setup_twice = "import workshop_utils\n" + "workshop_utils.setup('test', verbose=False)\n" * 2
    cells = ["import os, sys, time\n" + write, setup_twice, write]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    before, during, after = ("".join(output.text for output in cell.outputs if output.get("name") == "stderr")
                             for cell in notebook.cells)
    assert "cuInit" in before and "node_def_util" in before, "without setup the kernel shows fd 2 as it is"
    assert during == ""
    assert after == "a line of our own\na C library line\nthe start of a line"
