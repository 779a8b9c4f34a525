"""The org: every piece of sandbox state and behaviour, wired once in ``create_app`` and passed explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sandbox.salesforce.catalog import Catalog
from sandbox.salesforce.cursors import QueryCursors
from sandbox.salesforce.formulas import Formulas
from sandbox.salesforce.limits import RollingAllocation
from sandbox.salesforce.paths import Resolver
from sandbox.salesforce.sessions import Sessions
from sandbox.salesforce.settings import Settings
from sandbox.salesforce.store import Store
from sandbox.salesforce.writes import Writer

MIN_VERSION, MAX_VERSION = 50, 62


@dataclass
class Org:
    org_id: str
    settings: Settings
    catalog: Catalog
    store: Store
    formulas: Formulas
    writer: Writer
    sessions: Sessions
    api_usage: RollingAllocation
    bulk_query_jobs: RollingAllocation
    cursors: QueryCursors
    now: Callable[[], datetime]

    def resolver(self) -> Resolver:
        return Resolver(store=self.store, formulas=self.formulas, catalog=self.catalog, today=self.now().date())

    @staticmethod
    def versions() -> list[str]:
        return [f"{n}.0" for n in range(MIN_VERSION, MAX_VERSION + 1)]
