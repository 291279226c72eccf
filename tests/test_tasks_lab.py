"""`python3 tasks.py lab` and `slides`: the command lines they build, without starting anything."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tools import ROOT



@pytest.fixture
def tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_jupyter_is_rooted_at_the_checkout_with_the_learners_folder_opened_first(tasks):
    command = tasks.lab_command(Path("/env/bin/python"), [], as_root=False)
    assert command[:4] == ["/env/bin/python", "-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={ROOT}" in command  # slides/ and solutions/ are reachable
    assert "--LabApp.default_url=/lab/tree/my-notebooks" in command  # never the tracked notebooks/
    assert "--allow-root" not in command


def test_extra_arguments_reach_jupyter_last(tasks):
    command = tasks.lab_command(Path("python"), ["--port", "8890", "--no-browser"], as_root=False)
    assert command[-3:] == ["--port", "8890", "--no-browser"]


def test_as_root_jupyter_is_allowed_to_start_once(tasks):
    assert tasks.lab_command(Path("python"), [], as_root=True).count("--allow-root") == 1
    assert tasks.lab_command(Path("python"), ["--allow-root"], as_root=True).count("--allow-root") == 1


@pytest.fixture(autouse=True)
def personal_folder(tasks, tmp_path, monkeypatch):
    """The learner's folder of these tests: never the checkout's own my-notebooks/."""
    monkeypatch.setattr(tasks, "PERSONAL", tmp_path / "my-notebooks")
    return tasks.PERSONAL


def run_lab(tasks, monkeypatch, argv, wait):
    """tasks.lab() with the environment and jupyter replaced: what it ran and what it said."""
    started = []

    class Jupyter:
        def __init__(self, command, cwd, env):
            started.append(command)
            started.append(env)

        def wait(self, timeout=None):
            return wait(timeout)

        def terminate(self):
            started.append("terminated")

        def kill(self):
            started.append("killed")

    built = []
    monkeypatch.setattr(tasks, "environment", lambda *args, **options: built.append((args, options)) or Path("py"))
    monkeypatch.setattr(tasks.subprocess, "Popen", Jupyter)
    monkeypatch.setattr(tasks, "running_as_root", lambda: True)
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab", *argv])
    return started, built


def test_lab_passes_arguments_and_starts_as_root_with_a_notice(tasks, monkeypatch, capsys):
    started, built = run_lab(tasks, monkeypatch, ["--port", "8899", "--no-browser"], wait=lambda timeout: 0)
    tasks.main()
    [command, _] = started
    assert command[-4:] == ["--allow-root", "--port", "8899", "--no-browser"]
    said = capsys.readouterr().out
    assert "--allow-root" in next(line for line in said.splitlines() if "root" in line)
    assert built[0][0][:2] == (".venv", "lab,slides") and built[0][0][2] == tasks.COLAB_CONSTRAINTS


def test_latest_builds_the_newest_releases_and_is_not_passed_on(tasks, monkeypatch):
    started, built = run_lab(tasks, monkeypatch, ["--latest"], wait=lambda timeout: 0)
    tasks.main()
    assert "--latest" not in started[0]
    assert built[0][1].get("upgrade") is True and len(built[0][0]) == 2  # no Colab constraints


def test_ctrl_c_stops_jupyter_with_one_line(tasks, monkeypatch, capsys):
    calls = []

    def wait(timeout):
        calls.append(timeout)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return 0

    started, _ = run_lab(tasks, monkeypatch, [], wait=wait)
    tasks.main()  # no KeyboardInterrupt escapes
    assert "terminated" in started
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert last_line == "JupyterLab stopped. Start it again with: python3 tasks.py lab"


def test_a_failing_jupyter_is_one_sentence(tasks, monkeypatch):
    run_lab(tasks, monkeypatch, [], wait=lambda timeout: 1)
    with pytest.raises(SystemExit) as stopped:
        tasks.main()
    assert "exit code 1" in str(stopped.value) and "Traceback" not in str(stopped.value)


def test_a_failing_install_is_one_sentence_not_a_traceback(tasks, monkeypatch):
    def fails(*args, **options):
        raise subprocess.CalledProcessError(1, ["/x/.venv/bin/python", "-m", "pip", "install", "-e", ".[lab]"])

    monkeypatch.setattr(tasks, "environment", fails)
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab"])
    with pytest.raises(SystemExit) as stopped:
        tasks.main()
    assert str(stopped.value).startswith("`python -m pip install ...` failed with exit code 1")


def test_slides_runs_the_build_in_the_lab_environment_with_the_data_defaults(tasks, monkeypatch):
    ran = []
    monkeypatch.setattr(tasks, "environment", lambda *args, **options: Path("/env/bin/python"))
    monkeypatch.setattr(tasks, "offline_data_defaults", lambda: ran.append("data defaults"))
    monkeypatch.setattr(tasks.subprocess, "run",
                        lambda command, cwd: ran.append(command) or subprocess.CompletedProcess(command, 0))
    monkeypatch.setattr(sys, "argv", ["tasks.py", "slides", "--offline", "00"])
    with pytest.raises(SystemExit) as stopped:
        tasks.main()
    assert stopped.value.code == 0
    assert ran == ["data defaults", ["/env/bin/python", "-m", "tools", "slides", "--offline", "00"]]


def test_a_python_without_tensorflow_wheels_is_one_sentence(tasks, monkeypatch):
    monkeypatch.setattr(tasks.sys, "version_info", (3, 14, 0, "final", 0))
    monkeypatch.setattr(tasks, "environment", lambda *args, **options: pytest.fail("must not start pip"))
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab"])
    with pytest.raises(SystemExit) as stopped:
        tasks.main()
    assert str(stopped.value).startswith("TensorFlow has no release for Python 3.14 yet")


# ---------------------------------------------------------------- the learner's own copies
def notebook_bytes(*sources: str, outputs: bool = False) -> bytes:
    """A small notebook, as the generator writes it (no outputs) or as a learner saves it."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    if outputs:
        notebook.cells[0].execution_count = 1
        notebook.cells[0].outputs = [nbformat.v4.new_output("stream", text="correct\n")]
    return nbformat.writes(notebook).encode()


