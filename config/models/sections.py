"""The top-level sections other than connections: store, defaults, scheduler, identity and scoring."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_serializer, field_validator, model_validator

from config.errors import did_you_mean
from config.models.base import Loc, StrictModel, problems_error
from config.models.connection_base import MAX_SETTLE_LAG_SECONDS
from config.models.schedule import Schedule
from config.models.types import BrokerUrl, ConnectionName, Identifier, StoreUrl, redact_url

DEFAULT_STORE_URL = "sqlite:///crmhub.db"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
MAX_WORKERS = 64


class StoreSettings(StrictModel):
    # A PostgreSQL URL may carry a password: kept out of repr and redacted in JSON dumps, like SecretStr.
    url: StoreUrl = Field(default=DEFAULT_STORE_URL, repr=False)
    # Quarantine rows of records the CRM deleted (already emptied of their payload when the delete landed) are
    # purged this many days after the delete; every `crmhub sync` run applies it (store/erasure.py).
    deleted_quarantine_retention_days: int = Field(default=30, ge=0, le=3650)

    @field_serializer("url", when_used="json")
    def _redact(self, url: str) -> str:
        return redact_url(url)

    @property
    def redacted_url(self) -> str:
        return redact_url(self.url)


class Defaults(StrictModel):
    """What a connection or object uses when it does not say otherwise."""

    settle_lag_seconds: int = Field(default=120, ge=0, le=MAX_SETTLE_LAG_SECONDS)
    schedule: Schedule = Field(default_factory=lambda: Schedule(interval_minutes=15))


class SyncSettings(StrictModel):
    """How a run uses the machine's cores."""

    # Worker processes that map and check a run's units while the main process reads and lands them, in read
    # order (sync/pool.py); 0: the main process does it all. The store ends the same either way. auto: one per core
    # beside the main process's, 0 on one core. The pool starts with a run's second unit: a short run never pays.
    # Default 0: the pool takes a third off the main process's CPU but adds a fifth in all, so it shortens a run
    # only where a core is idle (measured figures in docs/design.md).
    workers: int | Literal["auto"] = 0

    @field_validator("workers", mode="before")
    @classmethod
    def _workers(cls, value: Any) -> Any:
        # One message for the two shapes the union accepts, not one per shape.
        if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_WORKERS):
            return value
        raise ValueError(f"expected a number of worker processes from 0 to {MAX_WORKERS}, or auto; got {value!r}")


class SchedulerSettings(StrictModel):
    executor: Literal["local", "celery"] = "local"  # celery: runs go to workers through broker_url
    broker_url: BrokerUrl = Field(default=DEFAULT_BROKER_URL, repr=False)

    @field_serializer("broker_url", when_used="json")
    def _redact(self, url: str) -> str:
        return redact_url(url)

    @property
    def redacted_broker_url(self) -> str:
        return redact_url(self.broker_url)


# The golden record's fields (identity/survivorship.py GOLDEN_FIELDS, people's then accounts'; a test keeps them equal).
IDENTITY_GOLDEN_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "email", "phone", "title", "company", "country", "city", "lead_source",
    "name", "domain", "website", "industry", "employees", "annual_revenue",
)


class IdentitySettings(StrictModel):
    """How records of one person or company from several CRMs become one: which source wins per field."""

    source_priority: dict[Identifier, list[ConnectionName]] = Field(default_factory=dict)
    match_threshold: float = Field(default=0.9, ge=0, le=1)
    # Records sharing a blocking key beyond this many are not compared pairwise (a key that common identifies
    # nobody, and comparing it would be quadratic); `crmhub identity resolve` reports how many were skipped.
    max_block_size: int = Field(default=200, ge=2, le=10_000)

    @model_validator(mode="after")
    def _no_repeats(self) -> IdentitySettings:
        problems: list[tuple[Loc, str]] = []
        for canonical_field, names in self.source_priority.items():
            if canonical_field not in IDENTITY_GOLDEN_FIELDS:
                problems.append(
                    (("source_priority", canonical_field),
                     f"'{canonical_field}' is not a field of the golden person or account"
                     + did_you_mean(canonical_field, IDENTITY_GOLDEN_FIELDS)
                     + f" (fields: {', '.join(IDENTITY_GOLDEN_FIELDS)})")
                )
            problems += [
                (("source_priority", canonical_field, i), f"'{name}' is already listed earlier")
                for i, name in enumerate(names)
                if name in names[:i]
            ]
        if problems:
            raise problems_error("IdentitySettings", problems)
        return self


