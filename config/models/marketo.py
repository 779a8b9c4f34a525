"""Marketo connections: client credentials against the instance's identity service."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from config.models.base import StrictModel
from config.models.connection_base import ConnectionBase
from config.models.types import HttpUrl, NonEmpty, Secret

MARKETO_DAILY_QUOTA = 50_000


class MarketoClientCredentialsAuth(StrictModel):
    flow: Literal["client_credentials"]
    client_id: NonEmpty
    client_secret: Secret


class MarketoConnection(ConnectionBase):
    CRM_LABEL: ClassVar[str] = "Marketo"
    PAGE_SIZE_RANGE: ClassVar[tuple[int, int]] = (1, 300)  # batchSize

    kind: Literal["marketo"]
    base_url: HttpUrl  # e.g. https://123-ABC-456.mktorest.com
    auth: MarketoClientCredentialsAuth
    identity_url: HttpUrl = Field(default_factory=lambda data: data.get("base_url", "") + "/identity")
    daily_quota: int = Field(
        default=MARKETO_DAILY_QUOTA, gt=0
    )  # API calls a day; the subscription may raise it
    # Marketo logs nothing when a custom object record is deleted: a custom object's read finds deletes by exporting
    # the type's whole life (one bulk job per 31 days of it) at most this often; 0: on every read. A full refresh
    # always does.
    custom_reconcile_hours: float = Field(default=24.0, ge=0)

    @field_validator("base_url")
    @classmethod
    def _host_only(cls, value: str) -> str:
        # Admin screens show ".../rest" and ".../identity" endpoints; pasting one would double the path later.
        if value.endswith(("/rest", "/identity")):
            raise ValueError(
                "give the instance URL without /rest or /identity, e.g. https://123-ABC-456.mktorest.com"
            )
        return value
