"""Sandboxes that accept sentinel credentials, and a crmhub.yaml that reads them from the environment.

Every secret is a distinctive string (``SENTINEL…``) that occurs nowhere else, so finding one in any output is a
leak. Each carries a digit and is long, so only a real leak (not the token-shaped pattern masking) explains a hit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sandbox.common.launcher import SandboxProcess

SENTINELS: Mapping[str, str] = {
    "HS_CLIENT_SECRET": "SENTINELhsClientSecret7q4Z",
    "HS_REFRESH_TOKEN": "SENTINELhsRefreshToken8w5X",
    "SF_CLIENT_SECRET": "SENTINELsfClientSecret3e6C",
    "SF_PASSWORD": "SENTINELsfPassword5r7V",
    "SF_SECURITY_TOKEN": "SENTINELsfSecurityTok6t8B",
    "DYN_CLIENT_SECRET": "SENTINELdynClientSecret2y9N",
    "MKTO_CLIENT_SECRET": "SENTINELmktoClientSecret1u0M",
}
HS_CLIENT_ID = "5f0c0c3e-1111-4000-8000-00000000c11d"
SF_CLIENT_ID = "crmhub-sandbox-client"
SF_USERNAME = "integration@crmhub-sandbox.example"
DYN_TENANT = "7f3c2a9e-5d41-4b8e-9c16-2a0f8e4d6b31"
DYN_CLIENT_ID = "3b9d8c1a-6e2f-4a57-8d09-c4e1f7a2b580"
MKTO_CLIENT_ID = "crmhub-sandbox-client"

OPTIONS: Mapping[str, dict[str, str]] = {
    "hubspot": {"client_id": HS_CLIENT_ID, "client_secret": SENTINELS["HS_CLIENT_SECRET"],
                "refresh_token": SENTINELS["HS_REFRESH_TOKEN"]},
    "salesforce": {"client_id": SF_CLIENT_ID, "client_secret": SENTINELS["SF_CLIENT_SECRET"],
                   "username": SF_USERNAME, "password": SENTINELS["SF_PASSWORD"],
                   "security_token": SENTINELS["SF_SECURITY_TOKEN"]},
    "dynamics": {"tenant_id": DYN_TENANT, "client_id": DYN_CLIENT_ID, "client_secret": SENTINELS["DYN_CLIENT_SECRET"]},
    "marketo": {"client_id": MKTO_CLIENT_ID, "client_secret": SENTINELS["MKTO_CLIENT_SECRET"]},
}
OBJECTS: Mapping[str, str] = {
    "hubspot": "[owners, companies, contacts, deals]",
    "salesforce": "[User, Account, Contact, Lead, Opportunity]",
    "dynamics": "[systemusers, accounts, contacts, leads, opportunities]",
    "marketo": "[leads]",
}
CONNECTION = {"hubspot": "hs_main", "salesforce": "sf_main", "dynamics": "dyn_main", "marketo": "mkto_main"}


@dataclass(frozen=True, slots=True)
class Crm:
    kind: str
    sandbox: SandboxProcess

    @property
    def connection(self) -> str:
        return CONNECTION[self.kind]


@contextmanager
def sandboxes(kinds: tuple[str, ...], state: Path, *, scale: int = 60) -> Iterator[dict[str, Crm]]:
    with ExitStack() as stack:
        crms = {}
        for kind in kinds:
            sb = stack.enter_context(SandboxProcess(kind, scale=scale, state_dir=state / kind,
                                                    options=OPTIONS[kind]))
            crms[kind] = Crm(kind, sb)
        yield crms


def _auth(kind: str) -> str:
    if kind == "hubspot":
        return (f"{{flow: oauth_refresh, client_id: {HS_CLIENT_ID}, client_secret: '${{HS_CLIENT_SECRET}}', "
                f"refresh_token: '${{HS_REFRESH_TOKEN}}'}}")
    if kind == "salesforce":
        return (f"{{flow: password, client_id: {SF_CLIENT_ID}, client_secret: '${{SF_CLIENT_SECRET}}', "
                f"username: {SF_USERNAME}, password: '${{SF_PASSWORD}}', security_token: '${{SF_SECURITY_TOKEN}}'}}")
    if kind == "dynamics":
        return (f"{{flow: client_credentials, tenant_id: {DYN_TENANT}, client_id: {DYN_CLIENT_ID}, "
                f"client_secret: '${{DYN_CLIENT_SECRET}}'}}")
    return f"{{flow: client_credentials, client_id: {MKTO_CLIENT_ID}, client_secret: '${{MKTO_CLIENT_SECRET}}'}}"


def connection_block(crm: Crm, *, writeback: str = "") -> str:
    info = crm.sandbox.info
    extra = f"    authority_url: {info.https_url}\n" if crm.kind == "dynamics" else ""
    return (f"  {crm.connection}:\n    kind: {crm.kind}\n    base_url: {info.https_url}\n{extra}"
            f"    ca_bundle: {info.ca_path}\n    auth: {_auth(crm.kind)}\n    settle_lag_seconds: 1\n"
            f"    objects: {OBJECTS[crm.kind]}\n{writeback}")


def write_config(path: Path, crms: Mapping[str, Crm], store_url: str, *, writeback: Mapping[str, str] | None = None,
                 extra: str = "") -> Path:
    blocks = "".join(connection_block(c, writeback=(writeback or {}).get(k, "")) for k, c in crms.items())
    path.write_text(f"version: 1\nstore: {{url: '{store_url}'}}\nconnections:\n{blocks}{extra}")
    return path
