"""The ``quality:`` section: an admin's changes to the shipped expectation suites, per canonical entity and rule.

```yaml
quality:
  engine: native                                        # or gx: Great Expectations runs every rule
  contact:
    email_format: {severity: warn}                      # a shipped rule: new severity
    updated_at_fresh: {kwargs: {max_age_days: 365}}     # a shipped rule: new parameters (merged over its own)
    country_iso: {enabled: false}                       # a shipped rule: off
    title_required:                                     # a new rule: its expectation and parameters
      expectation: expect_column_values_to_not_be_null
      kwargs: {column: title}
      severity: warn
```

The shape is checked here; whether an entity, rule, expectation or parameter exists is checked against what
crmhub ships (config/crosscheck.py), by ``crmhub config check`` and again when the suites are built for a run.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from config.models.base import StrictModel
from config.models.types import Identifier

Severity = Literal["warn", "quarantine", "fail"]
QualityEngine = Literal["native", "gx"]
EXPECTATION_PREFIX = "expect_"


class QualityRuleSettings(StrictModel):
    """A change to a shipped rule (any of severity, weight, kwargs, enabled) or a new rule (expectation set)."""

    expectation: str | None = None  # only for a new rule; a Great Expectations name such as expect_column_...
    kwargs: dict[Identifier, Any] = Field(default_factory=dict)
    severity: Severity | None = None  # None: the shipped rule's own; a new rule's default is quarantine
    weight: float | None = Field(default=None, gt=0, le=100)  # in the record's quality score
    enabled: bool = True

    @field_validator("expectation")
    @classmethod
    def _expectation_name(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(EXPECTATION_PREFIX):
            raise ValueError("expected a Great Expectations expectation name, e.g. expect_column_values_to_not_be_null")
        return value


class QualitySettings(StrictModel):
    """The engine that evaluates the rules, and per canonical entity the changes to its rules (by rule name)."""

    model_config = ConfigDict(extra="allow", frozen=True)  # the entities: typed by __pydantic_extra__ below
    # native: the expectations the shipped suites use run on crmhub's own evaluator, which reproduces Great
    # Expectations' results exactly (a CI conformance test runs both), and any other rule on GX; gx: GX runs every
    # rule, as the engine of record, at ~100 ms more per unit of records.
    engine: QualityEngine = "native"
    # The section's other keys: a canonical entity's rules (checked against the entities by config/crosscheck.py).
    __pydantic_extra__: dict[Identifier, dict[Identifier, QualityRuleSettings]] = Field(init=False)

    @property
    def entities(self) -> dict[str, dict[str, QualityRuleSettings]]:
        """Entity -> rule name -> the change to that rule."""
        return dict(self.__pydantic_extra__ or {})


def nulls_as_empty(value: Any) -> Any:
    """``contact:`` or ``email_format:`` with nothing after it is YAML null: no change, like an empty mapping."""
    if not isinstance(value, dict):
        return value
    return {
        entity: rules if entity in QualitySettings.model_fields
        else {name: {} if rule is None else rule for name, rule in rules.items()}
        if isinstance(rules, dict) else ({} if rules is None else rules)
        for entity, rules in value.items()
    }
