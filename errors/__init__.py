"""The base errors of crmhub, one class per meaning: every package may import this; it imports nothing of ours.

Each is named for what the caller should do and carries where it happened (connection, object, record, field),
never a secret: callers pass scrubbed text. Packages add their own subclasses (``connectors.errors.RateLimited``,
``config.errors.ConfigFileError``), so one ``except ConfigError`` catches every configuration problem.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AuthError",
    "BudgetExhausted",
    "ConfigError",
    "CrmhubError",
    "RecordRejected",
    "TransientError",
]


class CrmhubError(Exception):
    """Base: a message a person can act on plus where it happened (never a secret: callers pass scrubbed text)."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        connection: str | None = None,
        object: str | None = None,
        record: str | None = None,
        field: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message
        self.connection, self.object, self.record, self.field = connection, object, record, field
        self.url, self.status = url, status
        super().__init__(self.__str__())

    def where(self) -> str:
        parts = [f"{k} {v}" for k, v in (("connection", self.connection), ("object", self.object),
                                          ("record", self.record), ("field", self.field)) if v]
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        tail = f" [{self.status} {self.url}]" if self.status and self.url else ""
        return f"{where}: {self.message}{tail}" if where else f"{self.message}{tail}"

    def as_dict(self) -> dict[str, object]:
        return {"type": type(self).__name__, "message": self.message, "connection": self.connection,
                "object": self.object, "record": self.record, "field": self.field, "status": self.status,
                "url": self.url, "retryable": self.retryable}


class ConfigError(CrmhubError):
    """A setting is wrong: a person must fix the configuration or the mapping."""


class AuthError(CrmhubError):
    """Credentials were refused: fatal for the run, fixable by a person."""


class ApiError(CrmhubError):
    """The CRM refused the request for a reason retrying will not fix (a 400 on our query, a 404 on an endpoint)."""


class TransientError(CrmhubError):
    """Worth retrying: 5xx, timeouts, connection resets."""

    retryable = True


class BudgetExhausted(CrmhubError):
    """The run reached its share of the CRM's daily API limit and stopped cleanly; the cursor is where it stopped."""


class RecordRejected(CrmhubError):
    """One record cannot be mapped or written: quarantine it with the reason, keep going."""
