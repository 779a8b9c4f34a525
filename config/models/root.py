"""The whole ``crmhub.yaml``: sections, connections, and the checks that span them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import cache
from typing import Any, Literal

from pydantic import Field, create_model, field_validator, model_validator

from config import keypath
from config.errors import ConfigFileError, ConfigProblem, did_you_mean
from config.models.base import Loc, StrictModel, problems_error
from config.models.connection import CONNECTION_MODELS, Connection, connection_union
from config.models.connection_base import ConnectionBase
from config.models.kpi import KpiSettings
from config.models.quality import QualitySettings, nulls_as_empty
from config.models.schedule import Schedule
from config.models.sections import (
    Defaults,
    IdentitySettings,
    SchedulerSettings,
    ScoringSettings,
    StoreSettings,
    SyncSettings,
)
from config.models.types import ConnectionName


class CrmhubConfig(StrictModel):
    version: Literal[1]  # the file format's version
    store: StoreSettings = Field(default_factory=StoreSettings)  # the canonical store (SQLite or PostgreSQL)
    defaults: Defaults = Field(default_factory=Defaults)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)  # how `crmhub scheduler` runs streams
    sync: SyncSettings = Field(default_factory=SyncSettings)  # how a run uses the machine's cores
    connections: dict[ConnectionName, Connection] = Field(default_factory=dict)  # by name, each with its `kind`
    identity: IdentitySettings = Field(default_factory=IdentitySettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    kpi: KpiSettings = Field(default_factory=KpiSettings)  # the KPI engine's calendar, time zone and currency
    quality: QualitySettings = Field(default_factory=QualitySettings)  # the quality engine, changes to shipped rules

    @field_validator("quality", mode="before")
    @classmethod
    def _quality_nulls(cls, value: Any) -> Any:
        return nulls_as_empty(value)

    @model_validator(mode="after")
    def _known_sources(self) -> CrmhubConfig:
        problems: list[tuple[Loc, str]] = []
        for canonical_field, names in self.identity.source_priority.items():
            problems += [
                (
                    ("identity", "source_priority", canonical_field, i),
                    f"unknown connection '{name}'" + did_you_mean(name, self.connections),
                )
                for i, name in enumerate(names)
                if name not in self.connections
            ]
        if problems:
            raise problems_error("CrmhubConfig", problems)
        return self

    def connection(self, name: str) -> Connection:
        """The connection called ``name``; a ConfigFileError naming the known ones (and the closest) otherwise."""
        try:
            return self.connections[name]
        except KeyError:
            known = ", ".join(self.connections) or "none are configured"
            message = f"no connection named '{name}' (known: {known})" + did_you_mean(name, self.connections)
            raise ConfigFileError([ConfigProblem("connections", message)]) from None

    def effective_settle_lag(self, name: str) -> timedelta:
        """The connection's settle lag, else the default one."""
        seconds = self.connection(name).settle_lag_seconds
        return timedelta(seconds=self.defaults.settle_lag_seconds if seconds is None else seconds)

    def effective_schedule(self, name: str, object_name: str) -> Schedule:
        """The object's own schedule, else its connection's, else the default one."""
        conn = self.connection(name)
        if object_name not in conn.objects:
            hint = did_you_mean(object_name, conn.objects)
            path = keypath.join(["connections", keypath.key(name), "objects"])
            raise ConfigFileError(
                [ConfigProblem(path, f"connection '{name}' has no object '{object_name}'{hint}")]
            )
        settings = conn.objects[object_name]
        return settings.schedule or conn.schedule or self.defaults.schedule


def config_schema(models: Sequence[type[ConnectionBase]] | None = None) -> type[CrmhubConfig]:
    """The schema of ``crmhub.yaml`` whose connections are one of ``models`` (default: the shipped CRMs).

    A CRM that is not shipped with crmhub (its config model lives in its own package) is validated by passing its
    model with the shipped ones; config itself imports no connector.
    """
    return _schema(tuple(models) if models is not None else CONNECTION_MODELS)


@cache
def _schema(models: tuple[type[ConnectionBase], ...]) -> type[CrmhubConfig]:
    if models == CONNECTION_MODELS:
        return CrmhubConfig
    union = connection_union(models)
    schema: type[CrmhubConfig] = create_model(
        "CrmhubConfig", __base__=CrmhubConfig,
        connections=(dict[ConnectionName, union], Field(default_factory=dict)),  # type: ignore[valid-type]
    )
    return schema
