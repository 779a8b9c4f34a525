"""The shape of the KPI registry's files, as pydantic models: ``entities.yaml`` (what each canonical entity offers a
measure: time anchors, the rep and account columns, currency), ``measures/<entity>.yaml`` (measures at their own
table's grain) and ``definitions/<code>.yaml`` (one KPI each).

Each file is checked on its own here; what spans files (a measure's entity exists, a column is the entity's, a KPI's
modules and object models exist, module counts) is checked by the loader.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# A column of the measure's entity, or of an entity one ref away: ``amount``, ``account.tier`` (through account_id).
ColumnPath = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")]
# A shared measure: ``<entity>.<name>`` from measures/<entity>.yaml.
MeasureName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]

Aggregation = Literal["sum", "count", "count_distinct", "min", "max", "avg", "median", "p25", "p75", "p90"]
# Aggregations whose value at a coarse grain is the sum of finer grains' values: kpi_value rolls these up.
ADDITIVE: frozenset[str] = frozenset({"sum", "count"})
Dimension = Literal["rep", "team", "region", "territory", "company"]
DIMENSIONS: tuple[Dimension, ...] = ("rep", "team", "region", "territory", "company")
Period = Literal["day", "week", "month", "quarter", "fiscal_quarter", "year", "fiscal_year"]
PERIODS: tuple[Period, ...] = ("day", "week", "month", "quarter", "fiscal_quarter", "year", "fiscal_year")
KpiType = Literal["simple", "ratio", "derived", "cumulative", "conversion", "as_of"]
Status = Literal["computed", "needs_data", "not_computable"]
Unit = Literal["currency", "count", "percent", "ratio", "days", "hours", "minutes", "score", "multiple"]
Direction = Literal["higher", "lower"]
Operator = Literal["eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "is_null", "not_null"]
Scalar = bool | int | float | str


# ``<x>.<column>`` in a column path joins through the ref column ``<x>_id`` to the entity REF_TARGETS names (x itself
# when absent: account, contact, lead, opportunity, campaign, product, competitor, territory, team, quote).
REF_TARGETS: dict[str, str] = {"owner": "user", "rep": "user", "coach": "user", "user": "user",
                               "changed_by": "user", "partner": "channel_partner", "program": "training_program",
                               "converted_account": "account", "converted_contact": "contact",
                               "converted_opportunity": "opportunity"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- entities.yaml ---

class EntityFacts(_Strict):
    """What one canonical entity offers the measures over it."""

    anchors: dict[Identifier, ColumnPath] = Field(min_length=1)  # anchor name -> its date/datetime column
    default_anchor: Identifier
    rep: ColumnPath | None = None  # the user the row counts for (rep, team dimensions; as_user scope)
    account: ColumnPath | None = None  # the account it belongs to (company, region, territory dimensions)
    currency: Identifier | None = None  # the column holding each row's ISO currency code
    history: Identifier | None = None  # the entity keeping this one's past states (as_of measures)

    @model_validator(mode="after")
    def _default_is_an_anchor(self) -> EntityFacts:
        if self.default_anchor not in self.anchors:
            raise ValueError(f"default_anchor {self.default_anchor!r} is not one of the anchors {sorted(self.anchors)}")
        return self


class EntitiesFile(_Strict):
    entities: dict[Identifier, EntityFacts] = Field(min_length=1)


# --- measures ---

class Condition(_Strict):
    """One filter: ``column op value``; ``is_null``/``not_null`` take no value, ``in``/``not_in`` a list."""

    column: ColumnPath
    op: Operator = "eq"
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        listed = isinstance(self.value, list)
        if self.op in ("is_null", "not_null") and self.value is not None:
            raise ValueError(f"{self.op} takes no value")
        if self.op in ("in", "not_in") and not listed:
            raise ValueError(f"{self.op} takes a list of values")
        if self.op not in ("in", "not_in", "is_null", "not_null") and (listed or self.value is None):
            raise ValueError(f"{self.op} takes one value")
        return self


class MeasureSpec(_Strict):
    """A measure at its own table's grain: ``agg(expr)`` over the entity's live rows that pass ``where``.

    ``expr`` is a column path, or an expression over column paths: numbers, ``+ - * /``, parentheses and the
    functions ``days_between(a, b)``, ``hours_between(a, b)``, ``minutes_between(a, b)`` (b - a), ``coalesce(a, b)``,
    ``abs(a)``, ``greatest(a, b)``, ``least(a, b)``. ``count`` takes no expr (it counts rows); ``count_distinct``
    counts distinct values of expr. ``currency: true`` converts expr from the row's currency into the reporting
    currency at the row's anchor date. ``as_of: true`` (entities with ``history``) evaluates the row as it stood at
    the period's end, from its history.
    """

    entity: Identifier
    agg: Aggregation
    expr: str | None = None
    where: tuple[Condition, ...] = ()
    anchor: Identifier | None = None  # default: the entity's default_anchor
    currency: bool = False
    as_of: bool = False
    description: str = ""

    @model_validator(mode="after")
    def _expr_fits_agg(self) -> MeasureSpec:
        if self.agg == "count" and self.expr is not None:
            raise ValueError("count counts rows: it takes no expr (count_distinct counts distinct values)")
        if self.agg != "count" and not self.expr:
            raise ValueError(f"{self.agg} needs an expr")
        if self.currency and self.agg in ("count", "count_distinct"):
            raise ValueError("a count is not converted between currencies")
        return self


class MeasuresFile(_Strict):
    """``measures/<entity>.yaml``: ``measures: {name: {...}}``, one line per measure."""

    entity: Identifier
    measures: dict[Identifier, MeasureSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_entity(self) -> MeasuresFile:
        wrong = sorted(n for n, m in self.measures.items() if m.entity != self.entity)
        if wrong:
            raise ValueError(f"measures of another entity in {self.entity}.yaml: {wrong}")
        return self


class InlineMeasure(MeasureSpec):
    """A measure only one KPI uses, written in the KPI's file."""


