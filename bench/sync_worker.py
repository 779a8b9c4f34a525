"""A child process of ``bench.sync``: one crmhub sync phase of one case into one store, printed as JSON.

``initial``: a full sync of the fresh store. ``incremental``: a sync of what changed since (the edits the parent
made), then, past the settle lag, a sync of the unchanged CRM, whose API calls are the point.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import store
from bench.common import child_main, cpu_seconds
from bench.sync import SyncCase, load_case
from config import parse_config
from connectors.base import Connector, spec_named
from connectors.registry import build_connector
from mapping.spec import load_spec
from quality.checker import QualityChecker
from quality.suite import load_suites
from sandbox.common.launcher import SandboxAdmin, SandboxInfo
from sync.stream import RunSummary, run_stream


class SyncWorker:
    """The child's state between commands: the connector, store and checker built by the first command."""

    def __init__(self) -> None:
        self.checker = QualityChecker(load_suites())
        self.parts: tuple[SyncCase, Connector, Engine, SandboxAdmin] | None = None
        self.workers = 0

    def warm_up(self) -> None:
        """Great Expectations' import takes seconds: before the clock starts, once per entity."""
        for entity, row in WARM_UP.items():
            self.checker.check(entity, [row])

    def __call__(self, job: dict[str, Any]) -> dict[str, Any]:
        if self.parts is None:
            self.parts = _build(job)
        case, connector, engine, admin = self.parts
        admin.reset_calls()
        workers = int(job.get("workers", self.workers))
        self.workers = workers  # the incremental phase runs as the initial one did
        started, cpu, helpers = time.perf_counter(), cpu_seconds(), forkserver_cpu()
        summary = _sync(case, connector, engine, self.checker, workers)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        in_workers = summary.cpu_in_workers + forkserver_cpu() - helpers
        calls = _api_calls(case, admin)
        result: dict[str, Any] = {
            "read": summary.counts.read, "seconds": round(seconds, 2),
            "records_per_s": round(summary.counts.read / seconds) if seconds else None,
            "api_calls": sum(calls.values()), "calls_by_endpoint": calls, "cpu_s": round(cpu + in_workers, 2),
            "cpu_main_s": round(cpu, 2), "workers": workers,
            "share_in_gx": round(summary.seconds_in_quality / seconds, 3) if seconds else None,
            "reconciled": summary.counts.reconciles(), "status": summary.status, "error": summary.error,
            "counts": summary.counts.as_dict(),
        }
        if job["phase"] == "incremental":
            time.sleep(1.5)  # the edits' own sync is past the settle lag: what follows must find nothing
            admin.reset_calls()
            again = _sync(case, connector, engine, self.checker, workers)
            unchanged = _api_calls(case, admin)
            result |= {"unchanged_calls": sum(unchanged.values()), "unchanged_by_endpoint": unchanged,
                       "unchanged_upserted": again.counts.upserted}
        return result


WARM_UP = {"contact": {"source_id": "warm-up", "last_name": "x", "email": "a@b.co"},
           "account": {"source_id": "warm-up", "name": "x"}}


def _build(job: dict[str, Any]) -> tuple[SyncCase, Connector, Engine, SandboxAdmin]:
    case = load_case(job["case"])
    variant = next(v for v in case.variants if v.label == job["variant"])
    info = SandboxInfo(**job["sandbox"])
    admin = SandboxAdmin(info)
    name = f"{case.crm}_bench"
    cfg = parse_config(f"version: 1\nconnections:\n  {name}:\n    kind: {case.crm}\n{case.connection(info, admin)}"
                       f"    objects: [{case.object}]\n")
    connector = build_connector(name, cfg.connection(name), settle_lag=timedelta(seconds=1),
                                options=dict(variant.options))
    return case, connector, store.make_engine(job["store_url"]), admin


def _sync(case: SyncCase, connector: Connector, engine: Engine, checker: QualityChecker,
          workers: int) -> RunSummary:
    spec = spec_named(connector.objects, case.object, connection=connector.name)
    mapping = load_spec(case.crm)[case.object]
    return run_stream(engine=engine, connector=connector, spec=spec, mapping=mapping, checker=checker,
                      workers=workers)


def forkserver_cpu() -> float:
    """CPU seconds so far of the forkserver the worker pool forks its processes from (sync/pool.py): not a child
    this process waits for, so not in RUSAGE_CHILDREN; its one import of Great Expectations is a cost of the pool."""
    total, me, tick = 0.0, os.getpid(), os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
        if int(fields[1]) == me and b"forkserver" in cmdline:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _api_calls(case: SyncCase, admin: SandboxAdmin) -> dict[str, int]:
    """CRM API calls the sandbox served, by endpoint (token requests are the identity provider's)."""
    by: dict[str, int] = admin.calls()["by_endpoint"]
    return {name: n for name, n in by.items() if name not in case.auth_endpoints}


if __name__ == "__main__":
    worker = SyncWorker()
    child_main(worker, warm_up=worker.warm_up)
