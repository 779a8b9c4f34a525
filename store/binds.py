"""Parameters bound exactly as SQLAlchemy Core would bind them, without its per-row statement machinery.

An ``INSERT`` through Core converts each row's values with the column types' bind processors (the dialect's own,
composed with crmhub's TypeDecorators such as ``UtcDateTime``) and adds the columns' Python-side scalar defaults
for the columns a row leaves out. ``bind_plan`` works out those processors and defaults once per table, column
list and dialect; ``bound_columns`` applies them a column at a time, so the values handed to the driver are the
very ones Core would hand it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError

from store.copy_text import Memo
from store.types import UtcDateTime

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class BindPlan:
    """How rows of ``columns`` become driver parameters: ``names`` are those columns then the columns filled by a
    Python-side scalar default (``defaults``, in the same order); ``processors`` has one entry per name, and
    ``memo`` says for each whether its processor may run once per distinct value."""

    names: tuple[str, ...]
    defaults: tuple[Any, ...]
    processors: tuple[Processor | None, ...]
    memo: tuple[bool, ...]


@functools.lru_cache(maxsize=512)
def bind_plan(table: Table, columns: tuple[str, ...], dialect: Dialect) -> BindPlan | None:
    """The plan for rows carrying ``columns``; ``None`` when a column the rows leave out has a Python-side default
    that is not a plain value (a callable, a sequence, a SQL expression): only Core knows how to run those."""
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in columns or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        defaults[column.name] = column.default.arg  # type: ignore[attr-defined]  # a ScalarElementColumnDefault
    names = (*columns, *defaults)
    # The processor Core's compiler takes for the column's bind parameter (cached on the dialect, per type).
    processors = tuple(table.c[name].type._cached_bind_processor(dialect) for name in names)
    # Timestamps cost the most to bind and repeat the most (synced_at: one per unit). Only UtcDateTime's are memoised:
    # it binds equal instants alike (both as UTC), where a plain DateTime would write each one's own wall clock.
    memo = tuple(isinstance(table.c[name].type, UtcDateTime) for name in names)
    return BindPlan(names=names, defaults=tuple(defaults.values()), processors=processors, memo=memo)


def bound_columns(plan: BindPlan, rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """The rows' values column by column (``plan.names``' order), each through its column's bind processor.

    Processors see ``None`` too, as in Core: a type decides itself what NULL becomes."""
    width = len(plan.names) - len(plan.defaults)
    columns: list[list[Any]] = [[row[name] for row in rows] for name in plan.names[:width]]
    columns += [[value] * len(rows) for value in plan.defaults]
    return [values if process is None else list(map(Memo(process, none=process(None)).__getitem__ if memo else process,
                                                     values))
            for values, process, memo in zip(columns, plan.processors, plan.memo, strict=True)]


@contextmanager
def as_core_errors(conn: Connection, statement: str) -> Iterator[None]:
    """Errors raised as Core raises them, so callers catching ``SQLAlchemyError`` (or ``StatementError`` for a
    value a type refuses, such as a naive datetime) see no difference: the driver's errors wrapped in the matching
    ``DBAPIError`` subclass, any other error of binding in ``StatementError``."""
    dbapi_error: type[Exception] = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except dbapi_error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi_error, dialect=conn.dialect) from exc
    except (TypeError, ValueError) as exc:
        raise StatementError(str(exc), statement, None, exc) from exc


def announce(conn: Connection, cursor: Any, statement: str, parameters: Any, *, many: bool = False) -> None:
    """Tell Core's ``before_cursor_execute`` listeners of a statement sent straight to the driver: statement logs,
    tracing and the tests that pin which work a path skips must still see every write. The event carries no
    execution context (None): that is how a listener tells these from the statements Core runs itself."""
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, cursor, statement, parameters, None, many)


def driver_connection(conn: Connection) -> Any:
    """The driver's own connection under ``conn``, inside ``conn``'s transaction.

    Work sent straight to the driver does not make Core begin a transaction; without one, the caller's
    ``conn.commit()`` would do nothing and the pool would roll the rows back when the connection is returned."""
    if not conn.in_transaction():
        conn.begin()
    return conn.connection.driver_connection
