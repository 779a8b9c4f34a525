"""The CRMs the demo runs, in order. Each CRM's part lives in ``hub/demos/<kind>.py``; the demo loop is generic."""

from __future__ import annotations

from hub.demos import DemoCrm
from hub.demos.hubspot import DEMO as HUBSPOT

CRMS: tuple[DemoCrm, ...] = (HUBSPOT,)

__all__ = ["CRMS", "DemoCrm"]
