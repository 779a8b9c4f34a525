"""What kind of failure ended a run, as a short stable label: stored with the run, counted by the metrics."""

from __future__ import annotations

from connectors.errors import ApiError, AuthError, BudgetExhausted, ConfigError, CrmhubError, TransientError
from quality.checker import QualityFailure

KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (AuthError, "auth"), (BudgetExhausted, "budget"), (ConfigError, "config"), (TransientError, "transient"),
    (ApiError, "api"), (QualityFailure, "quality"), (CrmhubError, "crm"),
)


def error_kind(exc: BaseException) -> str:
    """``auth | budget | config | transient | api | quality | crm | internal`` (a bug or an interrupt)."""
    for cls, kind in KINDS:
        if isinstance(exc, cls):
            return kind
    return "internal"
