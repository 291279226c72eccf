#!/usr/bin/env python3
"""Set up and run the workshop with nothing but Python 3.10 to 3.13 installed.

    python3 tasks.py lab [--latest] [jupyter options]
                                 create .venv and open JupyterLab on my-notebooks/, your own copies of
                                 notebooks/ (see personal_copies); options such as --port 8890
                                 --no-browser go to jupyter; as root, --allow-root is added
    python3 tasks.py slides [--latest] [--offline] [--out DIR] [decks]
                                 build the slide decks (slides/_build/ unless --out)
    python3 tasks.py test        the whole test suite, as CI runs it (see README)
    python3 tasks.py benchmark   time and peak memory of loading the data and of each notebook

Environments live in .venv/ (lab and slides: Colab's versions from constraints/colab.txt, or the
newest releases with --latest), .venv-colab/ (Colab's versions), .venv-latest/ (the newest
releases) and .venv-minimum/ (the declared floors, constraints/minimum.txt) for the tests. Each is
rebuilt only when its inputs change.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
COLAB_CONSTRAINTS = ROOT / "constraints" / "colab.txt"
MINIMUM_CONSTRAINTS = ROOT / "constraints" / "minimum.txt"
SHARED = ROOT.parent / "shared"
NEWEST_PYTHON_WITH_TENSORFLOW = (3, 13)  # PyPI has no TensorFlow wheel for a newer Python yet
STUDENT_COPIES = ROOT / "notebooks"  # generated and tracked: the lab copies them, never opens them
PERSONAL = ROOT / "my-notebooks"  # the learner's own copies (git-ignored); nothing else reads or writes it
COPIED = ".copied.json"  # in PERSONAL: what each start wrote, to tell the learner's changes from ours


def run(*command: str | Path, **options) -> None:
    print("$", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)


def course():
    """The course manifest, tools/course.py, read from this clone (it needs the standard library only)."""
    import importlib.util

    if "workshop_course" not in sys.modules:
        spec = importlib.util.spec_from_file_location("workshop_course", ROOT / "tools" / "course.py")
        sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules["workshop_course"]


def python_of(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def environment(name: str, extras: str, constraints: Path | None = None, upgrade: bool = False) -> Path:
    """A virtual environment with the package installed (editable), reused while unchanged."""
    folder = ROOT / name
    inputs = [ROOT / "pyproject.toml"] + ([constraints] if constraints else [])
    stamp = hashlib.sha256(b"".join(path.read_bytes() for path in inputs) + extras.encode()).hexdigest()
    marker = folder / ".installed"
    if marker.exists() and marker.read_text() == stamp and python_of(folder).exists():
        return python_of(folder)
    if folder.exists():
        shutil.rmtree(folder)
    venv.create(folder, with_pip=True)
    python = python_of(folder)
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    command = [python, "-m", "pip", "install", "--quiet", "--editable", f".[{extras}]"]
    if constraints:
        command += ["--constraint", constraints]
    if upgrade:
        command += ["--upgrade", "--upgrade-strategy", "eager"]
    run(*command, cwd=ROOT)
    marker.write_text(stamp)
    return python


def offline_data_defaults() -> None:
    """Use ../shared's offline copies when present and nothing else was chosen."""
    data = SHARED / "data" / "fashion-product-images-small"
    if data.is_dir():
        os.environ.setdefault("WORKSHOP_DATA_DIR", str(data))
    if (SHARED / "nltk_data").is_dir():
        os.environ.setdefault("NLTK_DATA", str(SHARED / "nltk_data"))


def lab_environment(latest: bool) -> Path:
    """.venv for JupyterLab and the slide build: Colab's versions (what learners get), or the newest."""
    if sys.version_info[:2] > NEWEST_PYTHON_WITH_TENSORFLOW:
        sys.exit(f"TensorFlow has no release for Python {sys.version_info[0]}.{sys.version_info[1]} yet: run "
                 f"this with Python 3.10 to {'.'.join(map(str, NEWEST_PYTHON_WITH_TENSORFLOW))} "
                 "(e.g. python3.12 tasks.py lab).")
    if latest:
        return environment(".venv", "lab,slides", upgrade=True)
    return environment(".venv", "lab,slides", COLAB_CONSTRAINTS)


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def carries_work(data: bytes) -> bool:
    """Someone ran this notebook: the generated student copies never hold outputs."""
    try:
        cells = json.loads(data).get("cells", [])
    except ValueError:
        return True
    return any(cell.get("outputs") or cell.get("execution_count") for cell in cells)