class ScoringWeights(StrictModel):
    """The cold-start rule model: total = engagement x w + intent x w + fit x w (sub-scores 0-100)."""

    engagement: float = Field(default=0.40, ge=0, le=1)
    intent: float = Field(default=0.35, ge=0, le=1)
    fit: float = Field(default=0.25, ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> ScoringWeights:
        total = self.engagement + self.intent + self.fit
        if abs(total - 1) > 1e-6:
            raise problems_error("ScoringWeights", [((), f"weights must add up to 1, they add up to {total:g}")])
        return self


class LeadLabels(StrictModel):
    """Which leads train the conversion model. Converted leads are positives; an unconverted lead is a negative
    only once it is over: its status is one of ``not_converted_statuses`` (case-insensitive), or it is older than
    ``unconverted_after_days``. Other unconverted leads are still open: not negatives, left out of training."""

    not_converted_statuses: list[str] = Field(default_factory=lambda: [
        "Closed - Not Converted", "Unqualified", "Disqualified", "Lost", "Cannot Contact", "No Longer Interested",
        "Canceled", "Junk", "Bad Timing"])
    unconverted_after_days: int | None = Field(default=180, ge=1)  # None: only a closed status makes a negative


class ScoringSettings(StrictModel):
    """Grade names and the minimum score (0-100) for each, e.g. hot from 70, warm from 40."""

    grades: dict[Identifier, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: {"hot": 70, "warm": 40}
    )
    lowest_grade: Identifier = "cold"  # below every threshold
    weights: ScoringWeights = Field(default_factory=ScoringWeights)
    # The trained model replaces the rules once this many conversions (and as many non-conversions) are labelled.
    min_conversions: int = Field(default=200, ge=20)
    validity_hours: int = Field(default=24, ge=1, le=24 * 90)
    top_reasons: int = Field(default=3, ge=1, le=10)
    custom_features: list[str] = Field(default_factory=list)  # keys of lead/contact `custom` JSON used as features
    # Built-in features left out of the trained lead model. Record age is out by default: it measures when a record
    # entered the CRM, which after an import is the import order, not anything about the lead.
    exclude_features: list[str] = Field(default_factory=lambda: ["age_days"])
    exclude_deal_features: list[str] = Field(default_factory=list)  # the same for the deal win model
    # With a trained model, grades are shares of the training leads by out-of-fold score, best grade first (hot:
    # the top 10 %, warm: the next 30 %); the thresholds are fixed at training and kept with the model. None: the
    # trained model is graded by ``grades`` too (the rule model always is).
    grade_shares: dict[Identifier, Annotated[float, Field(gt=0, lt=1)]] | None = Field(
        default_factory=lambda: {"hot": 0.1, "warm": 0.3}
    )
    labels: LeadLabels = Field(default_factory=lambda: LeadLabels())
    pricing_url_patterns: list[str] = Field(default_factory=lambda: ["/pricing"])  # web visits that show intent
    demo_patterns: list[str] = Field(default_factory=lambda: ["demo"])  # form fills (url or subject) = demo request

    @model_validator(mode="after")
    def _distinct_thresholds(self) -> ScoringSettings:
        owner: dict[int, str] = {}
        problems: list[tuple[Loc, str]] = []
        if self.grade_shares is not None and sum(self.grade_shares.values()) >= 1:
            problems.append((("grade_shares",), f"shares add up to {sum(self.grade_shares.values()):.2f}; they must "
                                                f"leave some leads to '{self.lowest_grade}' (sum below 1)"))
        if self.grade_shares is not None and self.lowest_grade in self.grade_shares:
            problems.append((("grade_shares", self.lowest_grade), "is the lowest grade: it takes the leads left"))
        for grade, threshold in self.grades.items():
            if threshold in owner:
                problems.append(
                    (("grades", grade), f"same threshold as '{owner[threshold]}'; each grade needs its own")
                )
            owner.setdefault(threshold, grade)
        if problems:
            raise problems_error("ScoringSettings", problems)
        return self
