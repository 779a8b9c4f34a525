"""The sandbox's options (``--option key=value``) and profile, parsed once and checked: a typo fails at start-up."""

from __future__ import annotations

from dataclasses import dataclass, fields

DEFAULT_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
PROFILES = ("strict", "unlimited")


@dataclass(frozen=True, slots=True)
class Settings:
    token: str = DEFAULT_TOKEN
    client_id: str = "5f0c0c3e-1111-4000-8000-00000000c11d"
    client_secret: str = "6a1d1d4f-2222-4000-8000-0000000005ec"
    refresh_token: str = "na1-7b2e-3333-4000-8000-0000000f4e5b"
    redirect_uri: str = "https://crmhub-sandbox.example/oauth/callback"  # the app's registered redirect URL
    access_token_ttl_s: int = 1800
    search_lag_ms: int = 1000
    daily_limit: int = 650_000
    ten_secondly_limit: int = 190  # private apps on Pro/Enterprise; Free/Starter accounts get 100
    search_per_second: int = 5
    contact_share: float = 0.85
    engagements_per_contact: float = 2.5
    portal_id: int = 24_681_357
    # Where the seeded data ends (YYYY-MM-DD); empty: the day of the sandbox clock's now, so the data is current.
    data_end: str = ""
    profile: str = "strict"

    @property
    def enforce_limits(self) -> bool:
        return self.profile == "strict"

    @classmethod
    def from_options(cls, options: dict[str, str], *, profile: str) -> Settings:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: expected one of {', '.join(PROFILES)}")
        known = {f.name: f for f in fields(cls) if f.name != "profile"}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ValueError(f"unknown hubspot sandbox option(s) {', '.join(unknown)}; known: {', '.join(known)}")
        values: dict[str, object] = {"profile": profile}
        for key, raw in options.items():
            kind = type(getattr(cls(), key))
            try:
                values[key] = kind(raw)
            except ValueError as exc:
                raise ValueError(f"option {key}={raw!r}: expected {kind.__name__}") from exc
        settings = cls(**values)  # type: ignore[arg-type]
        if not 0 < settings.contact_share <= 1:
            raise ValueError("option contact_share must be in (0, 1]")
        return settings
