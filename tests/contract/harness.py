"""What the contract suite needs from each CRM: its sandbox, a connector on it, and a person's actions.

One ``Harness`` per CRM; the tests in this package are written once against this interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select

import store
from config import ConnectionBase, parse_config
from connectors.base import Connector, ObjectSpec, spec_named
from connectors.registry import build_connector
from mapping.spec import ObjectMapping, connection_mappings
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxAdmin, SandboxInfo
from store.tables import source_link
from sync.stream import RunSummary, run_stream


@dataclass
class Harness:
    kind: str
    connection: str
    info: SandboxInfo
    admin: SandboxAdmin
    block: Callable[[SandboxInfo], str]  # the YAML of the connection (secrets inline: test-only sandbox values)
    objects: tuple[str, ...]  # what the full-read contract compares
    edit_object: str  # the object person-like edits, bulk touches and write-backs use
    write_field: str  # a writable field of edit_object
    break_rule: Callable[[str], dict[str, Any]]  # a fault rule that fails reads of an object with a non-retryable error
    wrong_secret: tuple[str, str]  # (a substring of the block's secret, a wrong one): the auth-error test swaps them
    missing_id: str  # a well-formed id no record has
    # What the delete contracts need. ``deletable``: objects a person deletes (through /_admin/records, the CRM's
    # ordinary delete) for the full-refresh repair test. ``purge``: removes a record of ``edit_object`` leaving no
    # delete trail (HubSpot's GDPR delete, an emptied Recycle Bin whose delete log was trimmed, …).
    # ``reconcile``: readies the CRM's id reconciliation for the next read and returns the connector options that
    # ask for it; ``reconcile_note``: a substring of the run note saying the reconciliation ran.
    deletable: tuple[str, ...] = ()
    purge: Callable[[Harness, str, str], None] | None = None
    reconcile: Callable[[Harness], dict[str, Any]] = lambda crm: {"reconcile_hours": 0}
    reconcile_note: str = "reconciliation"
    merges: bool = True  # whether the CRM (and its sandbox admin) merges records
    unchanged_calls: int = 3  # at most this many API calls for an incremental read of an unchanged object
    settle_lag: float = 1.0
    id_order: Callable[[str], Any] = str  # how ids sort by age (HubSpot's are numbers)
    # A harness on a custom object (its block maps it in crmhub.yaml, as an admin must: the specs cannot know it),
    # the canonical column write_field lands in, and connector options every read takes (Marketo's custom objects
    # are listed on every read: their deletes leave no other trace).
    custom: bool = False
    write_column: str = "title"
    options: Mapping[str, Any] = field(default_factory=dict)

    def ordered(self, ids: set[str]) -> list[str]:
        return sorted(ids, key=self.id_order)

    def config(self) -> ConnectionBase:
        cfg = parse_config(f"version: 1\nconnections:\n  {self.connection}:\n{self.block(self.info)}")
        return cfg.connection(self.connection)

    def connector(self, **options: Any) -> Connector:
        return build_connector(self.connection, self.config(), settle_lag=timedelta(seconds=self.settle_lag),
                               options={**self.options, **options})

    def mapping(self, obj: str) -> ObjectMapping:
        """The object's mapping as a sync resolves it: the shipped spec with the block's overrides, or the block's
        own mapping of a custom object."""
        return connection_mappings(self.connection, self.config(), [obj])[obj]

    def spec(self, connector: Connector, obj: str) -> ObjectSpec:
        return spec_named(connector.objects, obj, connection=self.connection)

    def sync(
        self,
        engine: Engine,
        connector: Connector,
        obj: str,
        checker: QualityChecker,
        *,
        full_refresh: bool = False,
        unit_size: int = 2000,
    ) -> RunSummary:
        return run_stream(
            engine=engine,
            connector=connector,
            spec=self.spec(connector, obj),
            mapping=self.mapping(obj),
            checker=checker,
            full_refresh=full_refresh,
            unit_size=unit_size,
        )

    def truth_ids(self, obj: str) -> set[str]:
        return {str(i) for i in self.admin.get(f"/_admin/truth/{obj}", ids="true")["ids"]}

    def accounted_ids(self, engine: Engine, obj: str) -> tuple[set[str], set[str]]:
        """(live ids in the store, ids held only in open quarantine)."""
        with engine.connect() as conn:
            live = {
                r.source_id
                for r in conn.execute(
                    select(source_link.c.source_id).where(
                        source_link.c.connection == self.connection,
                        source_link.c.object == obj,
                        source_link.c.is_deleted.is_(False),
                    )
                )
            }
            held = {
                r["source_id"]
                for r in store.list_quarantine(conn, connection=self.connection, object=obj, limit=100_000)
            } - live
        return live, held


def duplicate_links(engine: Engine) -> int:
    """Rows of source_link sharing a key would mean a record landed twice (the key forbids it; belt and braces)."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(source_link)).scalar_one()
        distinct = conn.execute(
            select(func.count()).select_from(
                select(source_link.c.connection, source_link.c.object, source_link.c.source_id).distinct().subquery()
            )
        ).scalar_one()
    return int(total) - int(distinct)
