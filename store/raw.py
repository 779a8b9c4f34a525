"""Typed raw tables: one per (connection, object) that no canonical entity holds, created and widened at run time.

A raw table has the canonical tables' provenance and bookkeeping columns (``BOOKKEEPING``) and one typed column per
CRM field read. ``raw_table`` (the registry) keeps, per stream, the table's name and which column holds which field
with which store type: names are sanitised and cut to PostgreSQL's 63 characters, so the mapping is kept rather than
recomputed, and a name once given never moves. Columns are only ever added: a field whose store type changes gets a
new column ``<column>__<type>`` beside the old one (see ``sync/raw.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    Index,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.types import TypeEngine

from store.tables import canonical_tables, raw_table
from store.types import UtcDateTime

PREFIX = "raw_"
NAME_LIMIT = 63  # PostgreSQL's identifier length (NAMEDATALEN - 1); longer names are cut and hashed
BOOKKEEPING: tuple[str, ...] = ("id", "source_connection", "source_object", "source_id", "created_at", "updated_at",
                                "deleted_at", "synced_at")
STRING_LENGTH = 255
# The store types a CRM field's native type maps to (mapping/raw_types.py) and their SQL column types.
COLUMN_TYPES: Mapping[str, Callable[[], TypeEngine[Any]]] = {
    "string": lambda: String(STRING_LENGTH),
    "text": Text,
    "integer": BigInteger,  # Dataverse BigInt is 64-bit; a 32-bit column would refuse its values
    "number": Float,
    "boolean": Boolean,
    "date": Date,
    "datetime": UtcDateTime,
}
_UNSAFE = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True, slots=True)
class RawColumn:
    field: str  # the CRM's field name
    column: str
    type: str  # a COLUMN_TYPES key
    crm_type: str  # the CRM's own type name when the column was made


@dataclass(frozen=True, slots=True)
class RawTable:
    connection: str
    object: str
    name: str
    columns: tuple[RawColumn, ...]  # in the order they were added

    def column_of(self, field: str) -> RawColumn | None:
        """The column a field lands in now: its newest one (an older one of another type keeps older values)."""
        found = [c for c in self.columns if c.field == field]
        return found[-1] if found else None

    def table(self) -> Table:
        return build_table(self.name, self.columns)


def sanitise(text: str) -> str:
    return _UNSAFE.sub("_", text.lower())


def short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def _fit(name: str, key: str) -> str:
    """``name`` if it fits in NAME_LIMIT, else cut with a hash of ``key`` so two long names never meet."""
    if len(name) <= NAME_LIMIT:
        return name
    return f"{name[:NAME_LIMIT - 9]}_{short_hash(key)}"


def raw_table_name(connection: str, object: str) -> str:
    """``raw_<connection>__<object>``, lower-cased, [a-z0-9_] only, at most 63 characters."""
    return _fit(f"{PREFIX}{sanitise(connection)}__{sanitise(object)}", f"{connection}\x1f{object}")


def column_name(field: str, taken: set[str], *, type_suffix: str | None = None) -> str:
    """A free column name for a CRM field: sanitised, never a bookkeeping name, never one in ``taken``."""
    base = sanitise(field) or "field"
    if base[0].isdigit():
        base = f"f_{base}"
    if base in BOOKKEEPING:
        base = f"crm_{base}"  # Salesforce's Id, a Marketo field called id: the row's own id keeps its name
    if type_suffix:
        base = f"{base}__{type_suffix}"
    key = f"{field}\x1f{type_suffix or ''}"
    name = _fit(base, key)
    if name in taken:  # "Foo" and "foo", or a sanitised name another field has: the later one is hashed
        name = f"{base[:NAME_LIMIT - 9]}_{short_hash(key)}"
    if name in taken:
        raise ValueError(f"no free column name for field {field!r}")
    return name


def index_name(table: str) -> str:
    name = f"ix_{table}_source"
    return name if len(name) <= NAME_LIMIT else f"ix_raw_{short_hash(table)}{short_hash(table[::-1])}_source"


def build_table(name: str, columns: Sequence[RawColumn]) -> Table:
    """The SQLAlchemy table, on its own MetaData: raw tables are not the migrations' (store.tables.metadata)."""
    return Table(
        name,
        MetaData(),
        Column("id", String(36), primary_key=True),
        Column("source_connection", String(100), nullable=False),
        Column("source_object", String(100), nullable=False),
        Column("source_id", String(255), nullable=False),
        *(Column(c.column, COLUMN_TYPES[c.type]()) for c in columns),
        Column("created_at", UtcDateTime()),
        Column("updated_at", UtcDateTime()),
        Column("deleted_at", UtcDateTime()),
        Column("synced_at", UtcDateTime(), nullable=False),
        Index(index_name(name), "source_connection", "source_object", "source_id"),
    )


