"""CPU cost of ``sync.land.land`` for one unit of 2,000 HubSpot-like contacts, on SQLite and PostgreSQL.

Three landings per repetition on a fresh store: every record new (inserts), every record changed (updates over
existing rows), nothing changed (the hash check alone). CPU time of this process only (``time.process_time``): the
machine is shared, and the database server's own work is not ours to count. Run: ``python -m bench.landing``.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import store
from bench.common import scratch_store
from connectors.base import Cursor
from mapping.canonical_ids import canonical_id
from sync.land import Unit, land

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def contact_rows(count: int, *, revision: int) -> list[dict[str, Any]]:
    """Mapped contacts as the HubSpot mapping makes them; ``revision`` changes every row's content."""
    return [
        {
            "id": canonical_id("hubspot", "contacts", str(n)),
            "source_connection": "hubspot",
            "source_object": "contacts",
            "source_id": str(n),
            "first_name": f"Ana{n}",
            "last_name": f"Silva {revision}",
            "email": f"ana.{n}@example.com",
            "phone": f"+1 555 {n % 10_000:04d}",
            "title": "Buyer" if n % 3 else None,
            "account_id": None,
            "owner_id": str(n % 40),
            "country": "PT",
            "city": "Lisboa",
            "lifecycle_stage": "lead",
            "lead_source": None,
            "custom": {"score": n % 100, "tags": ["a", "ç"], "revision": revision},
            "created_at": T0 - timedelta(days=n % 365),
            "updated_at": T0 + timedelta(minutes=revision, seconds=n),
        }
        for n in range(count)
    ]


def unit_of(rows: list[dict[str, Any]]) -> Unit:
    return Unit(connection="hubspot", object="contacts", entity="contact", read=len(rows), passed=rows,
                quarantined=[], deletes=[], cursor=Cursor(watermark=T0, state={}), api_calls=1,
                scores=[(row["id"], 1.0, []) for row in rows])




def cpu_us_per_record(action: Callable[[], Any], records: int) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1e6 / records


def measure(kind: str, *, size: int, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` CPU µs/record for each landing (the least disturbed by other processes)."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        with scratch_store(kind) as engine:
            with engine.begin() as conn:
                run_id = store.start_run(conn, connection="hubspot", object="contacts", full_refresh=False)
            for label, revision in (("insert", 1), ("update", 2), ("unchanged", 2)):
                unit = unit_of(contact_rows(size, revision=revision))
                spent = cpu_us_per_record(functools.partial(land, engine, unit, run_id=run_id), size)
                best[label] = min(best.get(label, spent), spent)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dialects", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for kind in args.dialects:
        figures = measure(kind, size=args.size, repeat=args.repeat)
        shown = ", ".join(f"{label} {value:.1f}" for label, value in figures.items())
        print(f"{kind}: CPU µs/record of land() for a {args.size}-row unit (best of {args.repeat}): {shown}")


if __name__ == "__main__":
    main()