def personal_copies(source: Path, folder: Path) -> list[str]:
    """Bring the learner's folder up to date with `source`, never losing their work: a notebook
    they do not have is copied; one they never changed follows the repository; for one they
    changed, the repository's new version goes beside it ("NAME (updated).ipynb"). Says what it did."""
    first = not folder.exists()
    folder.mkdir(exist_ok=True)
    state_file = folder / COPIED
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    offered, written = state.setdefault("offered", {}), state.setdefault("written", {})
    said = [f"Your own copies of the notebooks are in {folder.name}/ (git ignores it); "
            "the lab opens it."] if first else []

    def ours(path: Path) -> bool:  # still exactly what a start wrote there
        return path.exists() and written.get(path.name) == digest(path.read_bytes())

    for notebook in sorted(source.glob("*.ipynb")):
        data = notebook.read_bytes()
        new, mine = digest(data), folder / notebook.name
        if mine.exists() and new in (offered.get(notebook.name), digest(mine.read_bytes())):
            offered[notebook.name] = new
            continue
        target = mine
        if not mine.exists():
            said += [] if first else [f"Copied {mine.name} into {folder.name}/."]
        elif ours(mine):
            said.append(f"Updated {folder.name}/{mine.name} (you had not changed it).")
        else:
            target = next(path for path in (folder / f"{mine.stem} (updated{'' if n == 1 else f' {n}'}).ipynb"
                                            for n in itertools.count(1)) if not path.exists() or ours(path))
            said.append(f"{mine.name} changed in the repository: yours is kept as it is, "
                        f"the new version is {folder.name}/{target.name}.")
        worked = carries_work(data)  # answers typed into notebooks/ before this folder existed
        if worked:
            said.append(f"{source.name}/{notebook.name} holds outputs (work from an earlier lab?): "
                        f"copied as it is into {folder.name}/, where it is yours.")
        target.write_bytes(data)
        written[target.name] = "" if worked else new  # "": the learner's, never ours to replace
        offered[notebook.name] = new
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    return said


def lab_command(python: Path, arguments: list[str], as_root: bool) -> list[str]:
    """The jupyter command line: the checkout as its root folder (so slides/ and solutions/ are
    reachable), the learner's folder opened first, and the user's own options last, so they win."""
    command = [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
               f"--LabApp.default_url=/lab/tree/{PERSONAL.name}"]
    if as_root and "--allow-root" not in arguments:
        command.append("--allow-root")  # Jupyter refuses to start as root without it
    return command + list(arguments)


