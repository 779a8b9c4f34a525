"""The registry document's Python API ("Usage Example"), on crmhub's store: ``setup_all_relationships()``, then
``get_module``, ``get_kpi``, ``get_object_model`` returning the ORM objects of ``orm`` with their relationships.

``setup_all_relationships(engine=None)`` loads the KPI files into the given store (default: a private in-memory
SQLite store, migrated like any other) and reads every module, KPI and object model back with all their
relationships loaded, so the objects work after their session is closed and from any thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.pool import StaticPool

from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.orm import Kpi, Module, ObjectModel
from analytics.kpi.registry import KpiRegistry, UnknownCode, did_you_mean
from analytics.kpi.store_load import load_registry
from store import ensure_schema


def in_memory_store() -> Engine:
    """A migrated SQLite store in memory: one shared connection (StaticPool), so every thread sees the same one."""
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    ensure_schema(engine)
    return engine


@dataclass(frozen=True, slots=True)
class Loaded:
    engine: Engine
    registry: KpiRegistry
    modules: Mapping[str, Module]
    kpis: Mapping[str, Kpi]
    object_models: Mapping[str, ObjectModel]


class SeedApi:
    """The seed's functions over one loaded store. ``definitions`` keeps one default instance: the seed's API is
    module-level by design (``setup_all_relationships()`` then ``get_kpi(...)``), and that one object is all the state
    it holds; code that wants its own store makes its own instance."""

    def __init__(self, registry: Callable[[], KpiRegistry] = shipped_kpi_registry) -> None:
        self._registry = registry
        self._loaded: Loaded | None = None

    def setup_all_relationships(self, engine: Engine | None = None) -> Engine:
        """Load the KPI registry into ``engine`` (default: a new in-memory store) and read it back with every
        relationship; returns the store's engine (SQL over kpi_module, kpi_definition ... works on it)."""
        engine = engine or in_memory_store()
        registry = self._registry()
        load_registry(engine, registry)
        with Session(engine) as session:
            # One session, so each code is one object: every collection of every object is loaded below.
            modules = session.scalars(select(Module).options(selectinload(Module.kpis),
                                                             selectinload(Module.object_models))).all()
            kpis = session.scalars(select(Kpi).options(selectinload(Kpi.modules))).all()
            models = session.scalars(select(ObjectModel).options(selectinload(ObjectModel.modules))).all()
        self._loaded = Loaded(engine=engine, registry=registry,
                              modules={m.code: m for m in sorted(modules, key=_position(registry))},
                              kpis={k.code: k for k in kpis}, object_models={m.code: m for m in models})
        return engine

    def get_module(self, code: str) -> Module:
        loaded = self._ready()
        found = loaded.modules.get(code.upper())
        if found is None:
            raise UnknownCode(f"no module {code!r}{did_you_mean(code.upper(), loaded.modules)}; modules: "
                              f"{', '.join(loaded.modules)}")
        return found

    def get_kpi(self, code: str) -> Kpi:
        loaded = self._ready()
        found = loaded.kpis.get(code.upper())
        if found is None:
            names = [*loaded.kpis, *(kpi.name for kpi in loaded.kpis.values())]
            raise UnknownCode(f"no KPI {code!r}{did_you_mean(code, names)}; `crmhub kpi list` lists the "
                              f"{len(loaded.kpis)} KPIs")
        return found

    def get_object_model(self, code: str) -> ObjectModel:
        """A model by code, or by a name or alias (``"Sales Rep"``), as ``crmhub models show`` accepts."""
        loaded = self._ready()
        found = loaded.object_models.get(code.upper())
        if found is None:
            found = loaded.object_models[loaded.registry.object_model(code).code]  # UnknownCode when no name fits
        return found

    def _ready(self) -> Loaded:
        """The loaded store; the first ``get_*`` before any setup sets up the default (in-memory) store."""
        if self._loaded is None:
            self.setup_all_relationships()
        if self._loaded is None:  # setup_all_relationships sets it or raises
            raise RuntimeError("setup_all_relationships() loaded nothing")
        return self._loaded


def _position(registry: KpiRegistry) -> Callable[[Module], int]:
    """modules.yaml's (the document's) order: kpi_module keeps no position of its own."""
    order = {code: i for i, code in enumerate(registry.modules)}
    return lambda module: order.get(module.code, len(order))
