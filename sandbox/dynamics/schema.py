"""The shape of a Dataverse table as data: attributes, option sets, lookups, alternate keys.

Column kinds map one-to-one to Dataverse ``AttributeType`` values. A lookup attribute ``parentcustomerid`` is exposed
by the Web API as the read-only property ``_parentcustomerid_value`` and written through its navigation properties
(``parentcustomerid_account@odata.bind``). Records are stored as plain lists (one slot per column, see
``Table.columns``) because a million dicts would not fit the memory budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# kind -> (AttributeType, Edm type of the Web API property, metadata @odata.type suffix)
KINDS: dict[str, tuple[str, str, str]] = {
    "guid": ("Uniqueidentifier", "Edm.Guid", "UniqueIdentifierAttributeMetadata"),
    "string": ("String", "Edm.String", "StringAttributeMetadata"),
    "memo": ("Memo", "Edm.String", "MemoAttributeMetadata"),
    "int": ("Integer", "Edm.Int32", "IntegerAttributeMetadata"),
    "bigint": ("BigInt", "Edm.Int64", "BigIntAttributeMetadata"),
    "money": ("Money", "Edm.Decimal", "MoneyAttributeMetadata"),
    "decimal": ("Decimal", "Edm.Decimal", "DecimalAttributeMetadata"),
    "double": ("Double", "Edm.Double", "DoubleAttributeMetadata"),
    "bool": ("Boolean", "Edm.Boolean", "BooleanAttributeMetadata"),
    "datetime": ("DateTime", "Edm.DateTimeOffset", "DateTimeAttributeMetadata"),
    "date": ("DateTime", "Edm.Date", "DateTimeAttributeMetadata"),
    "picklist": ("Picklist", "Edm.Int32", "PicklistAttributeMetadata"),
    "state": ("State", "Edm.Int32", "StateAttributeMetadata"),
    "status": ("Status", "Edm.Int32", "StatusAttributeMetadata"),
    "lookup": ("Lookup", "Edm.Guid", "LookupAttributeMetadata"),
    "customer": ("Customer", "Edm.Guid", "LookupAttributeMetadata"),
    "owner": ("Owner", "Edm.Guid", "LookupAttributeMetadata"),
    "entityname": ("EntityName", "Edm.String", "EntityNameAttributeMetadata"),
}
LOOKUP_KINDS = frozenset({"lookup", "customer", "owner"})


@dataclass(frozen=True, slots=True)
class Option:
    value: int
    label: str
    state: int | None = None  # for status reasons: the state the reason belongs to


@dataclass(frozen=True, slots=True)
class OptionSet:
    name: str
    options: tuple[Option, ...]

    def label(self, value: int) -> str | None:
        for option in self.options:
            if option.value == value:
                return option.label
        return None

    def values(self) -> list[int]:
        return [o.value for o in self.options]


@dataclass(frozen=True, slots=True)
class Attr:
    name: str
    kind: str
    label: str
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    required: str = "None"  # AttributeRequiredLevel: None, Recommended, ApplicationRequired, SystemRequired
    create: bool = True  # IsValidForCreate
    update: bool = True  # IsValidForUpdate
    options: OptionSet | None = None
    targets: tuple[str, ...] = ()  # lookup target tables
    navs: tuple[str, ...] = ()  # single-valued navigation property per target, same order
    cascade: str = "removelink"  # what deleting the target does to this row: cascade | removelink
    fmt: str | None = None  # string Format (Email, Phone, Url, Text) or datetime Format (DateAndTime, DateOnly)
    custom: bool = False  # IsCustomAttribute: a column a maker added (custom tables' own columns, crmhub_ columns)
    schema_name: str | None = None  # SchemaName as the maker typed it; None: the logical name

    @property
    def prop(self) -> str:
        """The Web API property name."""
        return f"_{self.name}_value" if self.kind in LOOKUP_KINDS else self.name

    @property
    def edm(self) -> str:
        return KINDS[self.kind][1]

    @property
    def is_lookup(self) -> bool:
        return self.kind in LOOKUP_KINDS

    @property
    def refers(self) -> bool:
        """Holds another row's id: a lookup, or one side of an N:N intersect row (a plain uniqueidentifier)."""
        return self.is_lookup or (self.kind == "guid" and bool(self.targets))


