"""Dynamics 365 / Dataverse connections: Microsoft Entra ID client credentials against the org URL."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from config.models.base import StrictModel
from config.models.connection_base import ConnectionBase
from config.models.types import HttpUrl, NonEmpty, Secret

ENTRA_AUTHORITY_URL = "https://login.microsoftonline.com"


class DynamicsClientCredentialsAuth(StrictModel):
    flow: Literal["client_credentials"]
    tenant_id: NonEmpty  # the directory's GUID or its domain name
    client_id: NonEmpty
    client_secret: Secret


class DynamicsConnection(ConnectionBase):
    CRM_LABEL: ClassVar[str] = "Dynamics 365"
    PAGE_SIZE_RANGE: ClassVar[tuple[int, int]] = (1, 5000)  # Prefer: odata.maxpagesize

    kind: Literal["dynamics"]
    base_url: HttpUrl  # the org URL, e.g. https://contoso.crm.dynamics.com
    auth: DynamicsClientCredentialsAuth
    authority_url: HttpUrl = ENTRA_AUTHORITY_URL
    # Differs from base_url only behind a proxy or in a sandbox: the token is for the org, not the host.
    resource_url: HttpUrl = Field(default_factory=lambda data: data.get("base_url", ""))
    # Requests in flight at once: service protection refuses a user's 53rd concurrent request (0x80072326).
    max_concurrency: int = Field(default=8, ge=1, le=52)

    @property
    def token_scope(self) -> str:
        return self.resource_url + "/.default"
