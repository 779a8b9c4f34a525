"""The fields every connection has, whatever its CRM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator, model_validator

from config.errors import did_you_mean
from config.models.base import Loc, StrictModel, problems_error
from config.models.object_mapping import MappingEntry
from config.models.schedule import Schedule
from config.models.settings_parts import (
    BudgetSettings,
    DriftPolicy,
    ObjectSettings,
    WritebackSettings,
)
from config.models.types import CrmName, ExistingFile

MAX_SETTLE_LAG_SECONDS = 86_400


class ConnectionBase(StrictModel):
    """Common connection fields. Subclasses add ``kind``, ``base_url`` (own default), ``auth``, extras.

    ``settle_lag_seconds`` and ``schedule`` left unset fall back to the ``defaults`` section: use
    ``CrmhubConfig.effective_settle_lag`` / ``effective_schedule`` rather than reading them directly.
    """

    CRM_LABEL: ClassVar[str] = "this CRM"
    # The page sizes the CRM's API accepts, inclusive: a larger one is an HTTP 400 at run time.
    PAGE_SIZE_RANGE: ClassVar[tuple[int, int]] = (1, 10_000)
    if TYPE_CHECKING:
        # Each subclass declares ``kind: Literal["<crm>"]`` (the discriminator); code typed with the base reads it.
        kind: str

    ca_bundle: ExistingFile | None = None  # CA certificates to trust for this CRM's HTTPS (a proxy); None: the system's
    objects: dict[CrmName, ObjectSettings]  # the CRM objects to sync: a list of names, or name: {settings}
    # Incremental windows end at now - settle lag; None: defaults.settle_lag_seconds.
    settle_lag_seconds: int | None = Field(default=None, ge=0, le=MAX_SETTLE_LAG_SECONDS)
    page_size: int | None = Field(default=None, gt=0)  # records per page; None: the connector's own
    schedule: Schedule | None = None  # None: defaults.schedule
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    writeback: WritebackSettings = Field(default_factory=WritebackSettings)
    # Per object: an override of mapping/specs/<kind>.yaml, or (naming entity:) the object's whole mapping
    mapping: dict[CrmName, MappingEntry] = Field(default_factory=dict)
    drift_policy: DriftPolicy = "evolve"  # new CRM fields: evolve (kept in custom), freeze (a note), discard
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)  # the read timeout of one HTTP request

    @field_validator("objects", mode="before")
    @classmethod
    def _objects_as_mapping(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = _names_to_mapping(value)
        if isinstance(value, dict):
            if not value:
                raise ValueError("list at least one object, e.g. [contacts, companies]")
            # `contacts:` with nothing after it is YAML null: the object with default settings.
            value = {name: {} if settings is None else settings for name, settings in value.items()}
        return value

    @field_validator("page_size")
    @classmethod
    def _page_size_in_range(cls, value: int | None) -> int | None:
        low, high = cls.PAGE_SIZE_RANGE
        if value is not None and not low <= value <= high:
            raise ValueError(f"{cls.CRM_LABEL} accepts page sizes from {low} to {high}")
        return value

    @model_validator(mode="after")
    def _mapping_names_objects(self) -> ConnectionBase:
        problems: list[tuple[Loc, str]] = [
            (("mapping", name), "not one of this connection's objects" + did_you_mean(name, self.objects))
            for name in self.mapping
            if name not in self.objects
        ]
        if problems:
            raise problems_error(type(self).__name__, problems)
        return self

    def enabled_objects(self) -> list[str]:
        return [name for name, settings in self.objects.items() if settings.enabled]


def _names_to_mapping(names: list[Any]) -> dict[str, dict[str, Any]]:
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        if not isinstance(name, str):
            problems.append(
                ((i,), "expected an object name; use a mapping (name: {settings}) for per-object settings")
            )
        elif name in seen:
            problems.append(((i,), f"'{name}' is listed twice"))
        else:
            seen.add(name)
    if problems:
        raise problems_error("objects", problems)
    if not names:
        raise ValueError("list at least one object, e.g. [contacts, companies]")
    return {name: {} for name in names}
