"""Connector-specific errors on top of the base ones (``errors``), which this module re-exports for its callers."""

from __future__ import annotations

from errors import ApiError, AuthError, BudgetExhausted, ConfigError, CrmhubError, RecordRejected, TransientError

__all__ = [
    "ApiError",
    "AuthError",
    "BudgetExhausted",
    "ConfigError",
    "CrmhubError",
    "CursorExpired",
    "RateLimited",
    "RecordRejected",
    "TransientError",
]


class RateLimited(TransientError):
    """The CRM asked us to slow down; ``retry_after`` seconds when it said how long."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **context)  # type: ignore[arg-type]


class CursorExpired(CrmhubError):
    """The CRM no longer honours a saved cursor (expired delta token / paging token): a full re-read is needed."""
