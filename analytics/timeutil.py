"""Day arithmetic on timestamps inside SQL, per dialect: feature extraction stays set-based for 1,000,000 rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement


def days_before(dialect: str, as_of: datetime, column: Any) -> ColumnElement[Any]:
    """``as_of - column`` in (fractional) days, NULL when the column is NULL."""
    if dialect == "sqlite":
        # UtcDateTime keeps naive UTC text in SQLite; julianday reads that format directly.
        stamp = as_of.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return func.julianday(literal(stamp)) - func.julianday(column)
    return cast(func.extract("epoch", literal(as_of) - column), Float) / 86400.0


def utc_now() -> datetime:
    return datetime.now(UTC)
