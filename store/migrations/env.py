"""Alembic environment for the store.

``store.engine.ensure_schema`` passes its connection in ``config.attributes["connection"]``; developers running the
``alembic`` command with ``store/migrations/alembic.ini`` get an engine built from ``sqlalchemy.url`` (or the
``CRMHUB_STORE_URL`` environment variable) instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from store.engine import make_engine
from store.tables import metadata

config = context.config


def _url() -> str:
    return os.environ.get("CRMHUB_STORE_URL") or config.get_main_option("sqlalchemy.url") or "sqlite:///crmhub.db"


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables so later migrations work there too.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    shared = config.attributes.get("connection")
    if shared is not None:
        _run_on(shared)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run_on(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
