"""Student copies generated from the solutions, with badges and install lines kept in step.

In solutions/*.ipynb (the source):
  - `name = expression  # SOLUTION` becomes `name = ...  # YOUR ANSWER HERE`
  - lines between `# BEGIN SOLUTION` and `# END SOLUTION` become a `# YOUR CODE HERE` comment and,
    inside a function, a `raise workshop_utils.ExerciseNotDone("q4 is not done yet: ...")` (the
    setup cell imports workshop_utils; the name comes from the cell's `check.q4(...)` call); at the
    top level of a cell, `name = ...` for each name the rest of the cell uses (see blank_source)
  - a cell tagged `solution` (an answer in words, say) is left out of the student copy
  - the first markdown cell carries the "Open in Colab" badge and the code cell tagged
    `setup` the Colab install line; both are rewritten from course.REPOSITORY.
"""
from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import nbformat

from workshop_utils import files
from workshop_utils.errors import SettingError

from . import ROOT, course

SOLUTIONS = "solutions"
STUDENT_COPIES = "notebooks"
SOLUTION_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<target>[A-Za-z_][\w\[\]'\".,\s]*?)\s*=\s*(?P<value>.+?)\s*#\s*SOLUTION\s*$")
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")
# A branch, tag or commit as git and Colab's github/ URLs accept it (git check-ref-format: no "..",
# "//", part starting with "." or ending in ".lock").
GIT_REF = re.compile(r"(?!-)(?!.*\.\.)(?!.*//)(?!(?:.*/)?\.)(?!.*\.lock(?:/|$))[\w./-]+(?<![./])")
# OWNER/NAME as GitHub allows them: an owner of letters, digits and single inner hyphens (39 at
# most); a name of letters, digits, ".", "-", "_" that is not "." or "..".
GITHUB_REPOSITORY = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}")
CHECK_CALL = re.compile(r"\bcheck\.(?P<name>\w+)\(")


def not_done_line(source: str) -> str:
    """The line that stands for a removed solution block: it raises ExerciseNotDone, which the setup
    cell shows as its one sentence, and which a check treats as "not done yet"."""
    call = CHECK_CALL.search(source)
    exercise = call["name"] if call else "This exercise"
    return f'raise workshop_utils.ExerciseNotDone("{exercise} is not done yet: replace this line with your code.")'

