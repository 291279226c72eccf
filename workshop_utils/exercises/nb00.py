"""Checks for 00_setup_check."""
from ..checks import exercise


@exercise("q1",
          hint="count the distinct values of one column: products[column].nunique()",
          solution='answer = products["article_type"].nunique()')
def q1(answer, products):
    expected = products["article_type"].nunique()
    if answer == products["master_category"].nunique() or answer == products["sub_category"].nunique():
        return "that is the number of classes of another category level; the leaf is article_type"
    if answer != expected:
        return f"{answer!r} is not the number of distinct article types"
    return None


EXERCISES = [q1]
