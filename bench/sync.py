"""One benchmark loop for every CRM: seed a sandbox, sync into SQLite and PostgreSQL (each run in a fresh process),
edit the CRM, sync incrementally, then sync the unchanged CRM, counting the API calls the sandbox served.

A CRM's benchmark is a ``SyncCase`` (data, not a copy of this loop); ``sync_figures`` runs it at one volume and
returns one row per (variant, store). Alternatives (``bench.naive``, ``bench.dlt_hubspot``) run in the same sandbox,
on the same data, between crmhub's initial and incremental syncs.
"""

from __future__ import annotations

import dataclasses
import importlib
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import STORES, Child, store_url
from bench.naive import per_record
from sandbox.common.launcher import SandboxAdmin, SandboxInfo, SandboxProcess

Alternatives = Callable[[SandboxInfo, int, Path], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Variant:
    label: str  # "" when a CRM has one read path
    options: Mapping[str, Any] = field(default_factory=dict)  # connector options (bench/tests tuning)
    max_volume: int | None = None  # skip above this volume (a path nobody would use there)


@dataclass(frozen=True, slots=True)
class SyncCase:
    module: str  # the module holding this case as CASE (children import it)
    crm: str
    object: str
    entity: str
    warm_up: Mapping[str, Any]  # one canonical row: imports Great Expectations before the clock starts
    sandbox: Callable[[int], tuple[int, dict[str, str]]]  # volume -> (population scale, sandbox options)
    connection: Callable[[SandboxInfo, SandboxAdmin], str]  # the YAML lines of the connection after `kind`
    minimum_calls: Callable[[str, int, Mapping[str, int]], int]  # (variant, records, calls by endpoint) -> minimum
    unchanged_minimum: int
    auth_endpoints: tuple[str, ...] = ()  # token endpoints: the identity provider's calls, not the CRM API's
    variants: tuple[Variant, ...] = (Variant(""),)
    edit_share: float = 0.1  # of the records a person edits between the initial and the incremental sync


def sync_figures(case: SyncCase, volume: int, *, alternatives: Alternatives | None = None,
                 workers: tuple[int, ...] = (0,), stores: tuple[str, ...] = STORES) -> list[dict[str, Any]]:
    """Initial, incremental and unchanged-CRM syncs of ``volume`` records per variant, store and worker count
    (``sync.workers``: processes mapping and checking beside the main one), plus the alternatives' rows (their own
    ``tool`` column) on the same data."""
    scale, options = case.sandbox(volume)
    wanted = [(v, kind, n) for v in case.variants if v.max_volume is None or volume <= v.max_volume
              for kind in stores for n in workers]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        # One fresh process per (variant, store), started first: their imports overlap the sandbox's seeding.
        children = [stack.enter_context(_closing(Child("bench.sync_worker"))) for _ in wanted]
        sb = stack.enter_context(SandboxProcess(case.crm, scale=scale, profile="unlimited",
                                                state_dir=Path(tmp) / "sb", options=options))
        admin = SandboxAdmin(sb.info, timeout=900.0)  # 100,000 edits of a 1,000,000-record CRM take minutes
        truth = admin.get(f"/_admin/truth/{case.object}")["count"]
        info = dataclasses.asdict(sb.info)
        runs = [(v, kind, n, stack.enter_context(store_url(kind, Path(tmp))), child)
                for (v, kind, n), child in zip(wanted, children, strict=True)]
        runs = [run for run in runs if run[3] is not None]
        for child in children:
            child.ready()
        job = {"case": case.module, "sandbox": info}
        initial = [child.ask({**job, "variant": v.label, "store_url": url, "phase": "initial", "workers": n})
                   for v, _, n, url, child in runs]
        others = alternatives(sb.info, truth, Path(tmp)) if alternatives else []
        edits = max(1, int(truth * case.edit_share))
        try:
            edited = admin.post(f"/_admin/random_edits/{case.object}",
                                {"seed": 11, "edits": edits, "deletes": edits // 20, "creates": edits // 20})
        except Exception as exc:  # the initial syncs' figures stand; their rows say why the rest is missing
            failed = {"error": f"the person's edits failed, no incremental sync: {type(exc).__name__}: {exc}"}
            return [_row(case, v, kind, truth, first, failed, {}) for (v, kind, _, _, _), first
                    in zip(runs, initial, strict=True)] + others
        time.sleep(1.5)  # past the connector's settle lag
        rows = []
        for (v, kind, _, _, child), first in zip(runs, initial, strict=True):
            again = child.ask({"phase": "incremental"})
            rows.append(_row(case, v, kind, truth, first, again, edited))
    return rows + others


@contextmanager
def _closing(child: Child) -> Iterator[Child]:
    try:
        yield child
    finally:
        child.close()


def _row(case: SyncCase, variant: Variant, kind: str, truth: int, first: dict[str, Any], again: dict[str, Any],
         edited: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"tool": "crmhub", "object": case.object}
    if variant.label:
        row["path"] = variant.label
    row |= {"store": kind, "records": truth}
    if "status" not in first:  # the child failed before a run: its error is all we have
        return row | {"error": first.get("error") or again.get("error")}
    calls = first["calls_by_endpoint"]
    row |= {
        "initial_rec_per_s": first["records_per_s"], "initial_s": first["seconds"],
        "initial_cpu_us_per_rec": per_record(first.get("cpu_s"), first["read"]),
        "initial_main_cpu_us_per_rec": per_record(first.get("cpu_main_s"), first["read"]),
        "workers": first.get("workers", 0),
        "api_calls": first["api_calls"], "by_endpoint": ", ".join(f"{k} {n}" for k, n in calls.items()),
        "api_calls_minimum": case.minimum_calls(variant.label, truth, calls),
        "share_in_gx": first["share_in_gx"], "peak_rss_mb": first["peak_rss_mb"],
    }
    if "status" not in again:  # the initial sync ran; the incremental one did not
        return row | {"status": first["status"], "reconciled": first["reconciled"],
                      "error": first["error"] or again.get("error")}
    return row | {
        "incremental_read": again["read"], "incremental_rec_per_s": again["records_per_s"],
        "unchanged_calls": again["unchanged_calls"], "unchanged_minimum": case.unchanged_minimum,
        "share_in_gx": first["share_in_gx"], "reconciled": first["reconciled"] and again["reconciled"],
        "status": first["status"] if first["status"] != "succeeded" else again["status"],
        "peak_rss_mb": max(first["peak_rss_mb"], again["peak_rss_mb"]),
        "error": first["error"] or again["error"],
        "unchanged_by_endpoint": ", ".join(f"{k} {n}" for k, n in again["unchanged_by_endpoint"].items()),
        "edits": "/".join(str(_count(edited.get(k))) for k in ("edited", "deleted", "created")),
    }


def _count(value: Any) -> int:
    """Sandboxes answer edits with the ids touched or with their number."""
    return len(value) if isinstance(value, list) else int(value or 0)


def load_case(module: str) -> SyncCase:
    case: SyncCase = importlib.import_module(module).CASE
    return case