def _from_row(row: RowMapping) -> RawTable:
    columns = tuple(RawColumn(str(c["field"]), str(c["column"]), str(c["type"]), str(c["crm_type"]))
                    for c in row["columns"] or [])
    return RawTable(row["connection"], row["object"], row["table_name"], columns)


def load_raw_table(conn: Connection, *, connection: str, object: str) -> RawTable | None:
    row = conn.execute(select(raw_table).where(raw_table.c.connection == connection,
                                               raw_table.c.object == object)).mappings().first()
    return _from_row(row) if row else None


def raw_table_named(conn: Connection, name: str) -> RawTable | None:
    row = conn.execute(select(raw_table).where(raw_table.c.table_name == name)).mappings().first()
    return _from_row(row) if row else None


def list_raw_tables(conn: Connection) -> list[RawTable]:
    rows = conn.execute(select(raw_table).order_by(raw_table.c.connection, raw_table.c.object)).mappings()
    return [_from_row(r) for r in rows]


def entity_table(conn: Connection, name: str) -> Table:
    """The table a source link's ``entity`` names: a canonical table, or a registered raw table."""
    if name in canonical_tables:
        return canonical_tables[name]
    raw = raw_table_named(conn, name) if name.startswith(PREFIX) else None
    if raw is None:
        raise ValueError(f"unknown entity table {name!r}: neither a canonical table "
                         f"({', '.join(sorted(canonical_tables))}) nor a raw table in raw_table")
    return raw.table()


@dataclass(frozen=True, slots=True)
class WantedColumn:
    field: str
    type: str
    crm_type: str


def ensure_raw_table(conn: Connection, *, connection: str, object: str,
                     wanted: Sequence[WantedColumn]) -> tuple[RawTable, list[RawColumn]]:
    """Create the stream's raw table, or add a column for each wanted field it lacks (or holds as another type);
    returns the table as registered now and the columns this call added. Never drops or retypes a column."""
    unknown = sorted({w.type for w in wanted} - set(COLUMN_TYPES))
    if unknown:
        raise ValueError(f"unknown store type(s) {unknown}; expected one of {', '.join(COLUMN_TYPES)}")
    now = datetime.now(UTC)
    current = _locked(conn, connection=connection, object=object)
    if current is None:
        name = _free_table_name(conn, connection, object)
        added = _assign(RawTable(connection, object, name, ()), wanted)
        raw = RawTable(connection, object, name, tuple(added))
        raw.table().create(conn)
        conn.execute(insert(raw_table).values(connection=connection, object=object, table_name=name,
                                              columns=_as_json(raw.columns), created_at=now, updated_at=now))
        return raw, added
    added = _assign(current, wanted)
    if not added:
        return current, []
    ops = Operations(MigrationContext.configure(conn))
    for col in added:
        ops.add_column(current.name, Column(col.column, COLUMN_TYPES[col.type]()))
    raw = RawTable(connection, object, current.name, current.columns + tuple(added))
    conn.execute(update(raw_table).where(raw_table.c.connection == connection, raw_table.c.object == object)
                 .values(columns=_as_json(raw.columns), updated_at=now))
    return raw, added


def _assign(raw: RawTable, wanted: Sequence[WantedColumn]) -> list[RawColumn]:
    taken = {*BOOKKEEPING, *(c.column for c in raw.columns)}
    out: list[RawColumn] = []
    for w in wanted:
        have = raw.column_of(w.field)
        if have is not None and have.type == w.type:
            continue
        if any(c.field == w.field for c in out):
            continue
        # A field seen before under another type keeps its old column (and values) and gets a typed sibling.
        name = column_name(w.field, taken, type_suffix=w.type if have is not None else None)
        taken.add(name)
        out.append(RawColumn(w.field, name, w.type, w.crm_type))
    return out


def _locked(conn: Connection, *, connection: str, object: str) -> RawTable | None:
    """The registry row, row-locked on PostgreSQL: a replay widening the table waits for a sync doing the same."""
    row = conn.execute(select(raw_table).where(raw_table.c.connection == connection, raw_table.c.object == object)
                       .with_for_update()).mappings().first()
    return _from_row(row) if row else None


def _free_table_name(conn: Connection, connection: str, object: str) -> str:
    name = raw_table_name(connection, object)
    if raw_table_named(conn, name) is None and name not in canonical_tables:
        return name
    # Two streams whose names sanitise alike (HubSpot "2-123" and "2_123"): the later one gets a hashed name.
    key = f"{connection}\x1f{object}"
    return f"{name[:NAME_LIMIT - 9]}_{short_hash(key)}"


def _as_json(columns: Sequence[RawColumn]) -> list[dict[str, str]]:
    return [{"field": c.field, "column": c.column, "type": c.type, "crm_type": c.crm_type} for c in columns]
