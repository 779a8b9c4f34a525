"""Exceptions named for what the caller should do, carrying context with secrets scrubbed."""

from __future__ import annotations


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


class RateLimited(TransientError):
    """The CRM asked us to slow down; ``retry_after`` seconds when it said how long."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **context)  # type: ignore[arg-type]


class BudgetExhausted(CrmhubError):
    """The run reached its share of the CRM's daily API limit and stopped cleanly; the cursor is where it stopped."""


class CursorExpired(CrmhubError):
    """The CRM no longer honours a saved cursor (expired delta token / paging token): a full re-read is needed."""


class RecordRejected(CrmhubError):
    """One record cannot be mapped or written: quarantine it with the reason, keep going."""
