"""Student copies are generated, fresh, parse, carry no outputs; badges and installs agree."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.student_copies import STUDENT_COPY_NOT_RUN, cells_needing_answers
from tools import course, notebooks
from tools import ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
STUDENT_COPIES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_student_copies_are_up_to_date():
    stale = notebooks.stale_files(ROOT)
    # Outputs in a student copy are someone's answers (the generator writes none): say so before
    # suggesting the command that rewrites it.
    answered = [path.name for path in stale if path.parent.name == "notebooks" and path.exists()
                and any(cell.get("outputs") for cell in json.loads(path.read_text())["cells"])]
    keep = (f"{answered} hold answers: move them into my-notebooks/ (the lab's own folder), then "
            if answered else "")
    names = [str(path.relative_to(ROOT)) for path in stale]
    assert not stale, f"out of date: {names}. {keep}run `python -m tools notebooks`."


def test_every_solution_has_a_student_copy():
    assert [p.name for p in SOLUTIONS] == [p.name for p in STUDENT_COPIES]
    assert [p.name for p in SOLUTIONS] == [f"{entry.name}.ipynb" for entry in course.NOTEBOOKS], (
        "solutions/ and the course manifest (tools/course.py) list different notebooks")


@pytest.mark.parametrize("path", STUDENT_COPIES + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cells_parse_and_carry_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebooks.syntax_errors(notebook, path.name) == []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} carries outputs"
    assert notebook.metadata["accelerator"] == "GPU", "every notebook asks Colab for a GPU"


@pytest.mark.parametrize("path", STUDENT_COPIES, ids=lambda p: p.name)
def test_student_copies_hold_no_solutions(path):
    text = path.read_text()
    assert "# SOLUTION" not in text and "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.parametrize("path", STUDENT_COPIES + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_badge_and_install_line_point_at_the_repository(path):
    notebook = nbformat.read(path, as_version=4)
    expected = (f"https://colab.research.google.com/github/{course.REPOSITORY}/blob/{course.BRANCH}/"
                f"{path.parent.name}/{path.name}")
    assert expected in notebook.cells[0].source
    setup = [cell for cell in notebook.cells if "setup" in cell.metadata.get("tags", [])]
    assert len(setup) == 1
    assert setup[0] is next(cell for cell in notebook.cells if cell.cell_type == "code"), "setup comes first"
    assert f"git+https://github.com/{course.REPOSITORY}@{course.BRANCH}" in setup[0].source
    assert f'workshop_utils.setup("{path.stem}")' in setup[0].source
    assert 'if "google.colab" in sys.modules:' in setup[0].source, "install on Colab only"


def test_readme_badges_cover_every_notebook_and_point_at_the_repository():
    readme = (ROOT / "README.md").read_text()
    badge_link = r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/[\w.-]+/notebooks/([\w.-]+)"
    linked = re.findall(badge_link, readme)
    assert {slug for slug, _ in linked} == {course.REPOSITORY}
    assert sorted({name for _, name in linked}) == [p.name for p in STUDENT_COPIES]


def test_solution_line_becomes_an_ellipsis_blank():
    source = "x = 1\n    answer = products['title'].str.len().max()  # SOLUTION\ncheck.q1(answer)"
    assert notebooks.blank_source(source, "t") == "x = 1\n    answer = ...  # YOUR ANSWER HERE\ncheck.q1(answer)"


def test_solution_block_becomes_a_clear_failure_with_its_indentation():
    source = "def f(x):\n    # BEGIN SOLUTION\n    y = x * 2\n    return y\n    # END SOLUTION\nf(1)"
    student = notebooks.blank_source(source, "t")
    assert "x * 2" not in student
    import workshop_utils  # the setup cell of every notebook imports it

    namespace = {"workshop_utils": workshop_utils}
    with pytest.raises(workshop_utils.ExerciseNotDone, match="not done yet"):
        exec(student, namespace)


@pytest.mark.parametrize("source, problem", [
    ("# BEGIN SOLUTION\nx = 1", "without # END SOLUTION"),
    ("x = 1\n# END SOLUTION", "without # BEGIN SOLUTION"),
    ("print(1)  # SOLUTION", "must end an assignment"),
])
def test_malformed_markers_are_reported(source, problem):
    with pytest.raises(notebooks.NotebookSourceError, match=problem):
        notebooks.blank_source(source, "t")


def test_solution_only_cells_are_dropped():
    solution = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("", metadata={"tags": ["setup"]}),
        nbformat.v4.new_markdown_cell("The answer is 42.", metadata={"tags": ["solution"]}),
    ])
    student = notebooks.student_copy(solution, "99_test.ipynb")
    assert [cell.source for cell in student.cells if cell.cell_type == "markdown"][-1].startswith("[![Open")
    assert all("42" not in cell.source for cell in student.cells)


def test_repoint_rewrites_config_badges_and_readme(checkout_copy):
    tmp_path = checkout_copy
    old = course.REPOSITORY
    notebooks.repoint("someone/fork-of-workshop", tmp_path)
    assert 'REPOSITORY = "someone/fork-of-workshop"' in (tmp_path / "tools" / "course.py").read_text()
    for path in (tmp_path / "notebooks").glob("*.ipynb"):
        text = path.read_text()
        assert "someone/fork-of-workshop" in text
        assert "".join(json.loads(text)["cells"][0]["source"]).count("colab.research.google.com/github/someone/") == 1
    readme = (tmp_path / "README.md").read_text()
    assert "someone/fork-of-workshop" in readme and old not in readme


def test_untouched_student_copy_of_00_runs_to_the_end_saying_not_done_once(tmp_path):
    """The smallest student copy, run as a learner's "Run all": no error, one line for the blank.
    (Every other copy runs inside its solution's nbval run: see conftest.py.)"""
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "00_setup_check.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output.ename for output in outputs if output.output_type == "error"]
    said = [line for output in outputs if output.output_type == "stream"
            for line in output.text.splitlines() if "not done yet" in line]
    assert len(said) == 1 and "q1 is not done yet" in said[0], said


@pytest.mark.parametrize("path", [pytest.param(path, marks=pytest.mark.xfail(
    strict=True, reason=STUDENT_COPY_NOT_RUN[path.name])) if path.name in STUDENT_COPY_NOT_RUN else path
    for path in SOLUTIONS], ids=lambda p: p.stem)
def test_no_cell_needs_a_learners_answer(path):
    """"Run all" on an untouched student copy reaches the end: nothing but an exercise's own check reads
    what the learner writes (conftest.py runs the blanks to make sure; this finds the same by name)."""
    assert cells_needing_answers(path) == []


def test_a_top_level_blank_leaves_the_names_its_cell_uses_as_ellipsis():
    source = "x = 1\n# BEGIN SOLUTION\nstats = x + 1\nanswer = stats * 2\n# END SOLUTION\ncheck.q4(answer, x)"
    student = notebooks.blank_source(source, "t")
    assert student.splitlines() == ["x = 1", "# YOUR CODE HERE: replace the ... below",
                                    "answer = ...  # YOUR ANSWER HERE", "check.q4(answer, x)"]
    assert notebooks.solution_only_names(source) == ["stats"]
    assert cells_needing_answers_of(["def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\ncheck.q1(f)",
                                     "f(2)"]) == ["cell 1 reads 'f', the learner's answer in cell 0"]


def cells_needing_answers_of(sources) -> list[str]:
    import tempfile

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "99_test.ipynb"
        nbformat.write(notebook, path)
        return cells_needing_answers(path)


def test_exercise_errors_show_one_line_and_other_errors_their_traceback(tmp_path):
    from nbclient import NotebookClient

    cells = ["import workshop_utils.environment\nworkshop_utils.environment.show_short_errors()",
             'raise NotImplementedError("Exercise not done yet: replace this line.")',
             "from workshop_utils.errors import DataUnavailableError\nraise DataUnavailableError('No data.')",
             "def deep():\n    raise NotImplementedError('library feature')\ndeep()"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [cell.outputs[0] for cell in notebook.cells[1:]]
    assert [error.output_type for error in errors] == ["error"] * 3, "each cell still fails"
    assert errors[0].traceback == ["NotImplementedError: Exercise not done yet: replace this line."]
    assert errors[1].traceback == ["DataUnavailableError: No data."]
    assert len(errors[2].traceback) > 1, "an unrelated error keeps its traceback"


# Paced for a live day: each notebook says its teaching and exercise minutes, marks its optional
# sections, ends with a recall and a glossary, and its code fits a projected Colab screen.
PACED = SOLUTIONS  # 00-05, and the optional 06
MAX_CODE_LINE = 100  # characters: a projected Colab screen
MAX_CELL_LINES = 20  # a longer code cell is split into build and run


@pytest.mark.parametrize("path", PACED, ids=lambda p: p.stem)
def test_notebook_is_paced_for_a_live_day(path):
    cells = nbformat.read(path, as_version=4).cells
    assert re.search(r"\*\*Time:\*\* about \d+ min teaching \+ \d+ min exercises \(live session: core sections; "
                     r"self-study: everything\)\.", cells[0].source), "the Time line of the first cell"
    headings = [line for cell in cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("#")]
    if path.name[:2] != "00":  # the setup check is all core
        assert any(heading.endswith(" (optional)") for heading in headings), "no section is marked optional"
    assert not any("optional" in heading.lower() and not heading.endswith(" (optional)") for heading in headings)
    markdown = [cell.source for cell in cells if cell.cell_type == "markdown"]
    recall = next((source for source in markdown if source.startswith("## Recall")), None)
    glossary = next((source for source in markdown if source.startswith("## Glossary")), None)
    assert recall and glossary, "the notebook ends with ## Recall and ## Glossary"
    assert markdown.index(glossary) == len(markdown) - 1 and markdown.index(recall) == len(markdown) - 2
    questions = re.findall(r"^\d+\. ", recall, re.MULTILINE)
    assert 3 <= len(questions) <= 5, "3-5 recall questions"
    assert recall.count("<details><summary>Answer</summary>") == len(questions) == recall.count("</details>")
    assert len(re.findall(r"^- \*\*[^*]+\*\*", glossary, re.MULTILINE)) >= 3, "glossary: '- **term**: meaning'"


@pytest.mark.parametrize("path", PACED, ids=lambda p: p.stem)
def test_code_fits_a_projected_screen(path):
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
             and "setup" not in cell.metadata.get("tags", [])]  # the setup cell is generated
    too_wide = [line for cell in cells for line in cell.source.splitlines() if len(line) > MAX_CODE_LINE]
    assert not too_wide, f"lines over {MAX_CODE_LINE} characters: {too_wide}"
    too_long = [cell.source.splitlines()[0] for cell in cells if len(cell.source.splitlines()) > MAX_CELL_LINES]
    assert not too_long, f"code cells over {MAX_CELL_LINES} lines (split into build and run): {too_long}"


def comparisons_outside_asserts(source: str) -> list[str]:
    """np.allclose / np.array_equal calls whose result is printed or stored instead of asserted."""
    import ast

    lines = [line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]  # IPython magics become `pass`, indentation kept
    tree = ast.parse("\n".join(lines))
    asserted = {id(node) for statement in ast.walk(tree) if isinstance(statement, ast.Assert)
                for node in ast.walk(statement)}
    return [ast.unparse(node) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("allclose", "array_equal") and id(node) not in asserted]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_a_notebook_that_compares_with_a_helper_asserts_the_match(path):
    """A cell that checks a by-hand version against scikit-learn or a helper fails CI on drift."""
    cells = nbformat.read(path, as_version=4).cells
    printed = [call for cell in cells if cell.cell_type == "code" for call in comparisons_outside_asserts(cell.source)]
    assert not printed, f"assert these comparisons instead of printing them: {printed}"


def test_the_comparison_check_catches_a_printed_match():
    assert comparisons_outside_asserts('print("the same:", np.allclose(a, b))') == ["np.allclose(a, b)"]
    assert comparisons_outside_asserts('assert np.allclose(a, b), "differ"') == []
