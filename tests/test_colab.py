"""Colab, exactly: the setup cell adds one package and changes nothing Colab has.

The reference is Colab's published pip freeze, kept in constraints/colab-freeze.txt (no network
needed). constraints/colab.txt (Colab's versions, CI's .venv-colab) and constraints/minimum.txt
(the declared floors, CI's .venv-minimum) are generated from it and from pyproject.toml.
"""
from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys

import pytest

from tools import constraints
from workshop_utils import environment
from tools import ROOT

PYPROJECT = constraints.read_pyproject(ROOT / "pyproject.toml")
FREEZE, HEADER = constraints.read_freeze(ROOT / "constraints" / "colab-freeze.txt")


def with_dependencies(*lines: str) -> dict:
    return {"project": {**PYPROJECT["project"], "dependencies": list(lines), "optional-dependencies": {}}}


def test_the_freeze_names_its_source_and_holds_colabs_stack():
    assert {"Source", "Date"} <= set(HEADER)
    assert FREEZE["tensorflow"] and FREEZE["keras"] and FREEZE["ipython"]
    assert "google-colab" not in FREEZE  # installed from a file, not PyPI: no version to pin


def test_colab_meets_every_runtime_requirement():
    # Each unmet requirement makes the setup cell replace one of Colab's packages.
    assert constraints.unmet_requirements(FREEZE, PYPROJECT) == []


def test_a_requirement_above_colab_is_reported():
    # What the package required before: google-colab pins ipython==7.34.0.
    unmet = constraints.unmet_requirements(FREEZE, with_dependencies("ipython>=8", "keras>=3.0", "no-such-pkg>=1"))
    assert unmet == [f"ipython>=8 (Colab has ipython {FREEZE['ipython']})",
                     "no-such-pkg>=1 (Colab does not have no-such-pkg)"]


def test_colab_constraints_are_what_the_generator_writes_from_the_freeze():
    committed = (ROOT / "constraints" / "colab.txt").read_text(encoding="utf-8")
    expected = constraints.colab_constraints_text(ROOT / "constraints" / "colab-freeze.txt", PYPROJECT)
    assert committed == expected, ("constraints/colab.txt is out of date: run `python -m tools "
                                   "colab-constraints constraints/colab-freeze.txt` and commit it.")


def test_every_colab_constraint_is_colabs_version():
    pinned = constraints.read_constraints(ROOT / "constraints" / "colab.txt")
    assert {"tensorflow", "keras", "numpy", "pandas", "ipython", "ipykernel", "nbformat"} <= set(pinned)
    disagree = {name: (version, FREEZE.get(name)) for name, version in pinned.items() if FREEZE.get(name) != version}
    assert disagree == {}, "constraints/colab.txt: (pinned, Colab's) for each package that differs"


def test_a_constraint_that_disagrees_with_the_freeze_is_caught(tmp_path):
    edited = tmp_path / "colab.txt"
    text = (ROOT / "constraints" / "colab.txt").read_text(encoding="utf-8")
    edited.write_text(text.replace(f"numpy=={FREEZE['numpy']}", "numpy==2.0.2"), encoding="utf-8")
    pinned = constraints.read_constraints(edited)
    assert pinned["numpy"] == "2.0.2" != FREEZE["numpy"]
    assert edited.read_text(encoding="utf-8") != constraints.colab_constraints_text(
        ROOT / "constraints" / "colab-freeze.txt", PYPROJECT)


def test_the_generator_pins_every_package_the_workshop_uses(tmp_path):
    out = tmp_path / "colab.txt"
    constraints.write_colab_constraints(ROOT / "constraints" / "colab-freeze.txt", out, ROOT / "pyproject.toml")
    pinned = constraints.read_constraints(out)
    wanted = {constraints.canonical_name(requirement.name) for requirement in constraints.requirements(PYPROJECT)}
    wanted |= set(constraints.USED_THROUGH_REQUIREMENTS)
    wanted.discard("workshop-utils")
    assert set(pinned) == {name for name in wanted if name in FREEZE}
    header = out.read_text(encoding="utf-8")
    assert HEADER["Source"] in header and HEADER["Date"] in header


def test_a_freeze_without_its_source_is_refused(tmp_path):
    bare = tmp_path / "freeze.txt"
    bare.write_text("numpy==2.1.3\n", encoding="utf-8")
    with pytest.raises(constraints.WorkshopError, match="# Source"):
        constraints.colab_constraints_text(bare, PYPROJECT)


# ---------------------------------------------------------------- the declared floors


def test_minimum_versions_are_the_pyproject_floors():
    assert environment.MINIMUM_VERSIONS == constraints.floors(PYPROJECT)


