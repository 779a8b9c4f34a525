"""What a connector's builder may be tuned with beyond the connection's config (tests, benchmarks, the token cache).

Typed and frozen: a common part every builder reads (the token cache, the retry waits, the reconcile interval) and
one part per CRM. ``None`` everywhere means "the connection's setting, else the connector's default". Callers that
hold options as a flat mapping (a test's ``crm.connector(reconcile_hours=0)``, a benchmark variant) convert it with
``Tuning.from_mapping``, which refuses a key it does not know: a misspelt option is an error, not a silent default.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from connectors.errors import ConfigError
from connectors.http.token_cache import TokenCache


@dataclass(frozen=True, slots=True)
class RetryTuning:
    """Overrides of ``connectors.http.retry.RetrySettings`` (the fault suite shortens the waits)."""

    max_attempts: int | None = None
    base_wait: float | None = None
    max_wait: float | None = None
    rate_limit_wait: float | None = None

    def given(self) -> dict[str, float]:
        """The overrides that are set, for ``retry_settings``."""
        return {f.name: value for f in dataclasses.fields(self) if (value := getattr(self, f.name)) is not None}


@dataclass(frozen=True, slots=True)
class SalesforceTuning:
    overlap_seconds: float | None = None
    bulk_threshold: int | None = None
    page_size: int | None = None
    url_limit: int | None = None  # the longest GET URL before a query moves to POST/Bulk
    bulk_page: int | None = None  # Bulk API 2.0 maxRecords per results page
    formula_reread_hours: float | None = None
    bulk_write_threshold: int | None = None


@dataclass(frozen=True, slots=True)
class HubSpotTuning:
    search_per_second: int | None = None  # the search endpoints' own rate limit (5 per second per account)


@dataclass(frozen=True, slots=True)
class DynamicsTuning:
    max_concurrency: int | None = None  # capped at the service's own limit whatever is given
    batch_size: int | None = None  # records per $batch request
    low_requests: int | None = None  # the service protection headroom at which the client slows down
    pause_s: float | None = None  # how long it pauses then


@dataclass(frozen=True, slots=True)
class MarketoTuning:
    rate_limit: int | None = None  # calls per rate window (100 per 20 s by default)
    rate_window_s: int | None = None
    bulk: str | None = None  # "auto" | "always" | "never"


T = TypeVar("T")


def given(value: T | None, default: T) -> T:
    """``value`` when the tuning sets it, else ``default`` (the connection's setting or the connector's own)."""
    return default if value is None else value


_PARTS: dict[str, type[Any]] = {
    "retry": RetryTuning,
    "salesforce": SalesforceTuning,
    "hubspot": HubSpotTuning,
    "dynamics": DynamicsTuning,
    "marketo": MarketoTuning,
}
_SCALARS: dict[str, type] = {"int": int, "float": float, "str": str}


@dataclass(frozen=True, slots=True)
class Tuning:
    token_cache: TokenCache | None = None  # None: caching off (every process authenticates again)
    reconcile_hours: float | None = None  # how often the complete id listing runs (0: on every read)
    retry: RetryTuning = field(default_factory=RetryTuning)
    salesforce: SalesforceTuning = field(default_factory=SalesforceTuning)
    hubspot: HubSpotTuning = field(default_factory=HubSpotTuning)
    dynamics: DynamicsTuning = field(default_factory=DynamicsTuning)
    marketo: MarketoTuning = field(default_factory=MarketoTuning)

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> Tuning:
        """A Tuning from flat keys (``{"reconcile_hours": 0, "max_attempts": 3}``): every key names one field of
        the common part or of exactly one part; numbers may come as strings (benchmark variants, the environment).
        An unknown key or a value of the wrong type is a ConfigError naming the key."""
        owner = _owners()
        top: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {name: {} for name in _PARTS}
        for key, value in options.items():
            if key not in owner:
                close = difflib.get_close_matches(key, list(owner), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ConfigError(f"unknown connector option '{key}'{hint} (known: {', '.join(sorted(owner))})",
                                  field=key)
            part, kind = owner[key]
            typed = value if kind is None else _coerce(key, value, kind)
            (top if part is None else parts[part])[key] = typed
        built = {name: _PARTS[name](**values) for name, values in parts.items()}
        return cls(**top, **built)

    def with_token_cache(self, cache: TokenCache | None) -> Tuning:
        return dataclasses.replace(self, token_cache=cache)


def tuning_of(options: Tuning | Mapping[str, Any] | None) -> Tuning:
    """``options`` as a Tuning: a mapping goes through ``Tuning.from_mapping`` (unknown keys refused)."""
    if options is None:
        return Tuning()
    if isinstance(options, Tuning):
        return options
    return Tuning.from_mapping(options)


def _owners() -> dict[str, tuple[str | None, type | None]]:
    """Flat key -> (the part holding it, or None for the common part; its scalar type, or None: taken as given)."""
    owner: dict[str, tuple[str | None, type | None]] = {"token_cache": (None, None), "reconcile_hours": (None, float)}
    for name, part in _PARTS.items():
        for f in dataclasses.fields(part):
            owner[f.name] = (name, _scalar(f.type))
    return owner


def _scalar(annotation: object) -> type:
    # Annotations are strings here (``from __future__ import annotations``): "int | None" -> int.
    return _SCALARS[str(annotation).split("|")[0].strip()]


def _coerce(key: str, value: object, kind: type) -> object:
    if value is None:
        return None
    if isinstance(value, bool) or (kind is not str and not isinstance(value, int | float | str)):
        raise ConfigError(f"connector option '{key}' must be {kind.__name__}, got {type(value).__name__}", field=key)
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"connector option '{key}' must be {kind.__name__}, got {value!r}", field=key) from None
