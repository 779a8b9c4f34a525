"""The contract suite's Dynamics 365: Entra ID client credentials via msal, its tables, contacts edited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.common.launcher import SandboxInfo, SandboxProcess
from tests.contract.harness import Harness

# The sandbox's fixed app registration (GET /_admin/credentials): test-only values.
TENANT = "7f3c2a9e-5d41-4b8e-9c16-2a0f8e4d6b31"
CLIENT_ID = "3b9d8c1a-6e2f-4a57-8d09-c4e1f7a2b580"
SECRET = "sandbox-dynamics-secret"
OBJECTS = ("accounts", "contacts", "leads", "opportunities", "systemusers", "teams", "campaigns", "phonecalls",
           "emails", "appointments", "tasks", "products", "opportunityproducts", "incidents", "competitors",
           "opportunitycompetitorscollection", "territories", "goals", "contracts", "quotes", "processstages")
# Never deleted: users and teams are disabled; process stages are read-only to the Web API.
UNDELETABLE = ("systemusers", "teams", "processstages")


def dynamics_block(info: SandboxInfo, *, page_size: int = 25, objects: tuple[str, ...] = OBJECTS,
                   mapping: str = "") -> str:
    """Small pages so that a few hundred records take several pages (resume, keyset and nextLink paths);
    ``mapping``: the block's own ``mapping:`` section, as YAML indented under the connection."""
    return (
        f"    kind: dynamics\n    base_url: {info.https_url}\n    authority_url: {info.https_url}\n"
        f"    ca_bundle: {info.ca_path}\n    page_size: {page_size}\n"
        f"    auth: {{flow: client_credentials, tenant_id: {TENANT}, client_id: {CLIENT_ID}, "
        f"client_secret: {SECRET}}}\n"
        f"    objects: [{', '.join(objects)}]\n{mapping}"
    )


def dynamics_break(obj: str) -> dict[str, Any]:
    return {
        "path": f"^/api/data/v9.2/{obj}$",
        "method": "GET",
        "status": 400,
        "times": 1,
        "body": {"error": {"code": "0x80040203", "message": "injected failure"}},
    }


def purge_untracked(crm: Harness, obj: str, record_id: str) -> None:
    """A delete whose change-tracking entry is gone (as when it aged out of retention): only a listing shows it."""
    crm.admin.delete(f"/_admin/records/{obj}/{record_id}?mode=purge")


def expire_delta_tokens(crm: Harness) -> dict[str, Any]:
    """Dataverse reconciles ids when a delta token has expired (the only way a delete can leave no trace)."""
    crm.admin.post("/_admin/change_tracking/expire")
    return {}


def start(state: Path, scale: int) -> tuple[SandboxProcess, Harness]:
    sb = SandboxProcess("dynamics", scale=scale, state_dir=state)
    sb.start()
    return sb, dynamics_harness(sb, "dynamics_test", OBJECTS)


def dynamics_harness(sb: SandboxProcess, connection: str, compared: tuple[str, ...], **block: Any) -> Harness:
    return Harness(
        "dynamics",
        connection,
        sb.info,
        sb.admin(),
        lambda info: dynamics_block(info, **block),
        compared,
        "contacts",
        "jobtitle",
        dynamics_break,
        wrong_secret=(SECRET, "sandbox-dynamics-wrong-1"),
        missing_id="00000000-0000-0000-0000-0000000000f1",
        merges=False,  # the sandbox has no /_admin/merge (Dataverse's Merge action is not emulated)
        unchanged_calls=1,  # a delta link that answers "no changes"
        deletable=tuple(o for o in compared if o not in UNDELETABLE),
        purge=purge_untracked,
        reconcile=expire_delta_tokens,
        reconcile_note="delta token expired",
    )


def started(state: Path, *, scale: int, connection: str, objects: tuple[str, ...] = ("contacts",),
            options: dict[str, str] | None = None, profile: str = "strict",
            **block: Any) -> tuple[SandboxProcess, Harness]:
    """A sandbox of its own (for tests that expire tokens, change limits or tracking) and its harness."""
    sb = SandboxProcess("dynamics", scale=scale, state_dir=state, options=options or {}, profile=profile)
    sb.start()
    try:
        return sb, dynamics_harness(sb, connection, objects, objects=objects, **block)
    except BaseException:
        sb.stop()
        raise