NOTEBOOK_METADATA = {
    "accelerator": "GPU",
    "colab": {"provenance": [], "gpuType": "T4", "toc_visible": True},
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


class NotebookSourceError(ValueError):
    """A solution notebook breaks one of the conventions above."""


def badge(folder: str, filename: str) -> str:
    url = f"https://colab.research.google.com/github/{course.REPOSITORY}/blob/{course.BRANCH}/{folder}/{filename}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def install_requirement() -> str:
    return f"workshop-utils @ git+https://github.com/{course.REPOSITORY}@{course.BRANCH}"


def setup_source(notebook: str) -> str:
    return "\n".join([
        "# Setup: on Colab, install the workshop's helper package (locally it is already installed).",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        f'    %pip install --quiet "{install_requirement()}"',
        "",
        "import workshop_utils",
        "",
        f'config = workshop_utils.setup("{notebook}")',
    ])


def normalise(notebook, folder: str, filename: str):
    """Canonical form: fresh badge and setup cell, no outputs, stable ids and metadata."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata = copy.deepcopy(NOTEBOOK_METADATA)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    markdown = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    setup_cells = [cell for cell in notebook.cells if "setup" in cell.metadata.get("tags", [])]
    if not markdown or len(setup_cells) != 1:
        raise NotebookSourceError(f"{filename} needs a markdown title cell first and exactly one "
                                  "code cell tagged 'setup'.")
    title = markdown[0]
    fresh = badge(folder, filename)
    title.source = BADGE.sub(fresh, title.source) if BADGE.search(title.source) else f"{fresh}\n\n{title.source}"
    setup_cells[0].source = setup_source(Path(filename).stem)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
        tags = cell.metadata.get("tags", [])
        cell.metadata = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.pop("attachments", None) if cell.cell_type == "code" else None
    return notebook


def bound_names(code: str) -> list[str]:
    """The names a piece of top-level code binds (assignments, defs, imports, loop targets), in order;
    names local to a function, lambda or comprehension inside it are not bound by it."""
    found = []

    class Binder(ast.NodeVisitor):
        def visit_Name(self, node):
            if isinstance(node.ctx, ast.Store) and node.id not in found:
                found.append(node.id)

        def visit_FunctionDef(self, node):
            found.append(node.name) if node.name not in found else None

        visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

        def visit_alias(self, node):
            name = (node.asname or node.name).split(".")[0]
            found.append(name) if name not in found else None

        def visit_Lambda(self, node):
            pass

        visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    Binder().visit(ast.parse(code))
    return found


def solution_blocks(source: str, where: str) -> list[tuple[int, int, str]]:
    """(first line, last line, indentation) of each `# BEGIN SOLUTION` ... `# END SOLUTION` block,
    counted from 0, the marker lines included."""
    blocks, begin, indent = [], None, ""
    for number, line in enumerate(source.splitlines()):
        stripped = line.strip()
        if stripped == BEGIN:
            if begin is not None:
                raise NotebookSourceError(f"{where}, line {number + 1}: nested {BEGIN}.")
            begin, indent = number, line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if begin is None:
                raise NotebookSourceError(f"{where}, line {number + 1}: {END} without {BEGIN}.")
            blocks.append((begin, number, indent))
            begin = None
    if begin is not None:
        raise NotebookSourceError(f"{where}: {BEGIN} without {END}.")
    return blocks


def answer_names(source: str, block: tuple[int, int, str]) -> list[str]:
    """The names a top-level solution block binds that the rest of its cell uses: the student copy
    sets each to `...`, so the cell's check says "not done yet" instead of failing on a missing name."""
    lines = source.splitlines()
    begin, end, _ = block
    code, rest = "\n".join(lines[begin + 1:end]), "\n".join(lines[end + 1:])
    return [name for name in bound_names(code) if re.search(rf"\b{re.escape(name)}\b", rest)]


def solution_only_names(source: str, where: str = "cell") -> list[str]:
    """Names that the top-level solution blocks of a cell bind and its student copy does not: after
    the solution cell has run, removing them leaves what the student copy would have left."""
    lines = source.splitlines()
    names = []
    for block in solution_blocks(source, where):
        begin, end, indent = block
        if not indent:
            kept = answer_names(source, block)
            names += [name for name in bound_names("\n".join(lines[begin + 1:end])) if name not in kept]
    return names


def blank_source(source: str, where: str) -> str:
    """The student version of one code cell's source.

    A solution block inside a function becomes a line that raises ExerciseNotDone (calling the
    unfinished function says so; its check prints "not done yet"). A block at the top level of the
    cell becomes `name = ...` for each name it binds that the rest of the cell uses, so the cell runs
    and its check prints "not done yet": "Run all" goes on past an untouched exercise."""
    lines = source.splitlines()
    blocks = {begin: (begin, end, indent) for begin, end, indent in solution_blocks(source, where)}
    student, skip_to = [], -1
    for number, line in enumerate(lines):
        if number <= skip_to:
            continue
        if number in blocks:
            block = blocks[number]
            skip_to, indent = block[1], block[2]
            if indent:
                student += [f"{indent}# YOUR CODE HERE", f"{indent}{not_done_line(source)}"]
            else:
                names = answer_names(source, block)
                said = {0: "", 1: ": replace the ... below"}.get(len(names), ": replace each ... below")
                student.append(f"# YOUR CODE HERE{said}")
                student += [f"{name} = ...  # YOUR ANSWER HERE" for name in names]
        elif re.search(r"#\s*SOLUTION\s*$", line):
            match = SOLUTION_LINE.match(line)
            if not match:
                raise NotebookSourceError(f"{where}, line {number + 1}: '# SOLUTION' must end an "
                                          "assignment such as `answer = 42  # SOLUTION`.")
            student.append(f"{match['indent']}{match['target'].rstrip()} = ...  # YOUR ANSWER HERE")
        else:
            student.append(line)
    return "\n".join(student)


def student_copy(solution, filename: str):
    notebook = normalise(solution, STUDENT_COPIES, filename)
    cells = []
    for index, cell in enumerate(notebook.cells):
        if "solution" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = blank_source(cell.source, f"{filename}, cell {index}")
        cells.append(cell)
    notebook.cells = cells
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
    return notebook


def python_source(cell_source: str) -> str:
    """A cell's source as plain Python (IPython magics such as %pip turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


def syntax_errors(notebook, filename: str) -> list[str]:
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        try:
            ast.parse(python_source(cell.source))
        except SyntaxError as error:
            problems.append(f"{filename}, cell {index}: {error.msg} (line {error.lineno})")
    return problems


def render(notebook) -> str:
    return nbformat.writes(notebook, version=4) + "\n"


def expected_files(root: Path) -> dict[Path, str]:
    """Every file this module writes, with the text it should hold: the solutions normalised, the
    student copies, and the files derived from the solutions (DERIVED)."""
    from . import guide_tables, readme_table, solution_texts

    files, solutions = {}, {}
    for path in sorted((root / SOLUTIONS).glob("*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        solutions[path] = normalise(solution, SOLUTIONS, path.name)
        files[path] = render(solutions[path])
        files[root / STUDENT_COPIES / path.name] = render(student_copy(solution, path.name))
    for derive in (readme_table.expected, guide_tables.expected, solution_texts.expected):
        files.update(derive(root, solutions))
    return files


def stale_files(root: Path = ROOT, expected: dict[Path, str] | None = None) -> list[Path]:
    """Files whose content differs from what `build` would write (or that should not exist)."""
    expected = expected_files(root) if expected is None else expected
    stale = [path for path, text in expected.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    stale += [path for path in sorted((root / STUDENT_COPIES).glob("*.ipynb")) if path not in expected]
    return stale


def build(root: Path = ROOT) -> list[Path]:
    """Normalise the solutions and regenerate notebooks/; returns the files that changed."""
    expected = expected_files(root)
    for path, text in expected.items():
        if path.suffix != ".ipynb":
            continue
        problems = syntax_errors(nbformat.reads(text, as_version=4), path.name)
        if problems:
            raise NotebookSourceError("; ".join(problems))
    changed = stale_files(root, expected)
    (root / STUDENT_COPIES).mkdir(exist_ok=True)
    for path in changed:
        if path in expected:
            files.write_text(path, expected[path])
        else:
            path.unlink()  # a student copy whose solution was removed
    return changed


def github_repository(text: str) -> str:
    """OWNER/NAME from what a user types or pastes (also https://github.com/OWNER/NAME.git)."""
    name = re.sub(r"^(?:https?://)?(?:www\.)?github\.com/|^git@github\.com:", "", text.strip())
    name = name.removesuffix("/").removesuffix(".git")
    if not GITHUB_REPOSITORY.fullmatch(name):
        raise SettingError(f"{text!r} is not a GitHub repository name such as owner/name (letters, digits, "
                           "'-', and also '.' and '_' in the name): give your fork's, as in its GitHub address.")
    return name


def repoint(repository: str, root: Path = ROOT, ref: str | None = None) -> list[Path]:
    """Point badges and install lines at another GitHub repository (a fork): OWNER/NAME; with `ref`,
    at a tag or commit instead of the branch, which freezes the helper a learner installs.
    Everything is checked before the first file is written."""
    repository = github_repository(repository)
    previous, previous_ref = course.REPOSITORY, course.BRANCH
    ref = ref or previous_ref
    if not GIT_REF.fullmatch(ref):
        raise SettingError(f"{ref!r} is not a git branch, tag or commit such as v2026.12 or main.")
    settings = root / "tools" / "course.py"
    if not (settings.is_file() and (root / SOLUTIONS).is_dir()):
        raise SettingError(f"{root} is not a clone of the workshop's repository (no {settings.name} or "
                           f"{SOLUTIONS}/): run repoint in your fork's clone.")
    text = settings.read_text(encoding="utf-8")
    text, found = re.subn(r'^REPOSITORY = ".*"$', f'REPOSITORY = "{repository}"', text, count=1, flags=re.M)
    text, found_ref = re.subn(r'^BRANCH = ".*"$', f'BRANCH = "{ref}"', text, count=1, flags=re.M)
    if not (found and found_ref):
        raise SettingError(f"{settings} has no REPOSITORY = \"...\" and BRANCH = \"...\" lines: take it "
                           "back from the workshop's repository, then run repoint again.")
    course.REPOSITORY, course.BRANCH = repository, ref
    try:
        changed = build(root)  # checks every notebook before it writes one
    except Exception:
        course.REPOSITORY, course.BRANCH = previous, previous_ref
        raise
    files.write_text(settings, text)
    readme = root / "README.md"  # build() rewrote its table of badges; other mentions of the slug follow
    if readme.exists():
        files.write_text(readme, readme.read_text(encoding="utf-8").replace(previous, repository))
    return changed