@dataclass(frozen=True, slots=True)
class AltKey:
    name: str
    label: str
    attributes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Formula:
    """A column the platform calculates on every save: ``target = left * right``, ``target = left - right``, or
    (``days``) the whole days between two date-only columns.

    Money columns (opportunityproduct's ``baseamount``, ``extendedamount``) are rounded to the currency's two
    decimals. An empty ``left`` leaves the target empty; an empty subtrahend counts as zero, as a discount not given.
    """

    target: str
    op: str  # "*", "-" or "days"
    left: str
    right: str

    def value(self, left: float | None, right: float | None) -> float | int | None:
        if self.op == "days":  # two date-only columns (day ordinals): the whole days between them
            return None if left is None or right is None else int(left - right)
        if left is None or (right is None and self.op == "*"):
            return None
        result = left * right if self.op == "*" else left - (right or 0.0)  # type: ignore[operator]
        return round(result, 2) + 0.0


# columns that are not Web API properties: generator truth and the target type of polymorphic lookups
PERSON_KEY = "~person_key"
COMPANY_KEY = "~company_key"
# where a table without modifiedon (an N:N intersect table, process stages) keeps the second of its last write, which
# the store's (modifiedon, key) index needs; the Web API never shows it
HIDDEN_STAMP = "~modifiedon"
# lookups whose target's deletion never reaches the row: audit stamps and owners
NEVER_CASCADE = ("createdby", "modifiedby", "ownerid")


def type_column(lookup: str) -> str:
    return f"~{lookup}_type"


@dataclass(frozen=True)
class Table:
    logical: str
    entity_set: str
    display: str
    display_plural: str
    primary_id: str
    primary_name: str
    type_code: int
    attrs: tuple[Attr, ...]
    ownership: str = "UserOwned"
    keys: tuple[AltKey, ...] = ()
    is_activity: bool = False
    read_only: bool = False  # activitypointer: a view over the activity tables
    computed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # fullname <- (firstname, lastname)
    formulas: tuple[Formula, ...] = ()  # calculated amounts, applied in order after ``computed``
    schema_name: str = ""  # SchemaName; empty: the stock table's (metadata_model.SCHEMA_NAMES)
    custom: bool = False  # IsCustomEntity: created by a maker through the metadata API
    intersect: bool = False  # IsIntersect: the rows of an N:N relationship (no audit stamps, no owner)
    trackable: bool = True  # CanChangeTrackingBeEnabled

    @cached_property
    def columns(self) -> tuple[str, ...]:
        cols = [a.name for a in self.attrs]
        cols += [type_column(a.name) for a in self.attrs if a.is_lookup]
        cols += [PERSON_KEY, COMPANY_KEY]
        if "modifiedon" not in cols:
            cols.append(HIDDEN_STAMP)
        return tuple(cols)

    @property
    def stamp(self) -> str:
        """The column the store's (modifiedon, key) index reads: ``modifiedon``, or a hidden one where it is absent."""
        return "modifiedon" if "modifiedon" in self.col else HIDDEN_STAMP

    @cached_property
    def ref_columns(self) -> tuple[int, ...]:
        """Columns holding ids whose target's deletion reaches this row (a cascade or a removed link)."""
        return tuple(self.col[a.name] for a in self.attrs if a.refers and a.name not in NEVER_CASCADE)

    @cached_property
    def col(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.columns)}

    @cached_property
    def by_name(self) -> dict[str, Attr]:
        return {a.name: a for a in self.attrs}

    @cached_property
    def by_prop(self) -> dict[str, Attr]:
        return {a.prop: a for a in self.attrs}

    @cached_property
    def navs(self) -> dict[str, tuple[Attr, str]]:
        """Single-valued navigation property -> (lookup attribute, target table)."""
        out: dict[str, tuple[Attr, str]] = {}
        for attr in self.attrs:
            if not attr.is_lookup:  # an intersect row's ids have no navigation property
                continue
            for nav, target in zip(attr.navs, attr.targets, strict=True):
                out[nav] = (attr, target)
        return out

    @property
    def type_name(self) -> str:
        return f"Microsoft.Dynamics.CRM.{self.logical}"

    def calculate(self, row: list[object]) -> None:
        """Fill the columns the platform computes on save (names from their parts, amounts from formulas)."""
        col = self.col
        for target, parts in self.computed.items():
            text = " ".join(str(row[col[p]]) for p in parts if row[col[p]])
            row[col[target]] = text or None
        for formula in self.formulas:
            row[col[formula.target]] = formula.value(row[col[formula.left]], row[col[formula.right]])  # type: ignore[arg-type]

    def new_row(self) -> list[object]:
        return [None] * len(self.columns)
