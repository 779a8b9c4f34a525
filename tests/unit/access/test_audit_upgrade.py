"""Migration 0018 chains the audit rows written before it, with its own frozen copy of the canonical form: the first
verify after the upgrade passes (so the copy and access/audit_canon.py agree), names become pseudonyms, and new
events chain on from the migrated head. Downgrading brings the names back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

import store
from access import list_events
from access.audit import Actor, record
from access.audit_verify import verify
from store.engine import _alembic_config
from tests.support.audit import KEY
from tests.support.stores import postgres_or_skip

LEGACY = [  # (at, actor_id, actor, action, target, before, after) as 0016/0017 wrote them
    (datetime(2026, 1, 5, 8, 0, 0, 123456, tzinfo=UTC), None, "cli", "account.create", "ada", None,
     {"username": "ada", "display_name": "Ada Lovelace", "role": "admin"}),
    (datetime(2026, 1, 5, 8, 5, tzinfo=UTC), 1, "ada", "token.create", "ada", None, {"name": "BI", "id": 1}),
    (datetime(2026, 1, 5, 9, 0, tzinfo=UTC), 1, "ada", "account.set_role", "rita", {"role": "rep"},
     {"role": "manager", "nested": {"username": "rita"}}),
]


def _upgrade_to(engine: Engine, revision: str) -> None:
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn), revision)
        conn.commit()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = store.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    import secrets

    import psycopg
    admin = postgres_or_skip()
    name = f"crmhub_test_{secrets.token_hex(6)}"
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    engine = store.make_engine(f"postgresql://{admin['user']}@{admin['host']}:{admin['port']}/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_existing_rows_are_chained_by_the_migration(blank: Engine) -> None:
    _upgrade_to(blank, "0017")
    with blank.begin() as conn:
        for at, actor_id, actor, action, target, before, after in LEGACY:
            conn.execute(text('INSERT INTO audit_event (at, actor_id, actor, action, target, "before", "after") '
                              "VALUES (:at, :actor_id, :actor, :action, :target, :before, :after)"),
                         {"at": at if blank.dialect.name == "postgresql" else at.replace(tzinfo=None),
                          "actor_id": actor_id, "actor": actor, "action": action, "target": target,
                          "before": json.dumps(before) if before else None, "after": json.dumps(after)})
    store.ensure_schema(blank)
    report = verify(blank, KEY)
    assert report.ok and (report.events, report.last_seq) == (3, 3)
    events = list(reversed(list_events(blank)))
    assert [(e.seq, e.actor, e.action, e.target, e.at) for e in events] == [
        (n, actor, action, target, at) for n, (at, _, actor, action, target, _, _) in enumerate(LEGACY, start=1)]
    assert events[0].after is not None and events[0].after["username"] == events[0].target_ref
    assert events[2].after is not None and events[2].after["nested"]["username"] == events[2].target_ref
    with blank.connect() as conn:
        raw = json.dumps([list(r) for r in conn.execute(text("SELECT * FROM audit_event"))], default=str)
    assert "Ada Lovelace" not in raw and "rita" not in raw
    with blank.begin() as conn:  # new events chain on from the migrated head
        record(conn, at=datetime(2026, 2, 1, tzinfo=UTC), actor=Actor(1, "ada"), action="account.disable",
               target="rita", before=None, after=None)
    assert verify(blank, KEY).ok and list_events(blank)[0].seq == 4
    with blank.connect() as conn:
        command.downgrade(_alembic_config(conn), "0017")
        conn.commit()
        rows = conn.execute(text("SELECT actor, target FROM audit_event ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("cli", "ada"), ("ada", "ada"), ("ada", "rita"), ("ada", "rita")]
