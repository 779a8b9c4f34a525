"""The contract suite on a Marketo custom object: ``npsResponse_c`` (quarterly NPS answers linked to leads), mapped
to canonical feedback as an admin maps it in crmhub.yaml, ``comment`` as the written field.

Marketo leaves no trace of a deleted custom object record, so the harness lists the type on every read
(``reconcile_hours: 0``): that is how an incremental read sees deletes, and what an unchanged read costs (one
export job per 31 days of the type's life, of which only non-empty ones are downloaded). Export jobs complete at
once (``export_job_s=0``), and the sandbox's profile and the connector's limiter are unlimited: a listing is some
ninety calls, which Marketo's 100 calls per 20 s would stretch to a wait on every read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.common.launcher import SandboxInfo, SandboxProcess
from tests.contract.crms.marketo import CLIENT_SECRET
from tests.contract.harness import Harness

OBJECT = "npsResponse_c"


def marketo_custom_block(info: SandboxInfo) -> str:
    """The connection, and npsResponse_c mapped to canonical feedback as an admin maps it in crmhub.yaml
    (docs/connectors/marketo.md): the account through the linked lead's company rollup."""
    return (
        f"    kind: marketo\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
        f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, client_secret: {CLIENT_SECRET}}}\n"
        f"    objects: [{OBJECT}]\n"
        f"    mapping:\n"
        f"      {OBJECT}:\n"
        f"        entity: feedback\n"
        f"        fields:\n"
        f"          account_id: {{from: companyKey, ref: companies}}\n"
        f"          received_on: respondedOn\n"
        f"          feedback_type: {{const: nps}}\n"
        f"          score: score\n"
        f"          channel: channel\n"
        f"          comment: comment\n"
        f"          created_at: createdAt\n"
        f"          updated_at: updatedAt\n"
        f"        custom: [surveyName, responseId, leadID]\n"
    )


def break_file(obj: str) -> dict[str, Any]:
    """The bulk file download refused under HTTP 200 with a non-retryable envelope error (after ``skip`` files)."""
    return {
        "path": f"^/bulk/v1/customobjects/{obj}/export/[^/]+/file.json$",
        "method": "GET",
        "status": 200,
        "times": 1,
        "body": {"requestId": "dead#beef", "success": False,
                 "errors": [{"code": "1003", "message": "injected failure"}]},
    }


def delete_record(crm: Harness, obj: str, record_id: str) -> None:
    """Any custom object delete is a purge: Marketo keeps no trace of it."""
    crm.admin.delete(f"/_admin/records/{obj}/{record_id}?mode=purge")


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("marketo", scale=scale, state_dir=state, profile="unlimited", options={"export_job_s": "0"})
    sb.start()
    return sb, Harness(
        "marketo",
        "marketo_custom_test",
        sb.info,
        sb.admin(),
        marketo_custom_block,
        (OBJECT,),
        OBJECT,
        "comment",
        break_file,
        wrong_secret=(CLIENT_SECRET, "crmhub-sandbox-wrong-1"),
        missing_id="00000000-0000-4000-8000-000000000000",
        merges=False,
        unchanged_calls=100,
        deletable=(OBJECT,),
        purge=delete_record,
        reconcile_note=f"every {OBJECT} record listed",
        custom=True,
        write_column="comment",
        options={"reconcile_hours": 0, "rate_limit": 10_000},
    )
