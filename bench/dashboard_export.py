"""Dashboard exports: ``python -m bench.dashboard_export [--scale 0.01] [--quick]``.

The KPI benchmark's generated store (bench/kpi_data.py; at scale 0.01: 5,000 opportunities, 50,000 activities) on
SQLite, served by the web application in this process; each export (PDF, XLSX, PPTX) and the JSON it is built from,
through ``/api/v1/dashboard/export`` with an API token, at the company level and at one rep's level, three times
each. Target (issue 19): under 5 s per export. The first call of each format (at the company level) also pays its
library's start-up (WeasyPrint's, vl-convert's), so it is timed apart ("first") and left out of the median and max."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from access import Accounts, Tokens
from access.audit import CLI
from bench.common import bench_store, markdown, save
from bench.kpi_data import populate
from store.tables import crm_user
from web import create_app

TARGET_SECONDS = 5.0
REPEAT = 3
FORMATS = ("json", "pdf", "xlsx", "pptx")
RANGE = "from={start}&to={end}"


def run(scale: float) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp, bench_store("sqlite", Path(tmp)) as engine:
        assert engine is not None  # SQLite is always there
        populate(engine, scale, say=lambda _: None)
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        Accounts(engine, hasher=cheap).create("bench", "bench password 1", role="admin", actor=CLI)
        token = Tokens(engine).create("bench", "bench", actor=CLI)[1]
        with engine.connect() as conn:
            rep = conn.execute(select(crm_user.c.id).where(crm_user.c.team.is_not(None))
                               .order_by(crm_user.c.id).limit(1)).scalar_one()
        client = TestClient(create_app(engine, secret="b" * 48, hasher=cheap))
        headers = {"Authorization": f"Bearer {token}"}
        rows = []
        for view, query in (("company", ""), ("rep", f"level=rep&member={rep}")):
            first = view == "company"
            for fmt in FORMATS:
                path = "/api/v1/dashboard" if fmt == "json" else f"/api/v1/dashboard/export?format={fmt}"
                url = f"{path}{'&' if '?' in path else '?'}{query}"
                seconds, size = [], 0
                for _ in range(REPEAT + (1 if first else 0)):
                    started = time.perf_counter()
                    answer = client.get(url, headers=headers)
                    seconds.append(time.perf_counter() - started)
                    assert answer.status_code == 200, answer.text[:300]
                    size = len(answer.content)
                warm = seconds[1:] if first else seconds
                rows.append({"view": view, "format": fmt, "first s": round(seconds[0], 2) if first else "",
                             "median s": round(sorted(warm)[len(warm) // 2], 2), "max s": round(max(warm), 2),
                             "bytes": size, "under 5 s": max(seconds) < TARGET_SECONDS})
        return rows


def main(quick: bool = False) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_export")
    parser.add_argument("--scale", type=float, default=None, help="default 0.01; 0.002 with --quick")
    parser.add_argument("--quick", action="store_true")
    args, _ = parser.parse_known_args()  # bench.section passes its own arguments too
    scale = args.scale if args.scale is not None else 0.002 if quick or args.quick else 0.01
    rows = run(scale)
    save("dashboard_export", rows, title=f"Dashboard exports (SQLite, KPI store at scale {scale})")
    print(markdown(rows))


if __name__ == "__main__":
    main()
