"""The CRMs the demo runs, in order. Each CRM's part lives in ``hub/demos/<kind>.py``; the demo loop is generic."""

from __future__ import annotations

from hub.demos import DemoCrm
from hub.demos.dynamics import DEMO as DYNAMICS
from hub.demos.hubspot import DEMO as HUBSPOT
from hub.demos.marketo import DEMO as MARKETO
from hub.demos.salesforce import DEMO as SALESFORCE

CRMS: tuple[DemoCrm, ...] = (HUBSPOT, DYNAMICS, SALESFORCE, MARKETO,)

__all__ = ["CRMS", "DemoCrm"]
