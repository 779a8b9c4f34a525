"""Mapping + quality throughput: HubSpot-shaped contacts through ``map_records`` and the shipped suites, in units
of 2,000 rows as a sync checks them, with Great Expectations' own time isolated (timers around its validate call).

``python -m bench.mapping_quality [--quick]`` (quick: 10,000 records instead of 100,000) prints a table and JSON;
``run(quick)`` returns the figures (``make bench`` calls it through bench.section). ``--mapping-only`` measures
``map_records`` alone (no Great Expectations import): CPU µs per record, the process's own CPU time.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from mapping.apply import map_records
from mapping.spec import load_spec
from quality.checker import QualityChecker
from quality.suite import load_suites

UNIT = 2000
COUNTRIES = ("Germany", "United States", "FR", "uk", "Brazil", "Japan", "India", "Canada")
STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer")
START = datetime(2024, 1, 1, tzinfo=UTC)


def contacts(n: int, *, seed: int = 7) -> list[dict[str, Any]]:
    """Every value a string, as HubSpot sends them; about 1 % break a quality rule (no last name, a bad email)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        created = START + timedelta(minutes=rnd.randrange(900_000))
        broken = rnd.random() < 0.01
        out.append({
            "id": str(1000 + i), "firstname": f"First{i}", "lastname": None if broken and i % 2 else f"Last{i}",
            "email": f"person{i}.example.com" if broken and not i % 2 else f"person{i}@example.com",
            "phone": f"+1 212 555 {rnd.randrange(10_000):04d}", "country": rnd.choice(COUNTRIES),
            "jobtitle": rnd.choice(("CEO", "VP Sales", "Engineer", "Director of IT")),
            "associatedcompanyid": str(rnd.randrange(1, 20_000)), "hubspot_owner_id": str(rnd.randrange(1, 50)),
            "city": "Springfield", "lifecyclestage": rnd.choice(STAGES), "hs_analytics_source": "ORGANIC_SEARCH",
            "createdate": created.isoformat().replace("+00:00", "Z"),
            "lastmodifieddate": (created + timedelta(days=3)).isoformat().replace("+00:00", "Z"),
            "hs_lead_status": "NEW",
        })
    return out


def mapping_cpu_us(records: list[dict[str, Any]]) -> float:
    """CPU µs per record of ``map_records`` over ``records`` in units, in this process (CPU, not wall: the machine
    is shared). Its caches start cold, as a sync's do."""
    mapping = load_spec("hubspot")["contacts"]
    start = time.process_time()
    for lo in range(0, len(records), UNIT):
        map_records(mapping, records[lo:lo + UNIT], connection="bench")
    return (time.process_time() - start) / len(records) * 1e6


def run(quick: bool = False) -> dict[str, Any]:
    n = 10_000 if quick else 100_000
    records = contacts(n)
    mapping_cpu = mapping_cpu_us(records)  # first, while the mapping's caches are cold
    mapping = load_spec("hubspot")["contacts"]
    checker = QualityChecker(load_suites())
    warm = time.perf_counter()
    checker.check("contact", map_records(mapping, records[:UNIT], connection="bench").rows)  # imports GX once
    import_seconds = time.perf_counter() - warm
    mapped_s = quality_s = gx_s = 0.0
    passed = quarantined = rejected = 0
    for lo in range(0, n, UNIT):
        t0 = time.perf_counter()
        result = map_records(mapping, records[lo:lo + UNIT], connection="bench")
        t1 = time.perf_counter()
        verdict = checker.check("contact", result.rows)
        t2 = time.perf_counter()
        mapped_s += t1 - t0
        quality_s += t2 - t1
        gx_s += verdict.seconds_in_gx
        passed, quarantined = passed + len(verdict.passed), quarantined + len(verdict.quarantined)
        rejected += len(result.rejects)
    total = mapped_s + quality_s
    return {"records": n, "unit": UNIT, "passed": passed, "quarantined": quarantined, "mapping_rejects": rejected,
            "mapping_cpu_us_per_record": round(mapping_cpu, 1),
            "seconds_mapping": round(mapped_s, 2), "seconds_quality": round(quality_s, 2),
            "seconds_in_gx": round(gx_s, 2), "rows_per_s_mapping": round(n / mapped_s),
            "rows_per_s_quality": round(n / quality_s), "rows_per_s_total": round(n / total),
            "gx_share_of_total": round(gx_s / total, 3), "gx_share_of_quality": round(gx_s / quality_s, 3),
            "gx_first_check_seconds": round(import_seconds, 2)}


def _table(r: dict[str, Any]) -> str:
    rows = [("records", f"{r['records']:,}"), ("mapping rows/s", f"{r['rows_per_s_mapping']:,}"),
            ("mapping CPU µs per record", f"{r['mapping_cpu_us_per_record']}"),
            ("quality rows/s", f"{r['rows_per_s_quality']:,}"),
            ("mapping + quality rows/s", f"{r['rows_per_s_total']:,}"),
            ("share in Great Expectations", f"{r['gx_share_of_total']:.1%} of mapping + quality "
                                            f"({r['gx_share_of_quality']:.1%} of quality)"),
            ("quarantined / mapping rejects", f"{r['quarantined']:,} / {r['mapping_rejects']:,}"),
            ("first check (imports GX)", f"{r['gx_first_check_seconds']} s")]
    return "| figure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def main(quick: bool = False, mapping_only: bool = False) -> dict[str, Any]:
    if mapping_only:
        n = 10_000 if quick else 100_000
        result: dict[str, Any] = {"records": n, "unit": UNIT,
                                  "mapping_cpu_us_per_record": round(mapping_cpu_us(contacts(n)), 1)}
    else:
        result = run(quick=quick)
        print(_table(result))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:], mapping_only="--mapping-only" in sys.argv[1:])
