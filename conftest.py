"""Marks the solution notebooks run by nbval, so `-m "not notebooks"` runs the unit tests alone."""
import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebooks)
