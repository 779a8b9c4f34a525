"""What the demo does per CRM: its sandbox, its connection block, a person's edits, and the objects to compare.

One module per CRM in this package, each defining ``DEMO``; ``hub.demo_crms.CRMS`` lists them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.common.launcher import SandboxAdmin, SandboxInfo


@dataclass(frozen=True, slots=True)
class DemoCrm:
    connection: str
    sandbox: str
    env: dict[str, str]  # secrets the config reads through ${VAR}
    block: Callable[[SandboxInfo], dict[str, Any]]  # the crmhub.yaml connection block
    edits: Callable[[SandboxAdmin], dict[str, Any]]  # act as a person would; returns what was done
    compare: tuple[str, ...]  # objects whose store counts are checked against the sandbox's truth
    # write-back: crmhub output -> the CRM field that receives it (the fields exist in the sandbox's org)
    writeback: dict[str, str] = field(default_factory=dict)
    sandbox_options: dict[str, str] = field(default_factory=dict)  # ``--option key=value`` for its sandbox

    def block_for(self, info: SandboxInfo, objects: Sequence[str]) -> dict[str, Any]:
        """The connection block syncing only ``objects``: the config mappings of the others (custom objects mapped
        in the block) go too, since a mapping must name one of the connection's objects."""
        block = self.block(info)
        mapping = {name: body for name, body in (block.get("mapping") or {}).items() if name in objects}
        return {**block, "objects": list(objects), "mapping": mapping}
