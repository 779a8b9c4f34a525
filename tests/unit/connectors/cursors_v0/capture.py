"""Capture the cursors crmhub saves today, per CRM and object, as test data for the cursor-state schemas.

Run once against the code whose cursors must keep working (the commit is recorded in each file):
``.venv/bin/python -m tests.unit.connectors.cursors_v0.capture``. Every batch's ``next_cursor`` of a first read and
of the incremental read after it is kept exactly as the store would save it (watermark, state), with the sandbox
clock's day (``data_end``) so a test can move the instants to its own sandbox's day and the base URL so links can
point at its own sandbox.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.base import Cursor, spec_named
from sandbox.common.people import data_end_for

HERE = Path(__file__).parent
# Small pages so first reads stop part-way many times (mid-read cursors); Salesforce also reads one object by Bulk.
PLANS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "salesforce": ({"page_size": 200, "bulk_threshold": 60, "bulk_page": 40},
                   ("Account", "Contact", "User", "Opportunity")),
    "hubspot": ({}, ("contacts", "companies", "owners", "deals")),
    "dynamics": ({}, ("contacts", "accounts", "systemusers")),
    "marketo": ({}, ("leads", "activities", "programs", "program_members", "companies")),
}


def capture(kind: str) -> dict[str, Any]:
    options, objects = PLANS[kind]
    module = importlib.import_module(f"tests.contract.crms.{kind}")
    with tempfile.TemporaryDirectory() as tmp:
        sb, harness = module.start(Path(tmp), 200)
        try:
            connector = harness.connector(**options)
            out: dict[str, Any] = {}
            for obj in objects:
                spec = spec_named(connector.objects, obj, connection=harness.connection)
                fields = harness.mapping(obj).source_fields()
                saved: list[dict[str, Any]] = []
                cursor = Cursor()
                for phase in ("first", "incremental"):
                    for batch in connector.read_changes(spec, cursor, fields=fields):
                        cursor = batch.next_cursor
                        wm = cursor.watermark.isoformat() if cursor.watermark else None
                        saved.append({"phase": phase, "watermark": wm, "state": json.loads(json.dumps(cursor.state))})
                out[obj] = saved
            return {"kind": kind, "commit": _commit(), "captured_at": datetime.now(UTC).isoformat(),
                    "data_end": data_end_for(datetime.now(UTC)).isoformat(), "base_url": harness.info.https_url,
                    "objects": out}
        finally:
            sb.stop()


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


if __name__ == "__main__":
    for kind in sys.argv[1:] or list(PLANS):
        data = capture(kind)
        (HERE / f"{kind}.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(kind, {k: len(v) for k, v in data["objects"].items()})
