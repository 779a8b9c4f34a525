"""Write-back for whoever asks: ``crmhub writeback``, a scheduler job, a worker. Which streams receive which scores,
whether their target fields exist in the CRM (HubSpot creates its own), then one plan and one run per stream.

Nothing here prints: the caller reports the summaries (a table, JSON, a log line).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pydantic import SecretStr
from sqlalchemy import Engine

from config import ConnectionBase, CrmhubConfig
from connectors.base import Connector, spec_named
from connectors.errors import ConfigError
from connectors.kinds import kind_named
from connectors.registry import build_connector
from mapping.spec import connection_mappings
from sync.tokens import token_options
from sync.writeback.run import WritebackSummary, retry_dead_letters, run_writeback
from sync.writeback.scores import FIELD_SET, desired_values, outputs_for

NUMERIC_OUTPUTS = frozenset({"lead_score", "win_probability"})
PROPERTY_GROUPS: Mapping[str, str] = {"contacts": "contactinformation", "deals": "dealinformation",
                                      "companies": "companyinformation"}


@runtime_checkable
class CreatesProperties(Protocol):
    """A connector that can create a missing custom field itself (HubSpot)."""

    def ensure_property(self, object_type: str, name: str, *, label: str, type_: str = "number",
                        field_type: str = "number", group: str = "contactinformation") -> bool: ...


@dataclass(frozen=True, slots=True)
class Target:
    object: str  # the CRM object (stream) name
    entity: str  # the canonical entity its records are
    fields: Mapping[str, str]  # crmhub output -> CRM field, the ones this entity receives


def writeback_connections(cfg: CrmhubConfig, names: Sequence[str] = ()) -> list[str]:
    """``names``, each of which must have write-back enabled; none given: every connection that has it."""
    chosen = list(names) or [n for n, c in cfg.connections.items() if c.writeback.enabled]
    for name in chosen:
        if not cfg.connection(name).writeback.enabled:
            raise ConfigError("write-back is not enabled: set writeback.enabled and writeback.fields",
                              connection=name)
    return chosen


def write_back(engine: Engine, cfg: CrmhubConfig, names: Sequence[str] = (), *, dry_run: bool = False,
               retry: bool = False, secret_key: SecretStr | None) -> list[WritebackSummary]:
    """Scores into each connection's CRM (``retry``: the retryable dead letters instead); one summary per stream.
    ``secret_key`` (``Settings.secret_key``) turns the token cache on."""
    summaries: list[WritebackSummary] = []
    for name in writeback_connections(cfg, names):
        conn = cfg.connection(name)
        connector = build_connector(name, conn, settle_lag=cfg.effective_settle_lag(name),
                                    options=token_options(engine, secret_key))
        try:
            summaries += write_back_connection(engine, connector, conn, dry_run=dry_run, retry=retry)
        finally:
            connector.close()
    return summaries


def targets_of(conn: ConnectionBase, *, connection: str) -> list[Target]:
    """The enabled streams whose entity receives at least one configured output."""
    mappings = connection_mappings(connection, conn)
    targets = [Target(obj, om.entity, outputs_for(om.entity, conn.writeback.fields)) for obj, om in mappings.items()]
    targets = [t for t in targets if t.fields]
    if not targets:
        raise ConfigError(f"no synced object receives any of {', '.join(conn.writeback.fields)}",
                          connection=connection)
    return targets


def write_back_connection(engine: Engine, connector: Connector, conn: ConnectionBase, *, dry_run: bool = False,
                          retry: bool = False) -> list[WritebackSummary]:
    targets = targets_of(conn, connection=connector.name)
    policy = conn.writeback.conflict_policy
    checked: list[bool] = []

    def require_fields() -> None:  # only once something is to be sent: unchanged scores cost no call at all
        if not checked:
            ensure_target_fields(connector, conn.kind, targets)
            checked.append(True)

    out = []
    for target in targets:
        spec = spec_named(connector.objects, target.object, connection=connector.name)
        if retry:
            out.append(retry_dead_letters(engine, connector, spec, field_set=FIELD_SET, policy=policy))
            continue
        with engine.connect() as db:
            desired = list(desired_values(db, connection=connector.name, object=target.object,
                                          entity=target.entity, fields=conn.writeback.fields))
        out.append(run_writeback(engine, connector, spec, field_set=FIELD_SET, desired=desired, policy=policy,
                                 dry_run=dry_run, before_send=require_fields))
    return out


def ensure_target_fields(connector: Connector, kind: str, targets: Sequence[Target]) -> None:
    """Every target field must exist in the CRM: a connector that can create one does; otherwise say which to
    create, and where."""
    schemas = {s.name: s.field_names() for s in connector.discover()}
    problems = []
    for target in targets:
        for output, field in target.fields.items():
            if field in schemas.get(target.object, set()):
                continue
            if isinstance(connector, CreatesProperties):
                numeric = output in NUMERIC_OUTPUTS
                connector.ensure_property(target.object, field, label=f"crmhub {output.replace('_', ' ')}",
                                          type_="number" if numeric else "string",
                                          field_type="number" if numeric else "text",
                                          group=PROPERTY_GROUPS.get(target.object, "contactinformation"))
                continue
            how = kind_named(kind, connection=connector.name).writeback_hint.format(object=target.object, field=field)
            problems.append(f"{target.object}.{field} (for {output}) does not exist in the CRM: create it — {how}")
    if problems:
        raise ConfigError("write-back target fields are missing:\n  " + "\n  ".join(problems),
                          connection=connector.name)
