"""Checks for 00_setup_check."""
from ..checks import as_number, exercise, number_slip, same, wrong_type


@exercise("q1",
          hint="count the distinct values of one column: products[column].nunique()",
          solution='answer = products["article_type"].nunique()')
def q1(answer, products):
    value = as_number(answer)
    if value is None:
        if hasattr(answer, "__len__") and not isinstance(answer, str):
            return (f"that is a collection of {len(answer)} values (.unique() lists the distinct values, or "
                    ".value_counts() counts each one); .nunique() gives how many there are")
        return wrong_type(answer, "the number of article types")
    expected = products["article_type"].nunique()
    if same(value, expected):
        return None
    if value in (products["master_category"].nunique(), products["sub_category"].nunique()):
        return "that is the number of classes of another category level; the leaf is article_type"
    if value == len(products):
        return "that is the number of products (rows); count the distinct article types"
    return number_slip(value, expected) or f"{answer!r} is not the number of distinct article types"


EXERCISES = [q1]
