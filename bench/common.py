"""Shared benchmark plumbing: stores to measure into, peak memory, and the results file."""

from __future__ import annotations

import json
import resource
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine

import store

RESULTS = Path(__file__).parent / "results"


@contextmanager
def bench_store(kind: str, workdir: Path) -> Iterator[Engine | None]:
    """A fresh store; None (and a message) when PostgreSQL is not there."""
    if kind == "sqlite":
        path = workdir / f"bench-{secrets.token_hex(4)}.db"
        engine = store.make_engine(f"sqlite:///{path}")
        store.ensure_schema(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    name = f"crmhub_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True,
                             connect_timeout=3) as server:
            server.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"  (PostgreSQL skipped: {exc})")
        yield None
        return
    engine = store.make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
    store.ensure_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save(section: str, rows: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[section] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "rows": rows}
    path.write_text(json.dumps(data, indent=2))


def markdown(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)
