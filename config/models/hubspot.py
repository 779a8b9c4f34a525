"""HubSpot connections: a private-app token or an OAuth refresh token."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from config.models.base import StrictModel
from config.models.connection_base import ConnectionBase
from config.models.types import HttpUrl, NonEmpty, Secret

HUBSPOT_API_URL = "https://api.hubapi.com"
HUBSPOT_TOKEN_PATH = "/oauth/v1/token"


class HubSpotPrivateAppAuth(StrictModel):
    flow: Literal["private_app"]
    token: Secret


class HubSpotOAuthRefreshAuth(StrictModel):
    flow: Literal["oauth_refresh"]
    client_id: NonEmpty
    client_secret: Secret
    refresh_token: Secret
    # None only before the connection has validated: it then becomes base_url + /oauth/v1/token.
    token_url: HttpUrl | None = None


HubSpotAuth = Annotated[HubSpotPrivateAppAuth | HubSpotOAuthRefreshAuth, Field(discriminator="flow")]


class HubSpotConnection(ConnectionBase):
    CRM_LABEL: ClassVar[str] = "HubSpot"
    # The list endpoint takes at most 100 (search 200); one size serves both.
    PAGE_SIZE_RANGE: ClassVar[tuple[int, int]] = (1, 100)

    kind: Literal["hubspot"]
    base_url: HttpUrl = HUBSPOT_API_URL
    auth: HubSpotAuth
    # Id reconciliation: archived lists never show purges (GDPR deletes), so every this many hours the live ids are
    # listed and records missing from them become tombstones. A full refresh always reconciles.
    reconcile_hours: float = Field(default=24.0, gt=0)

    @model_validator(mode="after")
    def _default_token_url(self) -> HubSpotConnection:
        if isinstance(self.auth, HubSpotOAuthRefreshAuth) and self.auth.token_url is None:
            auth = self.auth.model_copy(update={"token_url": self.base_url + HUBSPOT_TOKEN_PATH})
            return self.model_copy(update={"auth": auth})
        return self
