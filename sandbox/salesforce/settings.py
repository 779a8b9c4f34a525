"""The sandbox's settings, from ``--profile`` and ``--option key=value`` (unknown keys are refused, not ignored)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

PROFILES = ("strict", "unlimited")


@dataclass(frozen=True, slots=True)
class Settings:
    profile: str = "strict"
    client_id: str = "crmhub-sandbox-client"
    client_secret: str = "crmhub-sandbox-secret"
    username: str = "integration@crmhub-sandbox.example"
    password: str = "sandbox-password"
    security_token: str = "SANDBOXTOKEN"
    jwt_public_key_file: str = ""
    session_ttl_s: float = 7200.0  # sliding: each call extends the session, as Salesforce's timeout does
    daily_limit: int = 15000  # API requests per rolling 24 hours
    late_commit_s: float = 0.0  # a write stamped t becomes visible at t + late_commit_s
    bulk_latency_s: float = 1.0  # how long a Bulk 2.0 job takes from UploadComplete to JobComplete
    recycle_bin_days: float = 15.0  # soft-deleted rows are purged from the Recycle Bin after this
    # How far back sobjects/{name}/deleted reaches (Salesforce: "no more than 15 days previous to the day the call is
    # executed") and sobjects/{name}/updated (30 days).
    deleted_retention_days: float = 15.0
    updated_retention_days: float = 30.0
    query_cursor_ttl_s: float = 900.0  # a query locator expires after 15 minutes without use
    max_query_cursors: int = 10  # open query cursors per user; opening one more releases the oldest
    daily_bulk_query_jobs: int = 10000
    max_uri_bytes: int = 16384
    extra_accounts: int = 0  # plain Accounts seeded on top of the population's companies (volume tests, cheaply)
    # Where the seeded data ends (YYYY-MM-DD); empty: the day of the sandbox clock's now, so the data is current.
    data_end: str = ""

    @property
    def enforce_limits(self) -> bool:
        return self.profile == "strict"

    @classmethod
    def from_options(cls, *, profile: str, options: dict[str, str]) -> Settings:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: expected one of {', '.join(PROFILES)}")
        known = {f.name: f for f in fields(cls) if f.name != "profile"}
        values: dict[str, object] = {"profile": profile}
        for key, raw in options.items():
            spec = known.get(key)
            if spec is None:
                raise ValueError(f"unknown salesforce option {key!r}: expected one of {', '.join(sorted(known))}")
            kind = spec.type if isinstance(spec.type, str) else spec.type.__name__
            try:
                values[key] = int(raw) if kind == "int" else float(raw) if kind == "float" else raw
            except ValueError as exc:
                raise ValueError(f"option {key}={raw!r}: expected a {kind}") from exc
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.jwt_public_key_file and not Path(settings.jwt_public_key_file).is_file():
            raise ValueError(f"option jwt_public_key_file: no such file {settings.jwt_public_key_file!r}")
        return settings
