"""Shared benchmark plumbing: stores to measure into, fresh subprocesses per run, peak memory, the results file."""

from __future__ import annotations

import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine

import store

RESULTS = Path(__file__).parent / "results"
PG_SERVER: dict[str, Any] = {"host": "127.0.0.1", "user": "postgres", "dbname": "postgres", "autocommit": True}
STORES = ("sqlite", "postgresql")
# ``make bench QUICK=1`` is a two-minute smoke run of every benchmark on small volumes: the loop, the alternatives and
# the tables, not figures to quote (per-run start-up dominates at this size).
QUICK_RECORDS = 2_000


@contextmanager
def store_url(kind: str, workdir: Path, *, schema: bool = True) -> Iterator[str | None]:
    """The URL of a fresh, empty store (crmhub's schema in it unless ``schema=False``), dropped on exit; None (and a
    message) when PostgreSQL is not there."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{secrets.token_hex(4)}.db'}"
        if schema:
            _ensure_schema(url)
        yield url
        return
    name = f"crmhub_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(**PG_SERVER, connect_timeout=3) as server:
            server.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"  (PostgreSQL skipped: {exc})")
        yield None
        return
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        if schema:
            _ensure_schema(url)
        yield url
    finally:
        with psycopg.connect(**PG_SERVER) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ensure_schema(url: str) -> None:
    engine = store.make_engine(url)
    try:
        store.ensure_schema(engine)
    finally:
        engine.dispose()


@contextmanager
def bench_store(kind: str, workdir: Path) -> Iterator[Engine | None]:
    """A fresh store with crmhub's schema, as an engine (for benchmarks that run in this process)."""
    with store_url(kind, workdir) as url:
        if url is None:
            yield None
            return
        engine = store.make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def scratch_store(kind: str) -> Iterator[Engine]:
    """``bench_store`` in a directory of its own, for a benchmark that needs the store and stops without it."""
    with tempfile.TemporaryDirectory() as workdir, bench_store(kind, Path(workdir)) as engine:
        if engine is None:
            raise SystemExit(f"no {kind} store to measure into (see the message above)")
        yield engine


class Child:
    """A benchmark run in a fresh process (so its peak RSS is its own): JSON commands in on stdin, one JSON answer
    line out per command. The child warms up (imports) first and says so; ``ready()`` waits for that, so a timed
    command never shares the CPU with another child's imports."""

    def __init__(self, module: str, *, env: dict[str, str] | None = None) -> None:
        self.module = module
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in close(): outlives __init__)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}, cwd=Path(__file__).parent.parent,
        )
        self._ready: dict[str, Any] | None = None

    def ready(self) -> dict[str, Any]:
        if self._ready is None:
            self._ready = self._answer()
        return self._ready

    def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        ready = self.ready()
        if "error" in ready:
            return ready
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return self._failed()
        return self._answer()

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._stderr.close()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                answer: dict[str, Any] = json.loads(line)
                return answer
        return self._failed()

    def _failed(self) -> dict[str, Any]:
        code = self.proc.wait()
        self._stderr.seek(0)
        tail = self._stderr.read().strip().splitlines()[-3:]
        return {"error": f"{self.module} exited {code}: {' | '.join(tail)}"}


def run_child(module: str, job: dict[str, Any], *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One command in a fresh child process."""
    child = Child(module, env=env)
    try:
        return child.ask(job)
    finally:
        child.close()


def child_main(work: Callable[[dict[str, Any]], dict[str, Any]], *,
               warm_up: Callable[[], None] | None = None) -> None:
    """A child's loop: warm up, say ready, then answer each JSON command line with ``work``'s dict plus this
    process's peak RSS so far. An exception becomes an error answer; the child stays up for the next command."""
    if warm_up is not None:
        warm_up()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            result = work(json.loads(line))
        except Exception as exc:  # reported in the results table, where a person sees it
            result = {"error": f"{type(exc).__name__}: {exc}"}
        result["peak_rss_mb"] = round(peak_rss_mb())
        print(json.dumps(result, default=str), flush=True)


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of its finished children: on a shared machine, the figure that
    does not depend on what else runs."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save(section: str, rows: list[dict[str, Any]], *, title: str | None = None) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[section] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "rows": rows}
    if title is not None:
        data[section]["title"] = title
    path.write_text(json.dumps(data, indent=2))


def markdown(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    cols = list(dict.fromkeys(c for r in rows for c in r))
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)
