"""``crmhub writeback``: scores into each CRM through the write-back engine; ``--dry-run`` shows what and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import Connector, spec_named
from connectors.errors import ConfigError
from connectors.registry import build_connector
from hub import exitcodes
from hub.context import App
from mapping.spec import load_spec
from sync.tokens import token_options
from sync.writeback import WritebackSummary, plan_changes, retry_dead_letters, run_writeback
from sync.writeback.scores import desired_values, outputs_for

FIELD_SET = "scores"  # one ledger entry per record for all its score fields: they change together
HUBSPOT_GROUPS = {"contacts": "contactinformation", "deals": "dealinformation", "companies": "companyinformation"}
HOW_TO_CREATE = {
    "salesforce": "Setup → Object Manager → {object} → Fields & Relationships → New (API name {field})",
    "dynamics": "Power Apps → Tables → {object} → Columns → New column (logical name {field})",
    "marketo": "Admin → Field Management → New Custom Field on the lead (REST API name {field})",
    "hubspot": "Settings → Properties → {object} → Create property (internal name {field})",
}


def writeback_command(app: App, *, connections: Sequence[str], dry_run: bool,
                      retry: bool) -> tuple[list[WritebackSummary], int]:
    names = list(connections) or [n for n, c in app.cfg.connections.items() if c.writeback.enabled]
    summaries: list[WritebackSummary] = []
    for name in names:
        conn = app.cfg.connection(name)
        if not conn.writeback.enabled:
            raise ConfigError("write-back is not enabled: set writeback.enabled and writeback.fields",
                              connection=name)
        connector = build_connector(name, conn, settle_lag=app.cfg.effective_settle_lag(name),
                                    options=token_options(app.engine))
        try:
            summaries += _connection(app, connector, conn, dry_run=dry_run, retry=retry)
        finally:
            connector.close()
    return summaries, _exit_code(summaries)


def _connection(app: App, connector: Connector, conn: Any, *, dry_run: bool, retry: bool) -> list[WritebackSummary]:
    specs = load_spec(conn.kind)
    targets = [(obj, specs[obj].entity) for obj, s in conn.objects.items()
               if s.enabled and obj in specs and outputs_for(specs[obj].entity, conn.writeback.fields)]
    if not targets:
        raise ConfigError(f"no synced object receives any of {', '.join(conn.writeback.fields)}",
                          connection=connector.name)
    out = []
    checked = False
    for obj, entity in targets:
        spec = spec_named(connector.objects, obj, connection=connector.name)
        policy = conn.writeback.conflict_policy
        if retry:
            out.append(retry_dead_letters(app.engine, connector, spec, field_set=FIELD_SET, policy=policy))
            continue
        with app.engine.connect() as db:
            desired = list(desired_values(db, connection=connector.name, object=obj, entity=entity,
                                          fields=conn.writeback.fields))
            pending = plan_changes(db, connection=connector.name, object=obj, field_set=FIELD_SET,
                                   desired=desired, policy=policy).changes
        if pending and not checked:  # unchanged scores cost no call at all, not even a describe
            _require_fields(connector, conn, targets)
            checked = True
        out.append(run_writeback(app.engine, connector, spec, field_set=FIELD_SET, desired=desired,
                                 policy=policy, dry_run=dry_run))
    return out


def _require_fields(connector: Connector, conn: Any, targets: list[tuple[str, str]]) -> None:
    """Every configured target field must exist in the CRM: say which to create, where. HubSpot creates its own."""
    schemas = {s.name: s.field_names() for s in connector.discover()}
    problems = []
    for obj, entity in targets:
        for output, field in outputs_for(entity, conn.writeback.fields).items():
            if field in schemas.get(obj, set()):
                continue
            ensure = getattr(connector, "ensure_property", None)
            if conn.kind == "hubspot" and ensure is not None:
                ensure(obj, field, label=f"crmhub {output.replace('_', ' ')}",
                       type_="number" if output in ("lead_score", "win_probability") else "string",
                       field_type="number" if output in ("lead_score", "win_probability") else "text",
                       group=HUBSPOT_GROUPS.get(obj, "contactinformation"))
                continue
            how = HOW_TO_CREATE[conn.kind].format(object=obj, field=field)
            problems.append(f"{obj}.{field} (for {output}) does not exist in the CRM: create it — {how}")
    if problems:
        raise ConfigError("write-back target fields are missing:\n  " + "\n  ".join(problems),
                          connection=connector.name)


def _exit_code(summaries: Sequence[WritebackSummary]) -> int:
    if any(s.status == "stopped" for s in summaries):
        return exitcodes.BUDGET
    if any(s.status in ("failed", "partial") for s in summaries):
        return exitcodes.RECORDS_FAILED
    return exitcodes.OK
