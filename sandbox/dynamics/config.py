"""The sandbox's options (``--option key=value``) and profile, validated once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.dynamics.tables import BY_SET, DEFAULT_TRACKED

DEFAULTS = {
    "tenant_id": "7f3c2a9e-5d41-4b8e-9c16-2a0f8e4d6b31",
    "client_id": "3b9d8c1a-6e2f-4a57-8d09-c4e1f7a2b580",
    "client_secret": "sandbox-dynamics-secret",
    "token_ttl_s": "3599",
    "delta_retention_s": str(30 * 86400),
    "change_tracking": ",".join(DEFAULT_TRACKED),
    "request_limit": "6000",
    "execution_limit_ms": "1200000",
    "concurrency_limit": "52",
    "window_s": "300",
    "latency_ms": "0",
    # A delta link followed when nothing changed: "empty" answers an empty JSON object, as Microsoft documents
    # ("An empty JSON response is returned if no table changes have occurred"); "link" an empty value list with
    # a fresh delta link.
    "unchanged_delta": "empty",
    # Where the seeded data ends (YYYY-MM-DD); empty: the day of the sandbox clock's now, so the data is current.
    "data_end": "",
}
UNCHANGED_DELTA = ("empty", "link")
PROFILES = ("strict", "unlimited")


@dataclass(frozen=True)
class Settings:
    tenant_id: str
    client_id: str
    client_secret: str
    token_ttl_s: int
    delta_retention_s: float
    change_tracking: frozenset[str]
    enforce_limits: bool
    request_limit: int
    execution_limit_ms: int
    concurrency_limit: int
    window_s: float
    latency_ms: float
    data_end: str = ""
    unchanged_delta: str = "empty"

    @classmethod
    def from_options(cls, options: dict[str, str], profile: str) -> Settings:
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, got {profile!r}")
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown dynamics option(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
        o = {**DEFAULTS, **options}
        tracked = frozenset(s.strip() for s in o["change_tracking"].split(",") if s.strip())
        if o["unchanged_delta"] not in UNCHANGED_DELTA:
            raise ValueError(f"unchanged_delta must be one of {UNCHANGED_DELTA}, got {o['unchanged_delta']!r}")
        bad = tracked - set(BY_SET)
        if bad:
            raise ValueError(f"change_tracking names unknown entity sets {sorted(bad)}")
        fixed = sorted(s for s in tracked if not BY_SET[s].trackable)
        if fixed:
            raise ValueError(f"change_tracking cannot be enabled on {fixed} (CanChangeTrackingBeEnabled is false)")
        return cls(
            tenant_id=o["tenant_id"].lower(), client_id=o["client_id"], client_secret=o["client_secret"],
            token_ttl_s=int(o["token_ttl_s"]), delta_retention_s=float(o["delta_retention_s"]),
            change_tracking=tracked, enforce_limits=profile == "strict", request_limit=int(o["request_limit"]),
            execution_limit_ms=int(o["execution_limit_ms"]), concurrency_limit=int(o["concurrency_limit"]),
            window_s=float(o["window_s"]), latency_ms=float(o["latency_ms"]), data_end=o["data_end"],
            unchanged_delta=o["unchanged_delta"],
        )
