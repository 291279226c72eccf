"""`python3 tasks.py lab` and `slides`: the command lines they build, without starting anything."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_jupyter_is_rooted_at_the_checkout_with_notebooks_opened_first(tasks):
    command = tasks.lab_command(Path("/env/bin/python"), [], as_root=False)
    assert command[:4] == ["/env/bin/python", "-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={ROOT}" in command  # slides/ and solutions/ are reachable
    assert "--LabApp.default_url=/lab/tree/notebooks" in command
    assert "--allow-root" not in command


def test_extra_arguments_reach_jupyter_last(tasks):
    command = tasks.lab_command(Path("python"), ["--port", "8890", "--no-browser"], as_root=False)
    assert command[-3:] == ["--port", "8890", "--no-browser"]


def test_as_root_jupyter_is_allowed_to_start_once(tasks):
    assert tasks.lab_command(Path("python"), [], as_root=True).count("--allow-root") == 1
    assert tasks.lab_command(Path("python"), ["--allow-root"], as_root=True).count("--allow-root") == 1


def run_lab(tasks, monkeypatch, argv, wait):
    """tasks.lab() with the environment and jupyter replaced: what it ran and what it said."""
    started = []

    class Jupyter:
        def __init__(self, command, cwd):
            started.append(command)

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
    [command] = started
    assert command[-4:] == ["--allow-root", "--port", "8899", "--no-browser"]
    said = capsys.readouterr().out
    assert "--allow-root" in said.splitlines()[0]
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
    assert ran == ["data defaults", ["/env/bin/python", "-m", "workshop_utils", "slides", "--offline", "00"]]


def test_a_python_without_tensorflow_wheels_is_one_sentence(tasks, monkeypatch):
    monkeypatch.setattr(tasks.sys, "version_info", (3, 14, 0, "final", 0))
    monkeypatch.setattr(tasks, "environment", lambda *args, **options: pytest.fail("must not start pip"))
    monkeypatch.setattr(sys, "argv", ["tasks.py", "lab"])
    with pytest.raises(SystemExit) as stopped:
        tasks.main()
    assert str(stopped.value).startswith("TensorFlow has no release for Python 3.14 yet")
