"""Per-connection settings blocks: objects, API budget, write-back rules and mapping overrides."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from config.errors import did_you_mean
from config.models.base import Loc, StrictModel, problems_error
from config.models.schedule import Schedule
from config.models.types import CanonicalTarget, CrmName, Identifier, ModelCode

# What a value map may turn a CRM value into (booleans and numbers for a picklist onto a flag or a count).
ValueMapTarget = str | int | float | bool | None

# The column types of a typed raw table (mapping/raw_types.py STORE_TYPES; a test keeps the two equal).
RawColumnType = Literal["string", "text", "integer", "number", "boolean", "date", "datetime"]


class ObjectSettings(StrictModel):
    """One CRM object (``contacts``, ``Opportunity``, ...) synced by a connection."""

    enabled: bool = True
    schedule: Schedule | None = None  # None: the connection's schedule, else the defaults'
    full_refresh_every_days: int | None = Field(default=None, ge=1)  # None: incremental only
    # An object no mapping holds is kept as a typed raw table (guide: custom objects): the CRM fields it reads
    # (its id and created/modified times always); None: every field discover lists.
    fields: list[CrmName] | None = None
    # A raw table's column types by CRM field, laid over those the CRM's types give (values that do not fit them).
    types: dict[CrmName, RawColumnType] = Field(default_factory=dict)
    # The registry object model (mapping/objectmodels) this object's records hold, e.g. TRAINING_PROGRAM.
    model: ModelCode | None = None

    @model_validator(mode="after")
    def _fields_listed_once(self) -> ObjectSettings:
        problems: list[tuple[Loc, str]] = []
        seen: set[str] = set()
        for i, name in enumerate(self.fields or ()):
            if name in seen:
                problems.append((("fields", i), f"'{name}' is listed twice"))
            seen.add(name)
        if self.fields is not None and not self.fields:
            problems.append((("fields",), "list at least one field, or leave fields out to read every field"))
        problems += [(("types", name), f"'{name}' is typed but not in fields, so it is never read")
                     for name in self.types if self.fields is not None and name not in seen]
        if problems:
            raise problems_error("ObjectSettings", problems)
        return self


class BudgetSettings(StrictModel):
    """How much of the CRM's daily API allowance crmhub may spend; a run stops cleanly past it."""

    max_daily_share: float = Field(default=0.8, gt=0, le=1)


# What crmhub can write back (sync/writeback/scores.py produces them).
WRITEBACK_OUTPUTS = ("lead_score", "lead_grade", "lead_reasons", "win_probability", "win_reasons", "deal_warnings")


class WritebackSettings(StrictModel):
    """Write-back rules: ``fields`` maps a crmhub output (``lead_score``) to a CRM field."""

    enabled: bool = False
    # skip: keep a value a person changed in the CRM since we read it (the result says skipped, and why);
    # flag: keep it too, and list the record for an admin to decide (crmhub writeback conflicts); overwrite: write.
    conflict_policy: Literal["skip", "overwrite", "flag"] = "skip"
    fields: dict[Identifier, CrmName] = Field(default_factory=dict)
    # When `crmhub scheduler` writes back (None: only `crmhub writeback` does); score_first re-scores the records
    # the fields need (leads and contacts, deals) just before, so what is written is never a stale score.
    schedule: Schedule | None = None
    score_first: bool = True

    @model_validator(mode="after")
    def _fields_when_enabled(self) -> WritebackSettings:
        if self.enabled and not self.fields:
            raise problems_error(
                "WritebackSettings", [(("fields",), "write-back is enabled but lists no fields")]
            )
        if self.schedule is not None and not self.enabled:
            raise problems_error(
                "WritebackSettings", [(("schedule",), "a write-back schedule needs writeback.enabled: true")]
            )
        unknown = [(("fields", name), f"'{name}' is not a crmhub output{did_you_mean(name, WRITEBACK_OUTPUTS)} "
                    f"(outputs: {', '.join(WRITEBACK_OUTPUTS)})") for name in self.fields
                   if name not in WRITEBACK_OUTPUTS]
        if unknown:
            raise problems_error("WritebackSettings", unknown)
        return self


class MappingOverride(StrictModel):
    """Changes to the built-in mapping of one object: re-pointed fields, fields to drop, transforms, value maps."""

    fields: dict[CrmName, CanonicalTarget] = Field(default_factory=dict)
    exclude: list[CrmName] = Field(default_factory=list)
    transforms: dict[CrmName, Identifier] = Field(default_factory=dict)
    # A mapped CRM field's values -> the canonical vocabulary, e.g. {Tier__c: {Enterprise: strategic}}: the org's
    # picklist says what its values mean. Values not listed are kept as they are (a shipped map's own entries stay;
    # these win). Only for a field mapped onto a text field, or one the shipped mapping already maps by values.
    values: dict[CrmName, dict[str, ValueMapTarget]] = Field(default_factory=dict)
    # When this object's CRM schema changes; None: the connection's drift_policy (mapping/drift.py says what each does)
    drift_policy: Literal["evolve", "freeze", "discard"] | None = None

    def as_spec(self) -> dict[str, Any]:
        """What mapping.spec.resolve reads (``with_overrides``'s keys)."""
        return self.model_dump(exclude={"drift_policy"})

    @model_validator(mode="after")
    def _consistent(self) -> MappingOverride:
        problems: list[tuple[Loc, str]] = []
        seen: set[str] = set()
        for i, name in enumerate(self.exclude):
            if name in seen:
                problems.append((("exclude", i), f"'{name}' is listed twice"))
            seen.add(name)
            if name in self.fields:
                problems.append((("exclude", i), f"'{name}' is both mapped (in fields) and excluded"))
            if name in self.transforms:
                problems.append((("exclude", i), f"'{name}' is excluded but has a transform"))
            if name in self.values:
                problems.append((("exclude", i), f"'{name}' is excluded but has a value map"))
        problems += [(("values", name), f"'{name}' has both a transform and a value map (a value map is the map "
                      "transform: drop the transform)") for name in self.values if name in self.transforms]
        if problems:
            raise problems_error("MappingOverride", problems)
        return self


DriftPolicy = Literal["evolve", "freeze", "discard"]
