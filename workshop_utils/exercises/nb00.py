"""Checks for 00_setup_check."""
from ..checks import number_check


def collection(answer) -> str | None:
    if hasattr(answer, "__len__") and not isinstance(answer, str):
        return (f"that is a collection of {len(answer)} values (.unique() lists the distinct values, or "
                ".value_counts() counts each one); .nunique() gives how many there are")
    return None


ANOTHER_LEVEL = "that is the number of classes of another category level; the leaf is article_type"

q1 = number_check(
    "q1", hint="count the distinct values of one column: products[column].nunique()",
    wanted="the number of article types", type_slip=collection,
    expected=lambda products: products["article_type"].nunique(),
    slips=[(lambda expected, products: products["master_category"].nunique(), ANOTHER_LEVEL),
           (lambda expected, products: products["sub_category"].nunique(), ANOTHER_LEVEL),
           (lambda expected, products: len(products),
            "that is the number of products (rows); count the distinct article types")],
    otherwise="{answer!r} is not the number of distinct article types")


EXERCISES = [q1]
