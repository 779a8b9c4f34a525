"""Constrained value types shared by the models, each with a message that says what is expected."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, Field, SecretStr, ValidationInfo

CONNECTION_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
_CONNECTION_NAME = re.compile(CONNECTION_NAME_PATTERN)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
_CANONICAL_TARGET = re.compile(r"[a-z][a-z0-9_]{0,62}|custom\.[A-Za-z][A-Za-z0-9_]{0,62}")
_CRM_NAME = re.compile(r"[^\s]{1,255}")
MODEL_CODE_PATTERN = r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"
_MODEL_CODE = re.compile(MODEL_CODE_PATTERN)
_STORE_SCHEMES = ("sqlite", "postgresql")
_BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp", "sqs", "memory")


def _connection_name(value: str) -> str:
    if not _CONNECTION_NAME.fullmatch(value):
        raise ValueError(
            f"connection names must match {CONNECTION_NAME_PATTERN}: lower-case letters, digits and '_', "
            "starting with a letter, at most 63 characters"
        )
    return value


def _identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError("expected a lower-case name of letters, digits and '_', starting with a letter")
    return value


def _canonical_target(value: str) -> str:
    if not _CANONICAL_TARGET.fullmatch(value):
        raise ValueError(
            "expected a canonical field name (e.g. 'email') or 'custom.<name>' for a custom field"
        )
    return value


def _crm_name(value: str) -> str:
    if not _CRM_NAME.fullmatch(value):
        raise ValueError("expected a name as the CRM spells it: 1 to 255 characters, no spaces")
    return value


def _model_code(value: str) -> str:
    if not _MODEL_CODE.fullmatch(value) or len(value) > 100:
        raise ValueError("expected an object model code in UPPER_SNAKE case, e.g. TRAINING_PROGRAM "
                         "(upper-case letters, digits and single '_' between words, starting with a letter)")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError("expected an http(s) URL such as https://api.example.com")
    if parts.query or parts.fragment:
        raise ValueError("expected a URL without a query string or fragment")
    # Stored without a trailing slash: other URLs are built as base_url + "/path".
    return value.rstrip("/")


def _store_url(value: str) -> str:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme.split("+", 1)[0] not in _STORE_SCHEMES:
        raise ValueError("expected sqlite:///path/to/file.db or postgresql://user@host:5432/database")
    return value


def _broker_url(value: str) -> str:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in _BROKER_SCHEMES:
        raise ValueError(f"expected a Celery broker URL ({', '.join(s + '://' for s in _BROKER_SCHEMES)})")
    return value


def _existing_file(value: Path, info: ValidationInfo) -> Path:
    # Relative paths are relative to the config file's folder, not to wherever crmhub happens to be started.
    base = (info.context or {}).get("base_dir") or Path.cwd()
    resolved = (Path(base) / value.expanduser()).resolve()
    if not resolved.is_file():
        raise ValueError(f"file not found: {resolved}")
    return resolved


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, for logs and ``repr``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo = f"{parts.username or ''}:***@"
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=userinfo + host))


ConnectionName = Annotated[str, AfterValidator(_connection_name)]
Identifier = Annotated[str, AfterValidator(_identifier)]
CanonicalTarget = Annotated[str, AfterValidator(_canonical_target)]
CrmName = Annotated[str, AfterValidator(_crm_name)]
ModelCode = Annotated[str, AfterValidator(_model_code)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
StoreUrl = Annotated[str, AfterValidator(_store_url)]
BrokerUrl = Annotated[str, AfterValidator(_broker_url)]
ExistingFile = Annotated[Path, AfterValidator(_existing_file)]
Secret = Annotated[SecretStr, Field(min_length=1)]
NonEmpty = Annotated[str, Field(min_length=1)]