MeasureRef = MeasureName | InlineMeasure


# --- definitions/<code>.yaml ---

class NeedsData(_Strict):
    """What a needs_data KPI lacks: the object model and the CRM field or custom object that would fill it."""

    model: Code
    fill: str = Field(min_length=10)


class KpiFile(_Strict):
    """One KPI.

    - simple: ``measure`` at the grain. cumulative: ``measure`` summed from the start of ``reset`` (or of the range)
      up to each period's end. as_of: ``measure`` (as_of: true) at each period's end.
    - ratio and conversion: ``numerator`` / ``denominator``, each aggregated at the grain first (a ratio of sums,
      never an average of ratios); conversion: the numerator counts the part of the denominator's cohort that
      converted, both on the cohort's anchor.
    - derived: ``formula`` over ``inputs`` (each aggregated at the grain), with ``+ - * /`` and parentheses.
    ``scale`` multiplies the result (100 for a percent). A division by zero is no value, never 0.
    """

    code: Code
    name: str = Field(min_length=1)
    description: str = Field(min_length=10)
    modules: tuple[Code, ...] = Field(min_length=1)
    object_models: tuple[Code, ...] = Field(min_length=1)
    type: KpiType
    status: Status
    unit: Unit
    direction: Direction
    anchor: Identifier | None = None  # the time anchor all its measures use (default: each measure's own)
    dimensions: tuple[Dimension, ...] = DIMENSIONS
    measure: MeasureRef | None = None
    numerator: MeasureRef | None = None
    denominator: MeasureRef | None = None
    formula: str | None = None
    inputs: dict[Identifier, MeasureRef] = Field(default_factory=dict)
    reset: Literal["year", "fiscal_year", "quarter", "fiscal_quarter", "month"] | None = None
    scale: float = 1.0
    needs: NeedsData | None = None
    reason: str = ""  # not_computable: why (survey data, external market data …)
    caveat: str = ""  # what the figure cannot tell apart, said wherever it is shown

    @model_validator(mode="after")
    def _consistent(self) -> KpiFile:
        problems: list[str] = []
        computed = self.status == "computed"
        parts = {"measure": self.measure, "numerator": self.numerator, "denominator": self.denominator,
                 "formula": self.formula, "inputs": self.inputs}
        if self.status == "needs_data" and self.needs is None:
            problems.append("a needs_data KPI names the model and the CRM field or custom object that would fill it "
                            "(needs: {model, fill})")
        if self.status == "not_computable" and len(self.reason) < 10:
            problems.append("a not_computable KPI says why (reason: ...)")
        if self.status != "needs_data" and self.needs is not None:
            problems.append("needs: is for needs_data KPIs")
        if computed:
            wanted = {"simple": ("measure",), "cumulative": ("measure",), "as_of": ("measure",),
                      "ratio": ("numerator", "denominator"), "conversion": ("numerator", "denominator"),
                      "derived": ("formula", "inputs")}[self.type]
            problems += [f"a computed {self.type} KPI needs {key}" for key in wanted if not parts[key]]
            problems += [f"a {self.type} KPI takes no {key}" for key, v in parts.items() if v and key not in wanted]
            if self.type == "as_of" and isinstance(self.measure, InlineMeasure) and not self.measure.as_of:
                problems.append("an as_of KPI's measure has as_of: true")
        if problems:
            raise ValueError("; ".join(problems))
        return self
