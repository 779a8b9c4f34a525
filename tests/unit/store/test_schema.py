"""The migrations create exactly the tables in store.tables, once, safely, and engines are configured."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, func, inspect, select

import store.engine
from store.engine import MIGRATIONS_DIR, current_revision, ensure_schema, make_engine
from store.tables import metadata, sync_run


def _schema_diffs(engine: Engine, target: MetaData) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, target))


def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def test_migrated_schema_equals_tables(store_engine: Engine) -> None:
    assert _schema_diffs(store_engine, metadata) == []
    tables = set(inspect(store_engine).get_table_names())
    assert tables == set(metadata.tables) | {"alembic_version"}


def test_schema_comparison_notices_drift(store_engine: Engine) -> None:
    drifted = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["account"].append_column(Column("extra", Integer))
    diffs = _schema_diffs(store_engine, drifted)
    assert [d[0] for d in diffs if isinstance(d, tuple)] == ["add_column"]


def test_ensure_schema_upgrades_an_empty_database_once(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert current_revision(engine) is None
    ensure_schema(engine)
    assert current_revision(engine) == _head() == "0020"
    with engine.begin() as conn:
        conn.execute(
            sync_run.insert().values(connection="sf", object="Account", status="running", started_at=datetime.now(UTC))
        )

    def no_upgrade(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("ensure_schema ran a migration on a database already at head")

    monkeypatch.setattr(store.engine.command, "upgrade", no_upgrade)
    ensure_schema(engine)
    ensure_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sync_run)).scalar_one() == 1


def test_concurrent_first_use_migrates_once(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(3)]
    barrier = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def first_use(own: Engine) -> None:
        barrier.wait()
        try:
            ensure_schema(own)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=first_use, args=(own,)) for own in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for own in engines:
        own.dispose()
    assert failures == []
    assert current_revision(engine) == "0020"
    assert _schema_diffs(engine, metadata) == []


def test_downgrade_removes_every_table(store_engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(store_engine).get_table_names()) <= {"alembic_version"}


def test_sqlite_engine_is_tuned(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/tuned.db")
    with engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 30_000}


@pytest.mark.parametrize("url", ["postgresql://u:secret@db.example:5432/crm", "postgres://u:secret@db.example/crm"])
def test_plain_postgres_urls_use_psycopg3(url: str) -> None:
    engine = make_engine(url)
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.database == "crm"


def test_default_url_is_a_local_sqlite_file() -> None:
    engine = make_engine()
    assert (engine.url.drivername, engine.url.database) == ("sqlite", "crmhub.db")
