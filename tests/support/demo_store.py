"""The four demo sandboxes synced into one SQLite store, as the demo configures them (sandbox options, value maps
and the ``kpi:`` section included), for the end-to-end tests that read a realistic store: recency of the seeded
data, identity across CRMs, the demo's KPI report."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import yaml

import store
from config import load_config
from hub.cmd_sync import sync_command
from hub.context import App
from hub.demo_crms import CRMS
from hub.demos.kpis import KPI_SETTINGS
from hub.output import Output
from sandbox.common.launcher import SandboxAdmin, SandboxProcess
from sync.stream import RunSummary

# What scoring and identity read (people, their accounts, owners, activities, deals): the demos' other objects
# (cases, quotes, custom objects, raw tables) add minutes of sync and nothing to what these tests check.
PEOPLE_AND_DEALS: Mapping[str, Sequence[str]] = {
    "salesforce_demo": ("Account", "Contact", "Lead", "Opportunity", "Task", "Event", "User"),
    "hubspot_demo": ("contacts", "companies", "deals", "owners", "calls", "emails", "meetings", "notes", "tasks"),
    "dynamics_demo": ("accounts", "contacts", "leads", "opportunities", "systemusers", "phonecalls", "emails",
                      "appointments", "tasks"),
    "marketo_demo": ("leads", "activities", "programs", "program_members", "companies"),
}
# What the demo's headline KPIs read besides: stage definitions and history (open pipeline as of a day), quotas,
# teams, and the CRMs' exchange rates.
PEOPLE_DEALS_AND_QUOTAS: Mapping[str, Sequence[str]] = {
    "salesforce_demo": (*PEOPLE_AND_DEALS["salesforce_demo"], "OpportunityHistory", "OpportunityStage",
                        "ForecastingQuota", "CurrencyType", "DatedConversionRate"),
    "hubspot_demo": (*PEOPLE_AND_DEALS["hubspot_demo"], "deal_stages", "goal_targets"),
    "dynamics_demo": (*PEOPLE_AND_DEALS["dynamics_demo"], "processstages", "goals", "teams",
                      "transactioncurrencies", "organizations"),
    "marketo_demo": PEOPLE_AND_DEALS["marketo_demo"],
}


@contextmanager
def synced_demo(workdir: Path, *, scale: int,
                objects: Mapping[str, Sequence[str]] = PEOPLE_AND_DEALS
                ) -> Iterator[tuple[App, dict[str, SandboxAdmin], list[RunSummary]]]:
    """Start the four sandboxes at their own clock, sync ``objects`` of each into one store; the environment the
    configs read secrets from is restored afterwards."""
    saved_env = dict(os.environ)
    with ExitStack() as stack:
        admins: dict[str, SandboxAdmin] = {}
        blocks: dict[str, Any] = {}
        for crm in CRMS:
            sb = stack.enter_context(SandboxProcess(crm.sandbox, scale=scale, state_dir=workdir / crm.sandbox,
                                                    options=crm.sandbox_options))
            admins[crm.connection] = sb.admin()
            blocks[crm.connection] = crm.block_for(sb.info, objects[crm.connection])
            os.environ.update(crm.env)
        path = workdir / "crmhub.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "store": {"url": f"sqlite:///{workdir / 'crmhub.db'}"},
                                        "connections": blocks, "kpi": KPI_SETTINGS}, sort_keys=False))
        cfg = load_config(Path(path))
        engine = store.make_engine(str(cfg.store.url))
        store.ensure_schema(engine)
        app = App(cfg, engine, Output(as_json=True), path)
        try:
            summaries, _ = sync_command(app, connections=[], objects=[], full_refresh=False)
            yield app, admins, summaries
        finally:
            engine.dispose()
            os.environ.clear()
            os.environ.update(saved_env)
