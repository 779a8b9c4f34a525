"""Salesforce connections: four OAuth flows, a login host, an optional instance override, the API version."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from config.models.base import StrictModel, problems_error
from config.models.connection_base import ConnectionBase
from config.models.types import ExistingFile, HttpUrl, NonEmpty, Secret

SALESFORCE_LOGIN_URL = "https://login.salesforce.com"
SALESFORCE_API_VERSION = "62.0"


class SalesforceClientCredentialsAuth(StrictModel):
    flow: Literal["client_credentials"]
    client_id: NonEmpty
    client_secret: Secret


class SalesforcePasswordAuth(StrictModel):
    flow: Literal["password"]
    client_id: NonEmpty
    client_secret: Secret
    username: NonEmpty
    password: Secret
    security_token: SecretStr = SecretStr("")  # empty when the caller's IP range is trusted


class SalesforceRefreshTokenAuth(StrictModel):
    flow: Literal["refresh_token"]
    client_id: NonEmpty
    client_secret: Secret
    refresh_token: Secret


class SalesforceJwtBearerAuth(StrictModel):
    """The connected app's certificate key: exactly one of a PEM file or the PEM text itself."""

    flow: Literal["jwt_bearer"]
    client_id: NonEmpty
    username: NonEmpty
    private_key_file: ExistingFile | None = None
    private_key: Secret | None = None

    @model_validator(mode="after")
    def _one_key(self) -> SalesforceJwtBearerAuth:
        if (self.private_key_file is None) == (self.private_key is None):
            raise ValueError("set exactly one of private_key_file or private_key")
        if self.private_key is not None and "PRIVATE KEY-----" not in self.private_key.get_secret_value():
            raise problems_error(
                "SalesforceJwtBearerAuth",
                [(("private_key",), "expected a PEM private key (-----BEGIN ... PRIVATE KEY-----)")],
            )
        return self


SalesforceAuth = Annotated[
    SalesforceClientCredentialsAuth
    | SalesforcePasswordAuth
    | SalesforceRefreshTokenAuth
    | SalesforceJwtBearerAuth,
    Field(discriminator="flow"),
]


class SalesforceConnection(ConnectionBase):
    """``base_url``, when set, is one host serving both login and API (a sandbox, a proxy): it is then the
    default for ``login_url`` and ``instance_url``. Otherwise the instance comes from the token response."""

    CRM_LABEL: ClassVar[str] = "Salesforce"
    PAGE_SIZE_RANGE: ClassVar[tuple[int, int]] = (200, 2000)  # Sforce-Query-Options batchSize

    kind: Literal["salesforce"]
    base_url: HttpUrl | None = None
    auth: SalesforceAuth
    login_url: HttpUrl = Field(default_factory=lambda data: data.get("base_url") or SALESFORCE_LOGIN_URL)
    instance_url: HttpUrl | None = Field(default_factory=lambda data: data.get("base_url"))
    api_version: str = SALESFORCE_API_VERSION
    bulk_threshold: int = Field(default=10_000, gt=0)  # from this many records on, read through Bulk API 2.0
    bulk_write_threshold: int = Field(default=2_000, gt=0)  # from this many changes on, write through Bulk 2.0
    # Incremental windows start this far behind the watermark: records that committed late with an earlier
    # SystemModstamp (long transactions, triggers) are still read.
    overlap_seconds: int = Field(default=300, ge=0, le=86_400)
    reconcile_hours: float = Field(default=24.0, gt=0)  # Id reconciliation: purged records become tombstones
    formula_reread_hours: float = Field(default=24.0, gt=0)  # formula fields change without SystemModstamp

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # YAML reads an unquoted 62.0 as a float; versions are always NN.0, so it converts without loss.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{float(value):.1f}"
        return value

    @field_validator("api_version")
    @classmethod
    def _version_shape(cls, value: str) -> str:
        major, dot, minor = value.partition(".")
        if not (dot and major.isdigit() and minor == "0"):
            raise ValueError(f'expected a version such as "{SALESFORCE_API_VERSION}"')
        return value
