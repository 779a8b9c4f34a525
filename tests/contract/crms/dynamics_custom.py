"""The contract suite on a Dataverse custom table: ``new_qbr`` (Quarterly Business Review, created through the
metadata API by the sandbox's seed), mapped to canonical qbr in the connection's block as an admin maps it in
crmhub.yaml, ``new_outcome`` (a memo column) as the written field.

The table is change-tracked, so the suite exercises the same delta links, ``$deletedEntity`` entries and expired-token
reconciliation as on ``contacts``; only the table's entity set (``new_qbrs``) comes from its metadata. Pages of five
rows: the seed holds a few dozen reviews at the suite's scale, and the resume test needs its failure several pages in.
"""

from __future__ import annotations

from pathlib import Path

from sandbox.common.launcher import SandboxInfo, SandboxProcess
from tests.contract.crms.dynamics import (
    CLIENT_ID,
    SECRET,
    TENANT,
    dynamics_break,
    expire_delta_tokens,
    purge_untracked,
)
from tests.contract.harness import Harness

OBJECT = "new_qbr"
ENTITY_SET = "new_qbrs"  # what the Web API's URLs name
# the choices' values (the default publisher's option value prefix) as the canonical qbr names them
STATUS = "{'100000000': planned, '100000001': held, '100000002': cancelled}"
REVIEW_TYPE = "{'100000000': qbr, '100000001': strategic_review}"
RATING = "{'100000000': green, '100000001': amber, '100000002': red}"


def dynamics_custom_block(info: SandboxInfo) -> str:
    """The connection, and new_qbr mapped to canonical qbr (docs/connectors/dynamics.md shows the same YAML)."""
    return (
        f"    kind: dynamics\n    base_url: {info.https_url}\n    authority_url: {info.https_url}\n"
        f"    ca_bundle: {info.ca_path}\n    page_size: 5\n"
        f"    auth: {{flow: client_credentials, tenant_id: {TENANT}, client_id: {CLIENT_ID}, "
        f"client_secret: {SECRET}}}\n"
        f"    objects: [{OBJECT}]\n"
        f"    mapping:\n"
        f"      {OBJECT}:\n"
        f"        entity: qbr\n"
        f"        fields:\n"
        f"          account_id: {{from: _new_accountid_value, ref: accounts}}\n"
        f"          owner_id: {{from: _ownerid_value@systemuser, ref: systemusers}}\n"
        f"          held_on: new_heldon\n"
        f"          status: {{from: new_status, transform: map, values: {STATUS}}}\n"
        f"          review_type: {{from: new_reviewtype, transform: map, values: {REVIEW_TYPE}}}\n"
        f"          health_rating: {{from: new_healthrating, transform: map, values: {RATING}}}\n"
        f"          outcome: new_outcome\n"
        f"          created_at: createdon\n"
        f"          updated_at: modifiedon\n"
        f"        custom: [new_name, '@odata.etag']\n"
    )


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("dynamics", scale=scale, state_dir=state)
    sb.start()
    return sb, Harness(
        "dynamics",
        "dynamics_custom_test",
        sb.info,
        sb.admin(),
        dynamics_custom_block,
        (OBJECT,),
        OBJECT,
        "new_outcome",
        lambda obj: dynamics_break(ENTITY_SET),
        wrong_secret=(SECRET, "sandbox-dynamics-wrong-1"),
        missing_id="00000000-0000-0000-0000-0000000000f1",
        merges=False,
        unchanged_calls=1,
        deletable=(OBJECT,),
        purge=purge_untracked,
        reconcile=expire_delta_tokens,
        reconcile_note="delta token expired",
        custom=True,
        write_column="outcome",
    )
