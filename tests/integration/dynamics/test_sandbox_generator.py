"""The Dynamics seed generator in process: determinism, dirt, ties, past timestamps, SQL Server GUID order."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from sandbox.dynamics.generator import Generator
from sandbox.dynamics.guids import GuidFactory, from_sql_key, sql_key
from sandbox.dynamics.schema import PERSON_KEY
from sandbox.dynamics.store import Store
from sandbox.dynamics.tables import TABLES

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
END = datetime(2025, 10, 1, tzinfo=UTC)  # where the seeded data ends (a sandbox passes its clock's day)


def seeded(seed: int, scale: int) -> Store:
    store = Store(seed=seed)
    Generator(seed=seed, scale=scale, store=store, client_id="client", end=END).run()
    return store


@pytest.fixture(scope="module")
def store() -> Store:
    return seeded(5, 6000)


def test_same_seed_same_org() -> None:
    a, b = seeded(3, 800), seeded(3, 800)
    for name in ("account", "contact", "lead", "opportunity", "email"):
        assert a.state(name).rows == b.state(name).rows
    c = seeded(4, 800)
    assert set(c.state("contact").rows) != set(a.state("contact").rows)


def test_records_come_from_population_with_realistic_dirt(store: Store) -> None:
    contacts = TABLES["contact"]
    rows = list(store.state("contact").rows.values())
    assert all(r[contacts.col[PERSON_KEY]] is not None for r in rows)
    emails = [r[contacts.col["emailaddress1"]] for r in rows]
    malformed = sum(1 for e in emails if not EMAIL.match(e.strip().lower()))
    padded = sum(1 for e in emails if e != e.strip())
    assert 0.002 * len(rows) < malformed < 0.03 * len(rows)
    assert padded > 0
    nameless = sum(1 for r in rows if r[contacts.col["lastname"]] is None)
    assert 0 < nameless < 0.03 * len(rows)
    opportunities = TABLES["opportunity"]
    values = [r[opportunities.col["estimatedvalue"]] for r in store.state("opportunity").rows.values()]
    assert any(v < 0 for v in values) and sum(v < 0 for v in values) < 0.05 * len(values)


def test_timestamps_are_past_tied_and_versioned_in_order(store: Store) -> None:
    for name in ("account", "contact", "lead", "opportunity", "task"):
        table = TABLES[name]
        rows = list(store.state(name).rows.values())
        created = [r[table.col["createdon"]] for r in rows]
        modified = [r[table.col["modifiedon"]] for r in rows]
        assert max(modified) < END.timestamp() and all(c <= m for c, m in zip(created, modified, strict=True))
    contacts = TABLES["contact"]
    rows = sorted(store.state("contact").rows.values(), key=lambda r: r[contacts.col["versionnumber"]])
    stamps = [r[contacts.col["modifiedon"]] for r in rows]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) < 0.8 * len(stamps)  # import runs stamp thousands of rows with one second


def test_org_mix(store: Store) -> None:
    counts = {name: len(st.rows) for name, st in store.tables.items()}
    assert counts["contact"] > counts["account"] > counts["campaign"] > 0
    assert counts["lead"] > 0 and counts["opportunity"] > 0
    activities = sum(counts[k] for k in ("phonecall", "email", "appointment", "task"))
    assert counts["activitypointer"] == activities > 0
    leads = TABLES["lead"]
    states = {r[leads.col["statecode"]] for r in store.state("lead").rows.values()}
    assert states == {0, 1, 2}


def test_guids_sort_like_sql_server() -> None:
    factory = GuidFactory(1)
    ids = [factory.new() for _ in range(300)]
    assert all(uuid.UUID(i).hex for i in ids)
    assert sorted(ids, key=sql_key) == ids  # creation order is the server's key order...
    assert sorted(ids) != ids  # ...which is not the text order
    assert all(from_sql_key(sql_key(i)) == i for i in ids)
    assert sql_key("00000000-0000-0000-0000-000000000001") > sql_key("ffffffff-ffff-ffff-ffff-000000000000")