def test_minimum_constraints_are_the_floors():
    committed = (ROOT / "constraints" / "minimum.txt").read_text(encoding="utf-8")
    assert committed == constraints.minimum_constraints_text(PYPROJECT), (
        "constraints/minimum.txt is out of date: run `python -m tools minimum-constraints` and commit it.")


def test_a_pin_in_pyproject_is_refused():
    with pytest.raises(constraints.WorkshopError, match="lower bound only"):
        constraints.floors(with_dependencies("keras==3.13.2"))


def test_environment_yml_states_the_same_floors():
    stated = {}
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*-\s*([A-Za-z][\w.-]*)\s*>=\s*([\w.]+)\s*", line)
        if match and match[1] != "python":
            stated[constraints.canonical_name(match[1])] = match[2]
    runtime = constraints.floors(PYPROJECT)
    lab = constraints.floors(with_dependencies(*PYPROJECT["project"]["optional-dependencies"]["lab"]))
    assert {name: stated.get(name) for name in runtime} == runtime, "every runtime requirement, same floor"
    assert {name: version for name, version in stated.items() if name not in runtime} == {
        name: version for name, version in lab.items() if name in stated}, "the lab extra's floors"


# ---------------------------------------------------------------- the real way: pip itself


def installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


COLAB_PINS = constraints.read_constraints(ROOT / "constraints" / "colab.txt")
RUNTIME = [constraints.canonical_name(requirement.name)
           for requirement in constraints.requirements(PYPROJECT, extras=False)]
IN_COLAB_VERSIONS = all(installed(name) == COLAB_PINS.get(name) for name in RUNTIME)


@pytest.mark.skipif(not IN_COLAB_VERSIONS, reason="needs Colab's versions installed (CI's .venv-colab)")
def test_pip_plans_no_change_to_colabs_packages():
    # What the setup cell's `pip install` resolves, offline: the package's requirements against
    # what is installed. Building the package itself is left out: it needs setuptools>=77, which
    # pip fetches into an isolated build environment (on Colab too), not into the runtime.
    requirements = [str(requirement) for requirement in constraints.requirements(PYPROJECT, extras=False)]
    plan = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--quiet",
                           "--report", "-", "--constraint", str(ROOT / "constraints" / "colab.txt"),
                           *requirements], capture_output=True, text=True, timeout=300)
    assert plan.returncode == 0, plan.stderr
    changes = {item["metadata"]["name"]: item["metadata"]["version"] for item in json.loads(plan.stdout)["install"]}
    assert changes == {}, "pip would install or replace these on Colab"


# ---------------------------------------------------------------- freezing the helper for the day


def test_repoint_with_a_ref_freezes_every_install_line_and_badge(checkout_copy):
    import nbformat

    from tools import course, notebooks

    tmp_path = checkout_copy
    repository = course.REPOSITORY
    notebooks.build(tmp_path)  # the copies as the generator writes them with today's settings
    before = {path: path.read_text() for path in tmp_path.rglob("*") if path.is_file()}
    notebooks.repoint(repository, tmp_path, ref="v2026.12")
    settings = (tmp_path / "tools" / "course.py").read_text()
    assert 'BRANCH = "v2026.12"' in settings and f'REPOSITORY = "{repository}"' in settings
    paths = sorted((tmp_path / "solutions").glob("*.ipynb")) + sorted((tmp_path / "notebooks").glob("*.ipynb"))
    assert len(paths) >= 12
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        setup = [cell.source for cell in notebook.cells if "setup" in cell.metadata.get("tags", [])]
        assert f'"workshop-utils @ git+https://github.com/{repository}@v2026.12"' in setup[0], path.name
        assert f"github/{repository}/blob/v2026.12/" in notebook.cells[0].source, path.name
        assert "@main" not in path.read_text() and "/blob/main/" not in path.read_text(), path.name
    readme = (tmp_path / "README.md").read_text()
    assert "/blob/main/notebooks" not in readme and f"{repository}/blob/v2026.12/notebooks/00_setup_check" in readme
    # Back to the branch after the day: every file is what it was.
    notebooks.repoint(repository, tmp_path, ref="main")
    assert {path: path.read_text() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_a_ref_that_git_refuses_changes_nothing(tmp_path):
    from tools import notebooks

    for ref in ("v1..2", "-rf", "tag with space"):
        with pytest.raises(ValueError, match="not a git branch, tag or commit"):
            notebooks.repoint("someone/fork", tmp_path, ref=ref)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_freeze_file_is_one_line_and_exit_code_1(tmp_path):
    finished = subprocess.run([sys.executable, "-m", "tools", "colab-constraints",
                               str(tmp_path / "nowhere.txt"), "--out", str(tmp_path / "colab.txt")],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert finished.returncode == 1 and finished.stderr.strip().count("\n") == 0, finished.stderr
    assert "nowhere.txt" in finished.stderr and not (tmp_path / "colab.txt").exists()
