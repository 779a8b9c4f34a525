"""The CRMs the demo runs, in order. Each CRM's part lives in ``hub/demos/<kind>.py``; the demo loop is generic.

The demo keeps its own order (the story it tells), but which CRMs it covers is the registry's: ``demos_for`` fails
when a registered kind has no demo part or a demo part names no registered kind.
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.kinds import KINDS, Kind
from hub.demos import DemoCrm
from hub.demos.dynamics import DEMO as DYNAMICS
from hub.demos.hubspot import DEMO as HUBSPOT
from hub.demos.marketo import DEMO as MARKETO
from hub.demos.salesforce import DEMO as SALESFORCE


def demos_for(kinds: Sequence[Kind], demos: Sequence[DemoCrm]) -> tuple[DemoCrm, ...]:
    """``demos`` in their order, checked to be exactly one per kind (a demo's ``sandbox`` is its kind's name)."""
    registered = [kind.name for kind in kinds]
    covered = [demo.sandbox for demo in demos]
    missing = [name for name in registered if name not in covered]
    unknown = [name for name in covered if name not in registered]
    if missing or unknown or len(set(covered)) != len(covered):
        raise ValueError(f"the demo needs one part per registered kind: missing {missing}, unknown {unknown}, "
                         f"listed {covered}")
    return tuple(demos)


CRMS: tuple[DemoCrm, ...] = demos_for(KINDS, (HUBSPOT, DYNAMICS, SALESFORCE, MARKETO))

__all__ = ["CRMS", "DemoCrm", "demos_for"]
