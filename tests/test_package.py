"""The wheel a learner installs (Colab's setup cell) carries what the notebooks import, and only that."""
from __future__ import annotations

import pytest

from tools import ROOT, package_report

MAINTAINER_ONLY = {"nbclient", "nbconvert", "tools", "playwright", "pytest"}


@pytest.fixture(scope="module")
def wheel():
    return package_report.report(ROOT)


def test_the_wheel_holds_no_maintainer_tooling(wheel):
    python = {name.rpartition("/")[2] for name in wheel.wheel_files if name.endswith(".py")}
    assert not python & {"notebooks.py", "slides.py", "constraints.py", "answer_key.py"}, python
    assert all(name.startswith(("workshop_utils/", "workshop_utils-")) for name in wheel.wheel_files), wheel.wheel_files


def test_the_package_imports_nothing_only_maintainers_have():
    for path in sorted((ROOT / "workshop_utils").rglob("*.py")):
        imported = package_report.top_level_imports(path.read_text(encoding="utf-8"))
        assert not imported & MAINTAINER_ONLY, f"{path.relative_to(ROOT)} imports {imported & MAINTAINER_ONLY}"


def test_every_data_file_the_package_reads_is_in_the_wheel(wheel):
    data = {path.relative_to(ROOT).as_posix() for path in (ROOT / "workshop_utils").rglob("*")
            if path.is_file() and path.suffix in {".csv", ".json"}}
    assert data and data <= set(wheel.wheel_files), data - set(wheel.wheel_files)


def test_the_import_graph_has_no_cycle(wheel):
    assert not wheel.cycles
