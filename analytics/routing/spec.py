"""The routing file: pools (members, strategy, caps, matching fields) and custom rules, validated by pydantic.

A routing file rather than a ``crmhub.yaml`` section: routing is owned by sales operations and changes on its own
schedule, and ``config/`` stays free of analytics settings it would otherwise have to validate.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from errors import ConfigError
from store.tables import lead

LEAD_FIELDS: frozenset[str] = frozenset(c.name for c in lead.c)


def _lead_field(name: str) -> str:
    """A lead column or ``custom.<key>``: what routing can read off a lead."""
    if name.startswith("custom.") and len(name) > len("custom."):
        return name
    if name not in LEAD_FIELDS:
        raise ValueError(f"{name!r} is not a lead field (expected one of {sorted(LEAD_FIELDS)} or custom.<key>)")
    return name

Strategy = Literal["round_robin", "weighted", "value"]
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Absence(_Strict):
    """Out of office from ``start`` to ``end``, both days included, in the member's time zone."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Member(_Strict):
    """A rep in a pool. Empty ``territories``/``skills``/``languages`` accept any lead; ``cap`` bounds open leads."""

    rep: str = Field(min_length=1, max_length=36)  # crm_user.id, what lead.owner_id holds
    weight: float = Field(default=1.0, gt=0)
    cap: int | None = Field(default=None, ge=0)
    territories: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    timezone: str = "UTC"
    hours: tuple[time, time] | None = None  # working hours [start, end) on working days; None: any time
    days: frozenset[str] = frozenset(DAYS[:5])
    out_of_office: tuple[Absence, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Europe/Berlin)") from None
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - set(DAYS))
        if unknown:
            raise ValueError(f"unknown days {unknown} (expected some of {list(DAYS)})")
        return value

    @field_validator("territories", "skills", "languages")
    @classmethod
    def _folded(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(v.casefold() for v in value)  # lead values are compared case-insensitively


class Pool(_Strict):
    strategy: Strategy = "round_robin"
    members: tuple[Member, ...] = Field(min_length=1)
    # value: members whose expected value is within this fraction of the best share the lead by weighted round robin
    tolerance: float = Field(default=0.05, ge=0, lt=1)
    # Lead fields (a lead column or custom.<key>) matched against the members' lists and defining the segment.
    territory_field: str = "country"
    skill_field: str = "industry"
    language_field: str = "custom.language"
    segment_field: str = "industry"
    deal_value: float = Field(default=1.0, gt=0)  # expected deal value when history has none for a segment
    default_probability: float = Field(default=0.1, gt=0, le=1)  # for a lead with no score
    # value: how many leads are expected before the caps free up. When set, the pool's latest this-many leads stand
    # in for the arrivals to come; the batch LP over them with the remaining caps prices each rep's capacity, and
    # online decisions rank reps by expected value net of that price (keeping a scarce specialist for the leads
    # only they convert well). None: no prices, plain greedy expected value.
    forecast_leads: int | None = Field(default=None, ge=1)

    @field_validator("territory_field", "skill_field", "language_field", "segment_field")
    @classmethod
    def _field(cls, value: str) -> str:
        return _lead_field(value)

    @model_validator(mode="after")
    def _unique(self) -> Pool:
        reps = [m.rep for m in self.members]
        twice = sorted({r for r in reps if reps.count(r) > 1})
        if twice:
            raise ValueError(f"reps listed twice: {twice}")
        return self


class Rule(_Strict):
    """First matching rule fires: every ``when`` field equals one of its values (case-insensitive)."""

    name: str = Field(min_length=1, max_length=100)
    when: dict[str, list[str]] = Field(min_length=1)
    pool: str | None = None
    rep: str | None = None

    @field_validator("when", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @field_validator("when")
    @classmethod
    def _fields(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in value:
            _lead_field(name)
        return value

    @model_validator(mode="after")
    def _target(self) -> Rule:
        if self.pool is None and self.rep is None:
            raise ValueError("a rule names a pool, a rep, or both")
        return self


class RoutingSpec(_Strict):
    pools: dict[str, Pool] = Field(min_length=1)
    default_pool: str | None = None  # where a lead no rule sends goes; default: the first pool
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> RoutingSpec:
        names = set(self.pools)
        if self.default_pool is not None and self.default_pool not in names:
            raise ValueError(f"default_pool {self.default_pool!r} is not a pool (pools: {sorted(names)})")
        for rule in self.rules:
            pool = self.pool_of_rule(rule)
            if pool not in names:
                raise ValueError(f"rule {rule.name!r}: pool {pool!r} is not a pool (pools: {sorted(names)})")
            if rule.rep is not None and rule.rep not in {m.rep for m in self.pools[pool].members}:
                raise ValueError(f"rule {rule.name!r}: rep {rule.rep!r} is not a member of pool {pool!r}")
        return self

    @property
    def fallback_pool(self) -> str:
        return self.default_pool or next(iter(self.pools))

    def pool_of_rule(self, rule: Rule) -> str:
        return rule.pool or self.fallback_pool


def load_routing(path: Path) -> RoutingSpec:
    """The routing file at ``path``; every problem names the key path and what was expected."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"routing file {path}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"routing file {path}: not valid YAML: {exc}") from None
    try:
        return RoutingSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"routing file {path}: {problems}") from None
