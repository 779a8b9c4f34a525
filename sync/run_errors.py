"""What kind of failure ended a run, as a short stable label: stored with the run, counted by the metrics."""

from __future__ import annotations

from connectors.errors import ApiError, AuthError, BudgetExhausted, ConfigError, CrmhubError, TransientError
from quality.checker import QualityFailure
from sync.locks import LockLost

KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (AuthError, "auth"), (BudgetExhausted, "budget"), (ConfigError, "config"), (TransientError, "transient"),
    (ApiError, "api"), (QualityFailure, "quality"), (LockLost, "lock"), (CrmhubError, "crm"),
    (KeyboardInterrupt, "cancelled"),
)


def error_kind(exc: BaseException) -> str:
    """``auth | budget | config | transient | api | quality | lock | crm | cancelled | internal`` (a bug)."""
    for cls, kind in KINDS:
        if isinstance(exc, cls):
            return kind
    return "internal"
