"""Everything a Web API handler needs, built once by ``create_app`` and passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.common.admin import Harness
from sandbox.dynamics.config import Settings
from sandbox.dynamics.generator import Org
from sandbox.dynamics.records import Records
from sandbox.dynamics.render import Renderer
from sandbox.dynamics.store import Store
from sandbox.dynamics.tracking import ChangeTracker


@dataclass
class Services:
    settings: Settings
    harness: Harness
    store: Store
    records: Records
    renderer: Renderer
    tracker: ChangeTracker
    org: Org

    def now(self) -> datetime:
        return self.harness.clock.now()

    def now_s(self) -> int:
        return int(self.harness.clock.now().timestamp())