def test_lab_opens_the_learners_folder_and_keeps_their_models_there(tasks, monkeypatch, personal_folder):
    monkeypatch.delenv("WORKSHOP_MODELS", raising=False)
    started, _ = run_lab(tasks, monkeypatch, [], wait=lambda timeout: 0)
    tasks.main()
    command, settings = started
    assert f"--LabApp.default_url=/lab/tree/{personal_folder.name}" in command
    assert settings["WORKSHOP_MODELS"] == str(personal_folder / "models")
    assert "WORKSHOP_MODELS" not in tasks.os.environ, "only jupyter gets it: a later test run must not"
    assert sorted(path.name for path in personal_folder.glob("*.ipynb")) == \
        sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def test_a_later_start_never_overwrites_the_learners_work(tasks, tmp_path):
    source, mine = tmp_path / "notebooks", tmp_path / "my-notebooks"
    source.mkdir()
    for name in ("00_setup.ipynb", "01_numpy.ipynb", "03_prepare_text.ipynb"):
        (source / name).write_bytes(notebook_bytes(f"# {name}", "answer = ..."))
    said = tasks.personal_copies(source, mine)
    assert len(said) == 1 and "my-notebooks/" in said[0]
    assert all((mine / path.name).read_bytes() == path.read_bytes() for path in source.iterdir())

    # The learner answers in 01 and 03 and saves; then a pull changes 00 and 03 and adds 04.
    answered = notebook_bytes("# mine", "answer = 42", outputs=True)
    for name in ("01_numpy.ipynb", "03_prepare_text.ipynb"):
        (mine / name).write_bytes(answered)
    fixed = notebook_bytes("# 03, fixed", "answer = ...")
    (source / "00_setup.ipynb").write_bytes(notebook_bytes("# 00, fixed"))
    (source / "03_prepare_text.ipynb").write_bytes(fixed)
    (source / "04_train.ipynb").write_bytes(notebook_bytes("# 04"))
    said = "\n".join(tasks.personal_copies(source, mine))
    assert (mine / "03_prepare_text.ipynb").read_bytes() == answered  # byte for byte
    assert (mine / "01_numpy.ipynb").read_bytes() == answered
    assert (mine / "03_prepare_text (updated).ipynb").read_bytes() == fixed
    assert "03_prepare_text (updated).ipynb" in said and "yours is kept" in said
    assert (mine / "00_setup.ipynb").read_bytes() == (source / "00_setup.ipynb").read_bytes()  # untouched: follows
    assert (mine / "04_train.ipynb").exists() and "04_train.ipynb" in said
    assert not (mine / "01_numpy (updated).ipynb").exists()

    # Nothing new: nothing said, nothing written.
    before = {path: path.read_bytes() for path in mine.iterdir()}
    assert tasks.personal_copies(source, mine) == []
    assert {path: path.read_bytes() for path in mine.iterdir()} == before

    # The learner works on in the updated copy; another fix arrives beside it, never over it.
    (mine / "03_prepare_text (updated).ipynb").write_bytes(answered)
    (source / "03_prepare_text.ipynb").write_bytes(notebook_bytes("# 03, fixed twice"))
    tasks.personal_copies(source, mine)
    assert (mine / "03_prepare_text (updated).ipynb").read_bytes() == answered
    assert (mine / "03_prepare_text (updated 2).ipynb").read_bytes() == (source / "03_prepare_text.ipynb").read_bytes()

    # A copy the learner deletes comes back fresh at the next start.
    (mine / "01_numpy.ipynb").unlink()
    tasks.personal_copies(source, mine)
    assert (mine / "01_numpy.ipynb").read_bytes() == (source / "01_numpy.ipynb").read_bytes()