def lab() -> None:
    arguments = sys.argv[2:]
    latest = "--latest" in arguments
    python = lab_environment(latest)
    offline_data_defaults()
    for line in personal_copies(STUDENT_COPIES, PERSONAL):
        print(line)
    # The models the learner's notebooks train live with their notebooks, where no test run writes
    # (jupyter's environment only; a WORKSHOP_MODELS of the user's own wins).
    settings = {"WORKSHOP_MODELS": str(PERSONAL / "models"), **os.environ}
    as_root = running_as_root()
    if as_root:
        print("Running as root (a container or a cloud machine?): starting JupyterLab with --allow-root.")
    command = lab_command(python, [part for part in arguments if part != "--latest"], as_root)
    print("$", " ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=ROOT, env=settings)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # Jupyter got the Ctrl-C too and would ask for a second one: stop it cleanly instead.
        process.terminate()
        try:
            process.wait(timeout=30)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            process.kill()
        print("\nJupyterLab stopped. Start it again with: python3 tasks.py lab")
        return
    if code != 0:
        sys.exit(f"JupyterLab stopped with exit code {code}: its own message above says why "
                 "(`python3 tasks.py lab --help-all` lists jupyter's options).")


def slides() -> None:
    """python -m tools slides in .venv, with the same data defaults as lab and test."""
    arguments = sys.argv[2:]
    python = lab_environment("--latest" in arguments)
    offline_data_defaults()
    command = [str(python), "-m", "tools", "slides", *(part for part in arguments if part != "--latest")]
    print("$", " ".join(command), flush=True)
    # The build says what went wrong in one sentence of its own: pass on its exit code only.
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


def browser_for_slide_test() -> None:
    """Debian's chromium (the browser tests render in it) and npm (the offline deck build fetches
    reveal.js with it): installed with apt-get when missing."""
    missing = [package for package, program in (("chromium", "chromium"), ("npm", "npm"))
               if not shutil.which(program) and not Path(f"/usr/bin/{program}").exists()]
    if not missing or not shutil.which("apt-get"):
        return
    if os.name != "posix" or (os.geteuid() != 0 and not shutil.which("sudo")):
        print(f"{' and '.join(missing)} missing and cannot be installed here: the browser tests will be skipped.")
        return
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        run(*sudo, "apt-get", "update", "-q", env=quiet)
        run(*sudo, "apt-get", "install", "-y", "-q", *missing, env=quiet)
    except subprocess.CalledProcessError:
        print(f"Installing {' and '.join(missing)} failed: the browser tests will be skipped.")


def pytest_run(label: str, python: Path, selection: list[str], log: Path | None = None,
               **environment: str) -> tuple[str, bool]:
    """One pytest run: on the screen, or into `log` when another run has the screen."""
    started = time.monotonic()
    with log.open("w", encoding="utf-8") if log else contextlib.nullcontext() as output:
        report = subprocess.run([str(python), "-m", "pytest", *selection], cwd=ROOT, stdout=output,
                                stderr=subprocess.STDOUT if log else None, env={**os.environ, **environment})
    # On a line of its own: the other lane's pytest may be in the middle of a line of dots.
    print(f"\n--- {label}: {'passed' if report.returncode == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s",
          flush=True)
    return label, report.returncode == 0


def test() -> None:
    offline_data_defaults()
    os.environ.setdefault("WORKSHOP_FAST", "1")
    os.environ.setdefault("WORKSHOP_STRICT_CHECKS", "1")  # a solution must pass its own checks
    os.environ.setdefault("WORKSHOP_OFFLINE", "1")  # the tests use local copies only, never the network
    browser_for_slide_test()
    colab = environment(".venv-colab", "dev,slides", COLAB_CONSTRAINTS)
    latest = environment(".venv-latest", "dev,slides", upgrade=True)
    minimum = environment(".venv-minimum", "dev,slides", MINIMUM_CONSTRAINTS)
    runs = [
        ("Colab's versions: unit tests and every solution notebook", colab, []),
        ("newest releases: unit tests", latest, ["-m", "not notebooks and not browser"]),
        # The floors pyproject.toml declares are true: the oldest allowed Keras, TensorFlow, NumPy,
        # pandas... run the unit tests and notebook 04, which builds, trains and saves every text model.
        # Lint and the slide build test text and decks, not library versions: left to the runs above.
        ("declared minimum versions: unit tests and notebook 04", minimum,
         ["-m", "not browser", "--ignore", "tests/test_style.py", "--ignore", "tests/test_slides.py",
          "tests", f"solutions/{course().notebook('04').name}.ipynb"]),
    ]
    # Two lanes, one per core: the notebooks (which keep both cores busy only while a model trains),
    # shown as they run, beside the other two runs, one after the other, whose output is shown when
    # they end. The second lane saves models in a cache of its own, so notebook 04 there never
    # writes where notebook 06 of the first lane reads.
    with tempfile.TemporaryDirectory(prefix="workshop-test-") as folder:
        print(f"=== {runs[0][0]} (shown below), beside: {'; then '.join(label for label, _, _ in runs[1:])} "
              "(shown at the end) ===", flush=True)
        logs = {label: Path(folder) / f"run-{index}.log" for index, (label, _, _) in enumerate(runs)}
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as lanes:
            first = lanes.submit(pytest_run, *runs[0])
            second = lanes.submit(lambda: [pytest_run(*run, logs[run[0]], WORKSHOP_CACHE=str(Path(folder) / "cache"))
                                           for run in runs[1:]])
            results = [first.result(), *second.result()]
        for label, _, _ in runs[1:]:
            print(f"\n=== {label} ===\n{logs[label].read_text(encoding='utf-8', errors='replace')}", flush=True)
    failures = [label for label, passed in results if not passed]
    if failures:
        sys.exit("Failed: " + "; ".join(failures))
    print("\nAll test runs passed.")


def benchmark() -> None:
    offline_data_defaults()
    python = environment(".venv-colab", "dev,slides", COLAB_CONSTRAINTS)
    run(python, ROOT / "benchmarks" / "run.py", *sys.argv[2:])


def main() -> None:
    commands = {"lab": lab, "slides": slides, "test": test, "benchmark": benchmark}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as failure:
        # The command's own output above says what went wrong; no traceback on top of it.
        command = [Path(str(failure.cmd[0])).name, *map(str, failure.cmd[1:4])]
        sys.exit(f"`{' '.join(command)} ...` failed with exit code {failure.returncode}: its messages above say why.")
    except KeyboardInterrupt:
        sys.exit("\nStopped (Ctrl-C).")


if __name__ == "__main__":
    main()
