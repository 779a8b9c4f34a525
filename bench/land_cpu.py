"""CPU of landing alone: HubSpot-shaped contacts mapped and checked once (each stage's CPU reported), then landed
unit by unit (echo check + ``sync.land.land``) into a fresh store — a first load (every record new) and a re-land of
the same records (every record unchanged, as a full refresh finds them), with the statements each unit ran.

``python -m bench.land_cpu [--records 100000] [--unit 2000] [--store sqlite|postgresql]`` prints JSON. CPU time
(process_time), not wall time: the machine is shared. PostgreSQL needs the local server the tests use.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from sqlalchemy import Engine, event

import store
from bench.common import scratch_store
from bench.mapping_quality import contacts
from connectors.base import Cursor, Record
from mapping.apply import map_records
from mapping.spec import load_spec
from quality.checker import QualityChecker
from quality.suite import load_suites
from sync.land import Unit, content_hash, land, rejects_as_quarantine
from sync.writeback.echo import record_read_back


def units(n: int, size: int) -> tuple[list[tuple[list[Record], Unit]], dict[str, float]]:
    """Mapped and checked once, each stage's CPU µs per record measured on the way; only landing is timed after."""
    records = contacts(n)
    mapping = load_spec("hubspot")["contacts"]
    checker = QualityChecker(load_suites())
    checker.check("contact", map_records(mapping, records[:size], connection="hubspot").rows)  # GX's first-use setup
    out = []
    spent = {"map": 0.0, "check": 0.0}
    for lo in range(0, n, size):
        native = records[lo:lo + size]
        started = time.process_time()
        mapped = map_records(mapping, native, connection="hubspot", primary_key="id")
        mapped_at = time.process_time()
        verdict = checker.check("contact", mapped.rows)
        spent["map"] += mapped_at - started
        spent["check"] += time.process_time() - mapped_at
        by_id = {str(r["id"]): r for r in native}
        quarantined = rejects_as_quarantine(mapped.rejects) + [
            (row["source_id"], by_id[row["source_id"]], reasons) for row, reasons in verdict.quarantined]
        out.append((native, Unit(connection="hubspot", object="contacts", entity="contact", read=len(native),
                                 passed=verdict.passed, quarantined=quarantined, deletes=[],
                                 cursor=Cursor(state={"after": lo + size}), api_calls=0, scores=verdict.scores)))
    return out, {f"{stage}_cpu_us_per_record": round(seconds / n * 1e6, 1) for stage, seconds in spent.items()}


def land_all(engine: Engine, work: list[tuple[list[Record], Unit]]) -> dict[str, float]:
    with engine.begin() as conn:
        run_id = store.start_run(conn, connection="hubspot", object="contacts", full_refresh=False)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    cpu = 0.0
    records = 0
    try:
        for native, unit in work:
            started = time.process_time()
            with engine.begin() as conn:
                record_read_back(conn, connection=unit.connection, object=unit.object, records=native,
                                 primary_key="id", version_field="lastmodifieddate")
            land(engine, unit, run_id=run_id)
            cpu += time.process_time() - started
            records += unit.read
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {"cpu_us_per_record": round(cpu / records * 1e6, 1), "statements_per_unit": round(statements / len(work),
                                                                                           1)}




def hash_cpu(work: list[tuple[list[Record], Unit]]) -> float:
    rows = [row for _, unit in work for row in unit.passed]
    started = time.process_time()
    for row in rows:
        content_hash(row)
    return round((time.process_time() - started) / len(rows) * 1e6, 2)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.land_cpu")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--unit", type=int, default=2000)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    work, stages = units(args.records, args.unit)
    with scratch_store(args.store) as engine:
        first = land_all(engine, work)
        again = land_all(engine, work)
    print(json.dumps({"records": args.records, "unit": args.unit, "store": args.store, "first_load": first,
                      "unchanged_reland": again, "content_hash_cpu_us_per_row": hash_cpu(work), **stages}, indent=2))


if __name__ == "__main__":
    main()
