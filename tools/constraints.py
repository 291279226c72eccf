"""The version sets CI installs: Colab's exact versions, and the package's declared floors.

The setup cell of every notebook runs `pip install workshop-utils @ git+...` in Colab. It must add
that one package and change nothing Colab has, so every requirement of the package has to be met
by Colab's versions (tests/test_colab.py checks it), and CI runs the whole suite under those exact
versions (constraints/colab.txt, generated here from Colab's published pip freeze,
constraints/colab-freeze.txt). The floors in pyproject.toml are tested too: constraints/minimum.txt
pins every runtime requirement to its floor.
"""
from __future__ import annotations

import re
from pathlib import Path

from workshop_utils import files
from workshop_utils.errors import CorruptDataError, WorkshopError

from . import ROOT

COLAB_FILE = ROOT / "constraints" / "colab.txt"
MINIMUM_FILE = ROOT / "constraints" / "minimum.txt"
PYPROJECT = ROOT / "pyproject.toml"
# The freeze's own header names where it comes from: `# Source: ...` and `# Date: ...` lines.
HEADER_FIELDS = ("Source", "Date", "Python")

# Packages the workshop uses through its requirements, pinned too so CI meets Colab's behaviour:
USED_THROUGH_REQUIREMENTS = {
    "scipy": "the sparse matrices of scikit-learn's vectorizers, which notebook 04 fits Keras on",
    "tensorboard": "notebook 04's optional TensorBoard cell (the lab extra installs it locally)",
    "ipywidgets": "tqdm.auto's progress bars in notebooks",
    "matplotlib-inline": "figures shown inline",
    "jupyter-client": "the kernel protocol that runs the cells (nbval, nbclient, Colab)",
    "traitlets": "IPython's and the kernel's configuration",
    "ml-dtypes": "TensorFlow's and Keras's number types (mixed precision)",
    "h5py": "Keras weights files",
    "protobuf": "TensorFlow's saved graphs and TensorBoard logs",
}

# A distribution name as PyPI accepts it (PEP 508).
PACKAGE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")

# Colab runs Python 3.13; CI and this machine run 3.11. A Colab version that has no release for
# 3.11 would be listed here with the reason (and left out of colab.txt); none is needed today:
# `pip install --dry-run` of `.[dev,slides,lab]` under colab.txt resolves on 3.11.
NOT_INSTALLABLE_ON_CI: dict[str, str] = {}


def canonical_name(name: str) -> str:
    """PEP 503 form: `Jupyter_Client` and `jupyter-client` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_freeze(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(package -> exact version, header field -> value) of a `pip freeze` file (UTF-8, or UTF-16 as
    PowerShell's `pip freeze > file` writes it).

    Lines such as `google-colab @ file:///...` name no version on PyPI and are skipped; any other
    line must be `name==version` with a real version (it goes into a constraints file)."""
    from packaging.version import InvalidVersion, Version

    text = files.read_text(path, "give the output of `pip freeze`, e.g. constraints/colab-freeze.txt")
    versions, header, seen_on = {}, {}, {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        field = re.match(r"#\s*(\w+):\s*(.+)", line)
        if field and field[1] in HEADER_FIELDS:
            header.setdefault(field[1], field[2].strip())
        if not line or line.startswith(("#", "-")) or re.match(r"[^=]*\s@\s", line):
            continue  # comments, pip options, direct references (name @ url)
        name, _, version = (part.strip() for part in line.partition("=="))
        try:
            Version(version)
        except InvalidVersion:
            version = ""
        if not (PACKAGE_NAME.fullmatch(name) and version):
            raise CorruptDataError(f"{path}, line {number}: {line[:80]!r} is not a `name==version` line of pip "
                                   "freeze: fix or remove it (or take the freeze again), then run this again.")
        name = canonical_name(name)
        if name in versions and Version(versions[name]) != Version(version):
            raise CorruptDataError(f"{path} names {name} twice, at {versions[name]} (line {seen_on[name]}) and "
                                   f"{version} (line {number}): keep the one the environment has.")
        versions[name], seen_on[name] = version, number
    return versions, header


def read_pyproject(path: Path = PYPROJECT) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    if not Path(path).exists():
        raise WorkshopError(f"No {path}: run this from a clone of the workshop's repository.")
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def requirements(pyproject: dict, extras: bool = True) -> list:
    """The package's requirements (packaging Requirement objects): runtime, then every extra's."""
    from packaging.requirements import Requirement

    project = pyproject["project"]
    lines = list(project["dependencies"])
    if extras:
        for extra in project.get("optional-dependencies", {}).values():
            lines += extra
    return [Requirement(line) for line in lines]


def workshop_packages(pyproject: dict) -> list[str]:
    """Every distribution the workshop imports or installs, by canonical name."""
    names = {canonical_name(requirement.name) for requirement in requirements(pyproject)}
    names |= set(USED_THROUGH_REQUIREMENTS)
    names.discard(canonical_name(pyproject["project"]["name"]))
    return sorted(names)


def unmet_requirements(versions: dict[str, str], pyproject: dict, extras: bool = False) -> list[str]:
    """Requirements that Colab's versions do not satisfy (each one makes pip change Colab)."""
    problems = []
    for requirement in requirements(pyproject, extras=extras):
        version = versions.get(canonical_name(requirement.name))
        if version is None:
            problems.append(f"{requirement} (Colab does not have {requirement.name})")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement} (Colab has {requirement.name} {version})")
    return problems


