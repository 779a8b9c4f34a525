"""Bulk writes for the KPI benchmark's generator: a DataFrame into a canonical table, as fast as each dialect allows.

SQLite: ``executemany`` on the driver's connection, values in the text forms SQLAlchemy itself stores (naive UTC
``YYYY-MM-DD HH:MM:SS.ffffff``, ``YYYY-MM-DD``, 0/1), so the engine reads them exactly as rows the store wrote.
PostgreSQL: ``COPY ... FROM STDIN (FORMAT csv)`` through psycopg, timestamps written with their UTC offset.
Datetime columns arrive as naive UTC ``datetime64``, dates as ``datetime64`` at midnight.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, Engine, Table

from store.types import UtcDateTime


def _kinds(table: Table) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for column in table.columns:
        if isinstance(column.type, UtcDateTime):
            kinds[column.name] = "datetime"
        elif isinstance(column.type, Date):
            kinds[column.name] = "date"
        elif isinstance(column.type, Boolean):
            kinds[column.name] = "boolean"
    return kinds


def _text(values: pd.Series, kind: str, dialect: str) -> pd.Series:
    """One column in the form the dialect's bulk path takes; missing values stay missing."""
    missing = values.isna()
    if kind == "boolean":
        out = values.map({True: 1, False: 0}) if dialect == "sqlite" else values.map({True: "t", False: "f"})
    else:
        stamps = np.datetime_as_string(values.to_numpy(dtype="datetime64[us]"), unit="us" if kind == "datetime"
                                       else "D")
        text = pd.Series(stamps, index=values.index).str.replace("T", " ", regex=False)
        out = text + "+00" if kind == "datetime" and dialect == "postgresql" else text
    return out.astype(object).where(~missing, None)


def write(engine: Engine, table: Table, frame: pd.DataFrame) -> int:
    """Append ``frame``'s rows (its columns are the table's) to ``table``; the number of rows written."""
    if frame.empty:
        return 0
    unknown = [c for c in frame.columns if c not in table.columns]
    if unknown:
        raise ValueError(f"{table.name} has no columns {unknown}")
    dialect = engine.dialect.name
    kinds = _kinds(table)
    out = frame.copy()
    for name in out.columns:
        if name in kinds:
            out[name] = _text(out[name], kinds[name], dialect)
    columns = ", ".join(f'"{c}"' for c in out.columns)
    raw: Any = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dialect == "sqlite":
            rows = out.astype(object).where(out.notna(), None).itertuples(index=False, name=None)
            marks = ", ".join("?" for _ in out.columns)
            cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)
        else:
            buffer = io.StringIO()
            out.to_csv(buffer, header=False, index=False)
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv)') as copy:
                copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()
    return len(out)
