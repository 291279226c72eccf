"""The solution notebooks run by nbval: marked, so `-m "not notebooks"` runs the unit tests alone,
and each cell fails if it shows on stderr anything but a progress bar or the workshop's own line."""
import os

import pytest

from tests.notebook_stderr import unexpected_stderr


def pytest_collection_modifyitems(config, items):
    notebooks = {item.parent for item in items if str(item.fspath).endswith(".ipynb")}
    for item in items:
        if item.parent in notebooks:
            item.add_marker(pytest.mark.notebooks)
    for notebook in notebooks:
        notebook.setup = kernel_started_as_in_jupyter(notebook.setup)


def kernel_started_as_in_jupyter(start_kernel):
    """nbval starts a notebook's kernel inside a test, and ipykernel leaves file descriptor 2 alone
    when it sees PYTEST_CURRENT_TEST; Jupyter and Colab show what C++ writes there in the notebook.
    So the kernel starts without that variable, and with TensorFlow's whole C++ log switched on
    (as a runtime may have it), so that any log line that gets through fails its cell."""
    def setup():
        saved = {name: os.environ.get(name) for name in ("PYTEST_CURRENT_TEST", "TF_CPP_MIN_LOG_LEVEL")}
        os.environ.pop("PYTEST_CURRENT_TEST", None)
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
        try:
            start_kernel()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return setup


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    unexpected = unexpected_stderr(getattr(item, "test_outputs", None) or [])  # nbval keeps a cell's outputs
    if unexpected:
        pytest.fail("this cell shows on stderr what is neither a progress bar nor the workshop's own line:\n"
                    + "\n".join(unexpected), pytrace=False)
    return result
