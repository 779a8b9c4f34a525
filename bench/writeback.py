"""``python -m bench.writeback [--quick] [--only hubspot,salesforce]``: write-back API calls and seconds per CRM.

For each CRM: a sandbox, a real `crmhub sync` of the lead/contact objects, N lead scores in the store (10,000; 400
with --quick), then three write-backs through `crmhub writeback`'s engine:
- **first**: every record written (the ledger is empty);
- **changed**: every score changed (the steady state: a full rescore that moved every record);
- **unchanged**: the same scores again — must cost 0 API calls.
API calls are counted by the sandbox itself (``/_admin/calls``), not by crmhub. Prints a table and the JSON rows.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select

import store
from bench.common import QUICK_RECORDS, markdown
from config import load_config
from hub.cmd_sync import sync_command
from hub.cmd_writeback import writeback_command
from hub.context import App
from hub.demos import DemoCrm
from hub.demos.dynamics import DEMO as DYNAMICS
from hub.demos.hubspot import DEMO as HUBSPOT
from hub.demos.marketo import DEMO as MARKETO
from hub.demos.salesforce import DEMO as SALESFORCE
from hub.output import Output
from sandbox.common.launcher import SandboxProcess
from store.tables import lead, lead_score, source_link

# CRM -> (demo, lead/contact objects with their entity, population scale per scored record wanted)
CASES: dict[str, tuple[DemoCrm, dict[str, str], float]] = {
    "hubspot": (HUBSPOT, {"contacts": "contact"}, 1.4),
    "salesforce": (SALESFORCE, {"Contact": "contact", "Lead": "lead"}, 2.0),
    "dynamics": (DYNAMICS, {"contacts": "contact", "leads": "lead"}, 1.6),
    "marketo": (MARKETO, {"leads": "lead"}, 1.6),
}


# Marketo export jobs wait minutes in its queue (as the sandbox's default emulates): the figures here are about the
# write-back, so the initial sync's export completes at once (as in bench/marketo_sync.py).
SANDBOX_OPTIONS: dict[str, dict[str, str]] = {"marketo": {"export_job_s": "0"}}


def run(quick: bool = False, only: set[str] | None = None) -> list[dict[str, Any]]:
    n = QUICK_RECORDS // 5 if quick else 10_000
    rows = []
    for name, case in CASES.items():
        if only and name not in only:
            continue
        rows += _one(name, *case, n=n)
    return rows


def _one(name: str, demo: DemoCrm, targets: dict[str, str], per: float, *, n: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix=f"bench-wb-{name}-") as tmp, \
            SandboxProcess(demo.sandbox, scale=int(n * per), state_dir=Path(tmp) / "sb", profile="unlimited",
                           options=SANDBOX_OPTIONS.get(name)) as sb:
        os.environ.update(demo.env)
        path = Path(tmp) / "crmhub.yaml"
        block = {**demo.block(sb.info), "objects": list(targets), "settle_lag_seconds": 1,
                 "writeback": {"enabled": True, "conflict_policy": "skip", "fields": {
                     k: v for k, v in demo.writeback.items() if k.startswith("lead_")}}}
        path.write_text(yaml.safe_dump({"version": 1, "store": {"url": f"sqlite:///{Path(tmp) / 'crmhub.db'}"},
                                        "connections": {demo.connection: block}}, sort_keys=False))
        cfg = load_config(path)
        engine = store.make_engine(str(cfg.store.url))
        store.ensure_schema(engine)
        app = App(cfg, engine, Output(as_json=True), path)
        sync_command(app, connections=[], objects=[], full_refresh=False)
        scored = _score(engine, demo.connection, targets, n, bump=0)
        admin = sb.admin()
        out = []
        for label, bump in (("first write", 0), ("changed", 7), ("unchanged", 7)):
            if bump and label == "changed":
                _score(engine, demo.connection, targets, n, bump=bump)
            admin.reset_calls()
            started = time.perf_counter()
            summaries, _ = writeback_command(app, connections=[demo.connection], dry_run=False, retry=False)
            seconds = time.perf_counter() - started
            calls = admin.calls()
            out.append({"crm": name, "scores": label, "records": scored,
                        "updated": sum(s.updated for s in summaries),
                        "unchanged": sum(s.unchanged for s in summaries),
                        "failed": sum(s.failed + s.conflicts + s.skipped for s in summaries),
                        "api_calls": calls.get("total", 0), "crmhub_counted_calls": sum(s.api_calls for s in summaries),
                        "seconds": round(seconds, 2)})
        return out


def _score(engine: Engine, connection: str, targets: dict[str, str], n: int, *, bump: int) -> int:
    now = datetime.now(UTC)
    total = 0
    with engine.begin() as conn:
        for obj, entity in targets.items():
            query = select(source_link.c.canonical_id).where(
                source_link.c.connection == connection, source_link.c.object == obj,
                source_link.c.is_deleted.is_(False))
            if entity == "lead":
                query = query.join(lead, lead.c.id == source_link.c.canonical_id).where(lead.c.converted.is_not(True))
            ids = list(conn.execute(query.order_by(source_link.c.source_id).limit(n - total)).scalars())
            conn.execute(lead_score.delete().where(lead_score.c.entity == entity))
            conn.execute(lead_score.insert(), [{
                "entity": entity, "record_id": cid, "score": (i * 7 + bump) % 100, "grade": "warm",
                "engagement": 1.0, "intent": 1.0, "fit": 1.0, "probability": None,
                "reasons": f"+{bump + 3} web visits; +5 pricing page", "contributions": "[]",
                "model_version": "bench", "scored_at": now, "valid_until": now + timedelta(days=1)}
                for i, cid in enumerate(ids)])
            total += len(ids)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.writeback")
    parser.add_argument("--quick", action="store_true", help="400 scores per CRM instead of 10,000 (a smoke run)")
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join(CASES))
    args = parser.parse_args()
    rows = run(quick=args.quick, only={o.strip() for o in args.only.split(",") if o.strip()} or None)
    print(markdown(rows))
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
