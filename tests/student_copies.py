"""What an untouched student copy leaves undefined, and which later cells would need it.

"Run all" on a student copy must reach its end: an untouched blank prints "not done yet" and no later
cell may need a learner's answer. conftest.py runs every blank in the solutions' own nbval run;
`cells_needing_answers` finds the same faults without a kernel, by name."""
from __future__ import annotations

import ast

import nbformat

from tools import notebooks

# Student copies whose later cells still call a learner's answer, and why: their blanks are not run.
STUDENT_COPY_NOT_RUN: dict[str, str] = {}


def learner_names(source: str) -> set[str]:
    """The names whose value, in the student copy, is the learner's: `...` or an unfinished function."""
    if notebooks.blank_source(source, "cell") == source:
        return set()
    names = {match["target"].strip() for line in source.splitlines()
             if (match := notebooks.SOLUTION_LINE.match(line))}
    tree = ast.parse(notebooks.python_source(source))
    names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
              and notebooks.BEGIN in ast.get_source_segment(notebooks.python_source(source), node)}
    for block in notebooks.solution_blocks(source, "cell"):
        if not block[2]:
            names |= set(notebooks.answer_names(source, block))
    return {name for name in names if name.isidentifier()}


def read_names(tree) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def is_blank_or_check(statement, names) -> bool:
    """The statements of a student copy's exercise cell that may touch the learner's names."""
    if isinstance(statement, ast.FunctionDef):
        return statement.name in names
    if isinstance(statement, ast.Assign):
        return isinstance(statement.value, ast.Constant) and statement.value.value is Ellipsis
    call = getattr(statement, "value", None)
    return (isinstance(statement, ast.Expr) and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and getattr(call.func.value, "id", None) == "check")


def cells_needing_answers(path) -> list[str]:
    """Code that reads a name an exercise leaves to the learner: in a later cell, or in the exercise's
    own cell outside its blank and its check."""
    pending, problems = {}, []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        names = learner_names(cell.source)
        if names:
            student = ast.parse(notebooks.python_source(notebooks.blank_source(cell.source, "cell")))
            problems += [f"cell {index} uses the learner's {name!r} outside its blank and its check"
                         for statement in student.body if not is_blank_or_check(statement, names)
                         for name in sorted(read_names(statement) & names)]
            pending.update(dict.fromkeys(names, index))
            continue
        code = notebooks.python_source(cell.source)
        problems += [f"cell {index} reads {name!r}, the learner's answer in cell {pending[name]}"
                     for name in sorted(read_names(ast.parse(code)) & set(pending))]
        for name in notebooks.bound_names(code):
            pending.pop(name, None)
    return problems
