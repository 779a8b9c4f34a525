"""The sandbox's settings: ``--option key=value`` pairs and the profile, parsed and checked once at start.

A few settings stay adjustable while the sandbox runs (``PATCH /_admin/settings``), so one process can test a
subscription with and without the ``updatedAt`` export filter, a tiny daily quota or a slow API.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

PROFILES = ("strict", "unlimited")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass
class Settings:
    client_id: str = "crmhub-sandbox-client"
    client_secret: str = "crmhub-sandbox-secret"
    api_user: str = "crmhub.api@sandbox.mktorest.example"
    token_ttl_s: int = 3599
    daily_quota: int = 50_000
    rate_limit: int = 100
    rate_window_s: int = 20
    max_concurrency: int = 10
    latency_ms: int = 0
    updated_at_filter: bool = True
    export_daily_mb: int = 500
    export_job_s: int = 60
    export_max_running: int = 2
    export_max_queued: int = 10
    activity_retention_days: int = 0  # 0: keep everything (the seeded log starts 1,000 days before its end)
    # Migrated to the Activity Service (sandbox.marketo.activity_ids): activities after internal id
    # ``activity_service_from`` (0: three quarters into the seeded log) have a UUID marketoGUID and no or a
    # repeated id. Off: the classic shape (unique integer id, marketoGUID its decimal string) for every activity.
    activity_service: bool = True
    activity_service_from: int = 0
    share: float = 0.7
    limits_enabled: bool = True
    # Where the seeded data ends (YYYY-MM-DD); empty: the day of the sandbox clock's now, so the log is current.
    data_end: str = ""

    RUNTIME = ("latency_ms", "daily_quota", "rate_limit", "rate_window_s", "max_concurrency", "updated_at_filter",
               "export_daily_mb", "export_job_s", "activity_retention_days", "token_ttl_s", "limits_enabled",
               "activity_service", "activity_service_from")

    def describe(self) -> dict[str, Any]:
        hidden = {"client_secret"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in hidden}

    def update(self, changes: dict[str, Any], *, allowed: tuple[str, ...] | None = None) -> None:
        """Apply ``changes`` (strings or JSON values); unknown or fixed keys raise ``ValueError``."""
        names = {f.name: f for f in fields(self)}
        for key, raw in changes.items():
            if key not in names or (allowed is not None and key not in allowed):
                allowed_keys = sorted(allowed if allowed is not None else names)
                raise ValueError(f"unknown or fixed setting {key!r}; allowed: {', '.join(allowed_keys)}")
            setattr(self, key, _coerce(key, raw, type(getattr(self, key))))


def _coerce(key: str, raw: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"setting {key!r} expects true/false, got {raw!r}")
    try:
        value = kind(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"setting {key!r} expects {kind.__name__}, got {raw!r}") from exc
    if kind in (int, float) and value < 0:
        raise ValueError(f"setting {key!r} must not be negative, got {raw!r}")
    return value


def load_settings(*, profile: str, options: dict[str, str]) -> Settings:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: expected one of {', '.join(PROFILES)}")
    settings = Settings()
    settings.update(dict(options))
    if not 0 < settings.share <= 1:
        raise ValueError(f"option 'share' must be in (0, 1], got {settings.share}")
    if profile == "unlimited":
        settings.limits_enabled = False
    return settings
