"""Expectations crmhub runs itself, next to Great Expectations': they need the store or the clock, which a GE
expectation over one DataFrame cannot see. Declared in the suites' YAML like any other rule.

- ``expect_column_values_to_reference_existing`` ``{column, entity}``: a non-null reference names a record of
  ``entity`` that is live in the store or is a row of the same batch (an opportunity's account exists);
- ``expect_column_values_to_be_fresh`` ``{column, max_age_days?, future_minutes?}``: a non-null instant is not
  later than now + ``future_minutes`` (default 5) nor, with ``max_age_days``, older than that.

And three that compare columns of one row, which GX's single-column expectations cannot (and the checker hands GX
only the rule's own column):

- ``expect_column_values_or_other_to_not_be_null`` ``{column, or_column}``: one of the two is set (a quota's owner
  or its team);
- ``expect_column_values_to_not_be_less_than_column`` ``{column, other_column}``: where both are set, ``column``
  is not before/below ``other_column`` (a period's end and start);
- ``expect_column_values_to_be_between_when`` ``{column, min_value?, max_value?, when_column, when_value}``: the
  range holds on the rows whose ``when_column`` equals ``when_value`` (an NPS score is 0-10, a CSAT score is not).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from mapping.model import ENTITIES

# (entity, canonical ids) -> the ids among them that are live in the store
Exists = Callable[[str, Sequence[str]], set[str]]
REFERENCE = "expect_column_values_to_reference_existing"
FRESH = "expect_column_values_to_be_fresh"
EITHER = "expect_column_values_or_other_to_not_be_null"
NOT_LESS = "expect_column_values_to_not_be_less_than_column"
BETWEEN_WHEN = "expect_column_values_to_be_between_when"
OWN_EXPECTATIONS = (REFERENCE, FRESH, EITHER, NOT_LESS, BETWEEN_WHEN)
# The parameters (beyond column) each own expectation needs, and which of them name another column of the row.
REQUIRED: Mapping[str, tuple[str, ...]] = {EITHER: ("or_column",), NOT_LESS: ("other_column",),
                                           BETWEEN_WHEN: ("when_column", "when_value")}
COLUMN_PARAMS: tuple[str, ...] = ("column", "or_column", "other_column", "when_column")


def check_kwargs(expectation: str, kwargs: Mapping[str, Any], where: str) -> None:
    if expectation == REFERENCE and kwargs.get("entity") not in ENTITIES:
        raise ValueError(f"{where}.kwargs.entity: the referenced canonical entity, one of {', '.join(ENTITIES)}")
    if expectation in OWN_EXPECTATIONS and not kwargs.get("column"):
        raise ValueError(f"{where}.kwargs.column: {expectation} needs the column it checks")
    for param in REQUIRED.get(expectation, ()):
        if kwargs.get(param) is None:
            raise ValueError(f"{where}.kwargs.{param}: {expectation} needs {param}")
    if expectation == BETWEEN_WHEN and kwargs.get("min_value") is None and kwargs.get("max_value") is None:
        raise ValueError(f"{where}.kwargs: {expectation} needs min_value or max_value")


def unexpected(expectation: str, kwargs: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], *,
               exists: Exists | None, now: datetime) -> list[int]:
    """Positions of the rows that break the rule."""
    column = str(kwargs["column"])
    if expectation == REFERENCE:
        batch = {str(r.get("id")) for r in rows}
        missing = {str(r[column]) for r in rows if r.get(column) is not None} - batch
        # no store to ask (a check outside a sync): only the batch counts
        found = exists(str(kwargs["entity"]), sorted(missing)) if missing and exists is not None else set()
        return [i for i, r in enumerate(rows)
                if r.get(column) is not None and str(r[column]) not in batch and str(r[column]) not in found]
    if expectation == FRESH:
        latest = now + timedelta(minutes=float(kwargs.get("future_minutes", 5)))
        oldest = now - timedelta(days=float(kwargs["max_age_days"])) if kwargs.get("max_age_days") else None
        return [i for i, r in enumerate(rows) if isinstance(r.get(column), datetime)
                and (r[column] > latest or (oldest is not None and r[column] < oldest))]
    if expectation in REQUIRED:
        return _row_rule(expectation, kwargs, column, rows)
    raise ValueError(f"{expectation} is not one of crmhub's own expectations ({', '.join(OWN_EXPECTATIONS)})")


def _row_rule(expectation: str, kwargs: Mapping[str, Any], column: str, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    if expectation == EITHER:
        other = str(kwargs["or_column"])
        return [i for i, r in enumerate(rows) if r.get(column) is None and r.get(other) is None]
    if expectation == NOT_LESS:
        other = str(kwargs["other_column"])
        return [i for i, r in enumerate(rows)
                if r.get(column) is not None and r.get(other) is not None and r[column] < r[other]]
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    when, value = str(kwargs["when_column"]), kwargs["when_value"]
    return [i for i, r in enumerate(rows) if r.get(when) == value and r.get(column) is not None
            and ((low is not None and r[column] < low) or (high is not None and r[column] > high))]
