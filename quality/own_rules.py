"""Expectations crmhub runs itself, next to Great Expectations': they need the store or the clock, which a GE
expectation over one DataFrame cannot see. Declared in the suites' YAML like any other rule.

- ``expect_column_values_to_reference_existing`` ``{column, entity}``: a non-null reference names a record of
  ``entity`` that is live in the store or is a row of the same batch (an opportunity's account exists);
- ``expect_column_values_to_be_fresh`` ``{column, max_age_days?, future_minutes?}``: a non-null instant is not
  later than now + ``future_minutes`` (default 5) nor, with ``max_age_days``, older than that.
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
OWN_EXPECTATIONS = (REFERENCE, FRESH)


def check_kwargs(expectation: str, kwargs: Mapping[str, Any], where: str) -> None:
    if expectation == REFERENCE and kwargs.get("entity") not in ENTITIES:
        raise ValueError(f"{where}.kwargs.entity: the referenced canonical entity, one of {', '.join(ENTITIES)}")
    if expectation in OWN_EXPECTATIONS and not kwargs.get("column"):
        raise ValueError(f"{where}.kwargs.column: {expectation} needs the column it checks")


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
    raise ValueError(f"{expectation} is not one of crmhub's own expectations ({', '.join(OWN_EXPECTATIONS)})")
