"""The solution notebooks run by nbval: marked, so `-m "not notebooks"` runs the unit tests alone,
and each cell fails if it shows on stderr anything but a progress bar or the workshop's own line.

The same run also runs every untouched student copy ("Run all" must reach the end of it): right
after each exercise cell of a solution, its student version runs in the same kernel, with the names
only the solution bound removed. From there on the kernel holds what the student copy would hold
for every name an exercise binds, so a later cell that needs a learner's answer fails, and the
blank itself must print its one "not done yet" line. It costs seconds, not a second run."""

import nbformat
import pytest

from tests.notebook_stderr import unexpected_stderr
from tests.student_copies import STUDENT_COPY_NOT_RUN


def pytest_collection_modifyitems(config, items):
    notebooks = {item.parent for item in items if str(item.fspath).endswith(".ipynb")}
    for item in items:
        if item.parent in notebooks:
            item.add_marker(pytest.mark.notebooks)
    for notebook in notebooks:
        notebook.setup = kernel_started_as_in_jupyter(notebook.setup)
    items[:] = [run for item in items for run in [item, *untouched_blank(item, notebooks)]]


def untouched_blank(item, notebooks) -> list:
    """The student version of a solution's exercise cell, to run right after it (none for other cells)."""
    from nbval.plugin import IPyNbCell

    from tools import notebooks as generator

    if item.parent not in notebooks or item.fspath.basename in STUDENT_COPY_NOT_RUN:
        return []
    source = item.cell.source
    where = f"{item.fspath.basename}, {item.name}"
    blank = generator.blank_source(source, where)
    if blank == source:
        return []
    removed = generator.solution_only_names(source, where)
    forget = f"for _name in {removed!r}:\n    globals().pop(_name, None)\n" if removed else ""
    cell = nbformat.v4.new_code_cell(forget + blank)
    student = IPyNbCell.from_parent(item.parent, name=f"{item.name}, untouched student copy",
                                    cell_num=item.cell_num, cell=cell, options=item.options)
    student.add_marker(pytest.mark.notebooks)
    student.untouched_blank = True
    return [student]


def kernel_started_as_in_jupyter(start_kernel):
    """nbval starts a notebook's kernel inside a test, and ipykernel leaves file descriptor 2 alone
    when it sees PYTEST_CURRENT_TEST; Jupyter and Colab show what C++ writes there in the notebook.
    So the kernel starts without that variable, and with TensorFlow's whole C++ log switched on
    (as a runtime may have it), so that any log line that gets through fails its cell."""
    def setup():
        from workshop_utils.environment import environment_variables

        with environment_variables(PYTEST_CURRENT_TEST=None, TF_CPP_MIN_LOG_LEVEL="0"):
            start_kernel()
    return setup


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None) or []  # nbval keeps a cell's outputs
    unexpected = unexpected_stderr(outputs)
    if unexpected:
        pytest.fail("this cell shows on stderr what is neither a progress bar nor the workshop's own line:\n"
                    + "\n".join(unexpected), pytrace=False)
    if getattr(item, "untouched_blank", False):
        said = [line for output in outputs if output.get("output_type") == "stream"
                for line in output["text"].splitlines() if "not done yet" in line]
        if len(said) != 1:
            pytest.fail(f"an untouched blank should print one 'not done yet' line, not {said}", pytrace=False)
    return result
