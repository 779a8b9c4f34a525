"""Echo detection per unit: free when nothing was ever written back to the stream, unchanged when something was."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from store import writeback as ledger
from store.tables import writeback_ledger
from sync.writeback.echo import ReadBack, record_read_back
from tests.support.statements import statements, touching

OURS = "2024-02-01T00:00:05+00:00"  # the version our write left
UNIT = [{"id": str(i), "score": 10, "updated": OURS} for i in range(2_000)]


def _read_back(engine: Engine, records: list[dict[str, Any]], object: str = "people") -> tuple[ReadBack, list[str]]:
    with engine.begin() as conn, statements(conn) as seen:
        out = record_read_back(conn, connection="toy", object=object, records=records, primary_key="id",
                               version_field="updated")
    return out, seen


def _sent(engine: Engine, source_id: str, object: str = "people") -> None:
    with engine.begin() as conn:
        ledger.record_sent(conn, [{"connection": "toy", "object": object, "source_id": source_id,
                                   "field_set": "lead_score", "values_hash": "h", "values": {"score": 10},
                                   "version": OURS, "run_id": 1}])


def test_a_stream_never_written_back_to_costs_one_probe(engine: Engine) -> None:
    _sent(engine, "1", object="companies")  # another object's ledger does not count
    out, seen = _read_back(engine, UNIT)
    assert len(seen) == 1 and "EXISTS" in seen[0].upper()
    assert out == ReadBack()  # no echo, no edit


def test_our_write_coming_back_is_an_echo_and_a_persons_edit_is_marked(engine: Engine) -> None:
    _sent(engine, "1")
    _sent(engine, "2")
    edited = {"id": "2", "score": 99, "updated": "2024-02-01T00:10:00+00:00"}
    out, seen = _read_back(engine, [*UNIT[:1], UNIT[1] | {"id": "1"}, edited, *UNIT[3:]])
    assert len(touching(seen, "SELECT", "writeback_ledger")) == 1 + 3  # the probe, then 2,000 ids in 900s
    assert out.echoes == frozenset({"1"})
    with engine.connect() as conn:
        marks = dict(conn.execute(select(writeback_ledger.c.source_id, writeback_ledger.c.edited_at)).all())
    assert marks == {"1": None, "2": datetime(2024, 2, 1, 0, 10, tzinfo=UTC)}


def test_a_write_back_landing_mid_run_is_seen_by_the_next_unit(engine: Engine) -> None:
    """Write-backs take no stream lock: one may start during a sync, and its records read later are echoes."""
    before, _ = _read_back(engine, UNIT[:10])
    _sent(engine, "3")
    after, _ = _read_back(engine, UNIT[:10])
    assert before.echoes == frozenset() and after.echoes == frozenset({"3"})