def test_answers_typed_into_notebooks_before_are_kept(tasks, tmp_path):
    """Work saved in notebooks/ by an earlier lab moves into the learner's folder as theirs: the
    generator restoring notebooks/ later never replaces it there."""
    source, mine = tmp_path / "notebooks", tmp_path / "my-notebooks"
    source.mkdir()
    worked = notebook_bytes("answer = 42", outputs=True)
    (source / "02_explore.ipynb").write_bytes(worked)
    assert "holds outputs" in "\n".join(tasks.personal_copies(source, mine))
    (source / "02_explore.ipynb").write_bytes(notebook_bytes("answer = ..."))  # regenerated
    tasks.personal_copies(source, mine)
    assert (mine / "02_explore.ipynb").read_bytes() == worked
    assert (mine / "02_explore (updated).ipynb").exists()


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *arguments],
                          cwd=folder, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not shutil.which("git"), reason="needs git")
def test_a_learners_day_leaves_the_clone_clean_and_survives_a_pull(tasks, checkout_copy):
    """A fresh clone; the lab's first start; answers saved in two notebooks, a model trained: git
    sees nothing and the student copies are as fresh as before. Then a fix to notebook 03 is
    pulled: the next start keeps the learner's 03 and puts the new one beside it."""
    from tools import notebooks

    clone = checkout_copy
    shutil.copy(ROOT / ".gitignore", clone / ".gitignore")
    git(clone, "init", "-q")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "clone")
    stale_before = notebooks.stale_files(clone)
    mine = clone / "my-notebooks"
    tasks.personal_copies(clone / "notebooks", mine)
    for name in ("00_setup_check.ipynb", "03_prepare_text.ipynb"):
        (mine / name).write_bytes(notebook_bytes("answer = 42", outputs=True))
    (mine / "models" / "fast").mkdir(parents=True)
    (mine / "models" / "fast" / "text.keras").write_bytes(b"weights")
    assert git(clone, "status", "--porcelain") == ""
    assert notebooks.stale_files(clone) == stale_before

    solution = clone / "solutions" / "03_prepare_text.ipynb"
    solution.write_text(solution.read_text().replace("# 03 · Prepare the data", "# 03 · Prepare the data (fixed)"))
    learner = {path.name: path.read_bytes() for path in mine.glob("*.ipynb")}
    notebooks.build(clone)  # the maintainer's side of the pull: it never touches my-notebooks/
    assert {path.name: path.read_bytes() for path in mine.glob("*.ipynb")} == learner
    git(clone, "commit", "-qam", "a fix to notebook 03")
    said = "\n".join(tasks.personal_copies(clone / "notebooks", mine))
    assert (mine / "03_prepare_text.ipynb").read_bytes() == learner["03_prepare_text.ipynb"]
    updated = mine / "03_prepare_text (updated).ipynb"
    assert updated.read_bytes() == (clone / "notebooks" / "03_prepare_text.ipynb").read_bytes()
    assert "(fixed)" in updated.read_text() and updated.name in said
    assert git(clone, "status", "--porcelain") == ""
