"""The contract suite on Salesforce custom objects: Coaching_Session__c edited, written back (``Topic__c`` →
canonical ``topic``) and purged, Training_Enrollment__c (master-detail to its program) read and deleted too, both
mapped in the connection's block as an admin maps them in crmhub.yaml (the demo's mappings).

A person's sessions are added first (450 creates) so the object spans several 200-record pages: the resume test's
injected failure lands on the third SOQL call, after the first page landed with its cursor. Custom objects are not
merged in Salesforce; every one has IsDeleted, queryAll and ``deleted/``, so the purge and reconciliation tests run
as on standard objects.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from hub.demos.salesforce import CUSTOM_MAPPINGS
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.salesforce import salesforce_block, salesforce_harness
from tests.contract.harness import Harness

OBJECTS = ("Coaching_Session__c", "Training_Enrollment__c")


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("salesforce", scale=scale * 2, state_dir=state)
    sb.start()
    sb.admin().post("/_admin/random_edits/Coaching_Session__c", {"seed": 3, "creates": 450})
    block = partial(salesforce_block, objects=OBJECTS, mapping={name: CUSTOM_MAPPINGS[name] for name in OBJECTS})
    harness = replace(
        salesforce_harness(sb, "salesforce_custom", OBJECTS), block=block,
        edit_object="Coaching_Session__c", write_field="Topic__c", write_column="topic",
        missing_id="a02000000000000AAA", deletable=OBJECTS, merges=False, custom=True,
        # The 450 creates are minutes old: the unchanged read re-reads them behind its watermark (the 5-minute
        # overlap for late commits) in three 200-record pages: 5 calls measured, where an old object costs 3.
        unchanged_calls=5)
    # The creates are younger than the connector's settle lag: a read in the same second leaves them for the
    # next window by design, and the ground-truth test would count them missing.
    time.sleep(harness.settle_lag + 0.5)
    return sb, harness