def colab_constraints_text(freeze_path: Path, pyproject: dict) -> str:
    versions, header = read_freeze(freeze_path)
    missing = [field for field in ("Source", "Date") if field not in header]
    if missing:
        raise WorkshopError(f"{freeze_path} needs header lines naming where the freeze comes from "
                            f"({', '.join(f'# {field}: ...' for field in missing)}): add them above the freeze.")
    packages = workshop_packages(pyproject)
    pinned = [name for name in packages if name in versions and name not in NOT_INSTALLABLE_ON_CI]
    not_on_colab = [name for name in packages if name not in versions]
    lines = [
        f"# Generated by `python -m tools colab-constraints {_shown(freeze_path)}`: do not edit by hand.",
        "# Google Colab's preinstalled version of every package the workshop imports or installs,",
        "# from Colab's published pip freeze:",
        f"# Source: {header['Source']}",
        f"# Date: {header['Date']}",
    ]
    if "Python" in header:
        lines.append(f"# Colab's Python: {header['Python']} (CI installs these on its own Python).")
    lines.append("# CI runs the whole suite under these versions (tasks.py test, .venv-colab).")
    if not_on_colab:
        lines.append(f"# Not on Colab, so not pinned (newest release): {', '.join(not_on_colab)}.")
    for name, reason in NOT_INSTALLABLE_ON_CI.items():
        lines.append(f"# Not pinned: {name}=={versions.get(name)}: {reason}.")
    lines += [f"{name}=={versions[name]}" for name in pinned]
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return path.name


def write_colab_constraints(freeze_path: Path, out: Path = COLAB_FILE, pyproject_path: Path = PYPROJECT) -> Path:
    out = Path(out).expanduser()
    files.check_outputs([out], [Path(freeze_path), Path(pyproject_path)])  # before reading: refuse early
    return files.write_text(out, colab_constraints_text(Path(freeze_path), read_pyproject(pyproject_path)))


def read_constraints(path: Path) -> dict[str, str]:
    """package -> exact version of a constraints file (the same `name==version` lines as a freeze)."""
    return read_freeze(path)[0]


def floors(pyproject: dict) -> dict[str, str]:
    """package -> declared lower bound of every runtime requirement (each must have exactly one `>=`)."""
    result = {}
    for requirement in requirements(pyproject, extras=False):
        bounds = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        if len(bounds) != 1 or len(requirement.specifier) != 1:
            raise WorkshopError(f"pyproject.toml: {requirement} should be a lower bound only, `name>=version`.")
        result[canonical_name(requirement.name)] = bounds[0]
    return result


def minimum_constraints_text(pyproject: dict) -> str:
    lines = ["# Generated by `python -m tools minimum-constraints`: do not edit by hand.",
             "# Every runtime requirement of the package at its declared floor (pyproject.toml).",
             "# CI installs these in .venv-minimum (tasks.py test) to show the floors are true."]
    lines += [f"{name}=={version}" for name, version in floors(pyproject).items()]
    return "\n".join(lines) + "\n"


def write_minimum_constraints(out: Path = MINIMUM_FILE, pyproject_path: Path = PYPROJECT) -> Path:
    out = Path(out).expanduser()
    files.check_outputs([out], [Path(pyproject_path)])
    return files.write_text(out, minimum_constraints_text(read_pyproject(pyproject_path)))
