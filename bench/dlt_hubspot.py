"""dlt's generic ``rest_api`` source against the HubSpot sandbox: HubSpot contacts into the same SQLite and
PostgreSQL as crmhub, on the same data.

The source lists ``/crm/v3/objects/contacts`` in pages of 100 (HubSpot's maximum) with the same properties crmhub's
mapping reads, follows ``paging.next.after``, and loads with ``write_disposition="merge"`` on ``id`` (what a sync that
can run again needs; crmhub upserts too). It trusts the sandbox CA through ``REQUESTS_CA_BUNDLE`` (dlt's HTTP client
is requests), and dlt's telemetry is off: the benchmark uses no network but loopback. Each run is a fresh process.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import STORES, child_main, cpu_seconds, run_child, store_url
from bench.naive import alternative_row
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

TOOL = "dlt rest_api (merge on id)"


def rows(info: SandboxInfo, token: str, truth: int, workdir: Path) -> list[dict[str, Any]]:
    admin = SandboxAdmin(info)
    out_rows = []
    try:
        for kind in STORES:
            with store_url(kind, workdir, schema=False) as url:
                if url is None:
                    continue
                admin.reset_calls()
                job = {"url": info.https_url, "token": token, "store_url": url, "workdir": str(workdir / "dlt")}
                out = run_child("bench.dlt_hubspot", job, env={
                    "REQUESTS_CA_BUNDLE": info.ca_path, "RUNTIME__DLTHUB_TELEMETRY": "false",
                    "DLT_DATA_DIR": str(workdir / "dlt-data")})
                out_rows.append(alternative_row(TOOL, "contacts", kind, truth, out, admin.calls()["total"]))
    finally:
        admin.close()
    return out_rows


def work(job: dict[str, Any]) -> dict[str, Any]:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    from mapping.spec import load_spec

    properties = ",".join(load_spec("hubspot")["contacts"].source_fields())
    source = rest_api_source({
        "client": {"base_url": job["url"], "auth": {"type": "bearer", "token": job["token"]}},
        "resources": [{
            "name": "contacts", "primary_key": "id", "write_disposition": "merge",
            "endpoint": {
                "path": "crm/v3/objects/contacts", "params": {"limit": 100, "properties": properties},
                "data_selector": "results",
                "paginator": {"type": "cursor", "cursor_path": "paging.next.after", "cursor_param": "after"},
            },
        }],
    })
    url = job["store_url"]
    # dlt insists on a password; the server trusts loopback, so any will do.
    destination = (dlt.destinations.postgres(credentials=url.replace("postgres@", "postgres:bench@"))
                   if url.startswith("postgresql")
                   else dlt.destinations.sqlalchemy(credentials=url))
    pipeline = dlt.pipeline(pipeline_name=f"hubspot_bench_{int(time.time() * 1000)}", destination=destination,
                            dataset_name="hubspot", pipelines_dir=job["workdir"])
    started, cpu = time.perf_counter(), cpu_seconds()
    pipeline.run(source)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    trace = pipeline.last_trace
    if trace is None or trace.last_normalize_info is None:
        raise RuntimeError("dlt recorded no normalize step for the run: nothing to count")
    loaded = trace.last_normalize_info.row_counts.get("contacts", 0)
    return {"loaded": loaded, "seconds": round(seconds, 2), "records_per_s": round(loaded / seconds),
            "cpu_s": round(cpu, 2)}


if __name__ == "__main__":
    child_main(work)
