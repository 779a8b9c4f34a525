"""The script an integration engineer writes without crmhub, run on the same sandbox data and stores as crmhub.

HubSpot: hubspot-api-client ``crm.contacts.get_all()`` then pandas ``DataFrame.to_sql``. Salesforce:
simple-salesforce ``query_all`` then ``to_sql``. Both request the same fields crmhub's mapping reads, and replace
the table whole: no identity, no quality checks, no cursor, no deletes — less work than crmhub does. Each run is a
fresh process (``python -m bench.naive '<job>'``) so its peak RSS is its own.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import STORES, child_main, cpu_seconds, run_child, store_url
from sandbox.common.launcher import SandboxAdmin, SandboxInfo

SF_CLIENT = {"client_id": "crmhub-sandbox-client", "client_secret": "crmhub-sandbox-secret"}  # the sandbox's


CEILING = "ceiling: the same pages read alone (httpx, JSON parsed, nothing stored)"


def hubspot_rows(info: SandboxInfo, token: str, truth: int, workdir: Path) -> list[dict[str, Any]]:
    job = {"crm": "hubspot", "url": info.https_url, "ca": info.ca_path, "token": token}
    return (_rows("naive: hubspot-api-client get_all + pandas to_sql", "contacts", info, job, truth, workdir)
            + _rows(CEILING, "contacts", info, {**job, "crm": "hubspot_pages"}, truth, workdir))


def salesforce_rows(info: SandboxInfo, truth: int, workdir: Path) -> list[dict[str, Any]]:
    job = {"crm": "salesforce", "url": info.https_url, "ca": info.ca_path}
    return (_rows("naive: simple-salesforce query_all + pandas to_sql", "Account", info, job, truth, workdir)
            + _rows(CEILING, "Account", info, {**job, "crm": "salesforce_pages"}, truth, workdir))


def _rows(tool: str, obj: str, info: SandboxInfo, job: dict[str, Any], truth: int,
          workdir: Path) -> list[dict[str, Any]]:
    admin = SandboxAdmin(info)
    rows = []
    try:
        # The ceiling stores nothing: one run (labelled sqlite so it sits beside the SQLite rows) is enough.
        for kind in STORES if not job["crm"].endswith("_pages") else STORES[:1]:
            with store_url(kind, workdir, schema=False) as url:
                if url is None:
                    continue
                admin.reset_calls()
                # requests prefers REQUESTS_CA_BUNDLE (set on this machine) over a session's own verify= path
                out = run_child("bench.naive", {**job, "store_url": url}, env={"REQUESTS_CA_BUNDLE": info.ca_path})
                calls = {k: n for k, n in admin.calls()["by_endpoint"].items() if k != "oauth_token"}
                rows.append(alternative_row(tool, obj, kind, truth, out, sum(calls.values())))
    finally:
        admin.close()
    return rows


def alternative_row(tool: str, obj: str, kind: str, truth: int, out: dict[str, Any], calls: int) -> dict[str, Any]:
    row: dict[str, Any] = {"tool": tool, "object": obj, "store": kind, "records": truth}
    if "error" in out:
        return row | {"error": out["error"]}
    return row | {"initial_rec_per_s": out["records_per_s"], "initial_s": out["seconds"],
                  "initial_cpu_us_per_rec": per_record(out.get("cpu_s"), out["loaded"]), "api_calls": calls,
                  "loaded": out["loaded"], "peak_rss_mb": out["peak_rss_mb"]}


def per_record(cpu_s: float | None, records: int) -> int | None:
    """CPU microseconds per record: on a shared machine, steadier than records/s."""
    return round(cpu_s * 1e6 / records) if cpu_s is not None and records else None


def work(job: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import create_engine

    from mapping.spec import load_spec

    if job["crm"].endswith("_pages"):
        return _pages_alone(job)
    engine = create_engine(job["store_url"].replace("postgresql://", "postgresql+psycopg://"))
    started, cpu = time.perf_counter(), cpu_seconds()
    if job["crm"] == "hubspot":
        frame = _hubspot_frame(job, load_spec("hubspot")["contacts"].source_fields(), pd)
        table = "contacts"
    else:
        frame = _salesforce_frame(job, load_spec("salesforce")["Account"].source_fields(), pd)
        table = "account"
    frame.to_sql(table, engine, if_exists="replace", index=False)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    engine.dispose()
    return {"loaded": len(frame), "seconds": round(seconds, 2), "records_per_s": round(len(frame) / seconds),
            "cpu_s": round(cpu, 2)}


def _hubspot_frame(job: dict[str, Any], properties: list[str], pd: Any) -> Any:
    from hubspot import HubSpot

    client = HubSpot(access_token=job["token"], host=job["url"], ssl_ca_cert=job["ca"])
    contacts = client.crm.contacts.get_all(properties=properties)
    return pd.DataFrame([{"id": c.id, **c.properties, "archived": c.archived} for c in contacts])


def _salesforce_frame(job: dict[str, Any], fields: list[str], pd: Any) -> Any:
    import requests
    from simple_salesforce.api import Salesforce

    session = requests.Session()
    session.verify = job["ca"]
    token = session.post(f"{job['url']}/services/oauth2/token",
                         data={"grant_type": "client_credentials", **SF_CLIENT}, timeout=60).json()
    sf = Salesforce(instance_url=token["instance_url"], session_id=token["access_token"], session=session,
                    version="62.0")
    records = sf.query_all(f"SELECT Id, {', '.join(fields)} FROM Account")["records"]
    return pd.DataFrame(records).drop(columns="attributes")


def _pages_alone(job: dict[str, Any]) -> dict[str, Any]:
    """The fastest any client can read this object here: the same pages and fields, parsed, then dropped. What
    the sandbox's serving and the TLS round trips cost on this machine, before any tool does any work."""
    import httpx

    from mapping.spec import load_spec

    started, cpu = time.perf_counter(), cpu_seconds()
    loaded = 0
    with httpx.Client(base_url=job["url"], verify=job["ca"], timeout=120) as http:
        if job["crm"] == "hubspot_pages":
            properties = ",".join(load_spec("hubspot")["contacts"].source_fields())
            params: dict[str, Any] = {"limit": 100, "properties": properties}
            headers = {"Authorization": f"Bearer {job['token']}"}
            after: str | None = ""
            while after is not None:
                body = http.get("/crm/v3/objects/contacts", params={**params, **({"after": after} if after else {})},
                                headers=headers).raise_for_status().json()
                loaded += len(body["results"])
                after = body.get("paging", {}).get("next", {}).get("after")
        else:
            token = http.post("/services/oauth2/token",
                              data={"grant_type": "client_credentials", **SF_CLIENT}).raise_for_status().json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            fields = ", ".join(load_spec("salesforce")["Account"].source_fields())
            url: str | None = f"/services/data/v62.0/query?q=SELECT Id, {fields} FROM Account"
            while url:
                body = http.get(url, headers=headers).raise_for_status().json()
                loaded += len(body["records"])
                url = body.get("nextRecordsUrl")
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"loaded": loaded, "seconds": round(seconds, 2), "records_per_s": round(loaded / seconds),
            "cpu_s": round(cpu, 2)}


if __name__ == "__main__":
    child_main(work)
