"""The contract suite on HubSpot custom objects: Channel Partner edited, written back (``partner_name`` → canonical
``name``) and purged, Partner Deal (associated with its partner, another custom object) read and deleted too, both
mapped in the connection's block as an admin maps them in crmhub.yaml (the demo's mappings).

A person's partners are added first (240 creates) so the object spans several 100-record list pages: the resume
test's injected failure lands on the third call, after the first pages landed with their cursor. HubSpot does not
merge custom object records; a purge (a delete emptied from the recycle bin) leaves no archived entry, so the id
reconciliation finds it as for a GDPR-deleted contact.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from hub.demos.hubspot import CUSTOM_MAPPINGS
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.hubspot import hubspot_block, hubspot_harness
from tests.contract.harness import Harness

OBJECTS = ("p_channel_partner", "p_partner_deal")


def purge(crm: Harness, obj: str, record_id: str) -> None:
    crm.admin.delete(f"/_admin/records/{obj}/{record_id}?mode=purge")


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("hubspot", scale=scale, state_dir=state, options={"search_lag_ms": "200"})
    sb.start()
    sb.admin().post("/_admin/random_edits/p_channel_partner", {"seed": 3, "creates": 240})
    block = partial(hubspot_block, objects=OBJECTS, mapping={name: CUSTOM_MAPPINGS[name] for name in OBJECTS})
    harness = replace(
        hubspot_harness(sb, "hubspot_custom", OBJECTS), block=block,
        edit_object="p_channel_partner", write_field="partner_name", write_column="name", deletable=OBJECTS,
        merges=False, custom=True, purge=purge)
    # The creates are younger than the connector's settle lag: a read in the same second leaves them for the
    # next window by design, and the ground-truth test would count them missing.
    time.sleep(harness.settle_lag + 0.5)
    return sb, harness
