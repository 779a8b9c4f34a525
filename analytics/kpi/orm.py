"""The seed's SQLAlchemy classes — ``Module``, ``Kpi``, ``ObjectModel`` — mapped imperatively onto the store's
registry tables (store.tables stays Core; these classes only read what ``store_load.load_registry`` wrote).

Many-to-many as the seed has it: ``Module.kpis`` / ``Kpi.modules`` through kpi_module_member, ``Module.object_models``
/ ``ObjectModel.modules`` through module_object_model (in the seed's order). The tables declare no foreign keys (the
registry is replaced as a whole), so each join names its columns; the relationships are view-only: the files are
the source, never these objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped, foreign, registry, relationship

from store.tables import (
    kpi_definition,
    kpi_module,
    kpi_module_member,
    module_object_model,
    object_model_definition,
)


class Module:
    code: Mapped[str]
    name: Mapped[str]
    description: Mapped[str]
    metadata_: Mapped[dict[str, Any]]  # value_chains, kpis, object_models (codes)
    loaded_at: Mapped[datetime]
    kpis: Mapped[list[Kpi]]
    object_models: Mapped[list[ObjectModel]]

    def __repr__(self) -> str:
        return f"Module({self.code!r})"


class Kpi:
    code: Mapped[str]
    name: Mapped[str]
    description: Mapped[str]
    kpi_type: Mapped[str]
    status: Mapped[str]
    unit: Mapped[str]
    direction: Mapped[str]
    definition_hash: Mapped[str]
    metadata_: Mapped[dict[str, Any]]  # all its file declares: modules, object_models, kpi_type, status, unit …
    loaded_at: Mapped[datetime]
    modules: Mapped[list[Module]]

    def __repr__(self) -> str:
        return f"Kpi({self.code!r})"


class ObjectModel:
    code: Mapped[str]
    name: Mapped[str]
    description: Mapped[str]
    held_as: Mapped[str]
    metadata_: Mapped[dict[str, Any]]  # modules, aliases, held_as, entity, where, engine, kpis
    loaded_at: Mapped[datetime]
    modules: Mapped[list[Module]]

    def __repr__(self) -> str:
        return f"ObjectModel({self.code!r})"


mapper_registry = registry()

mapper_registry.map_imperatively(Kpi, kpi_definition, properties={
    "modules": relationship(
        Module, secondary=kpi_module_member, viewonly=True, order_by=kpi_module.c.code,
        primaryjoin=kpi_definition.c.code == foreign(kpi_module_member.c.kpi_code),
        secondaryjoin=kpi_module.c.code == foreign(kpi_module_member.c.module_code)),
})
mapper_registry.map_imperatively(ObjectModel, object_model_definition, properties={
    "modules": relationship(
        Module, secondary=module_object_model, viewonly=True, order_by=kpi_module.c.code,
        primaryjoin=object_model_definition.c.code == foreign(module_object_model.c.model_code),
        secondaryjoin=kpi_module.c.code == foreign(module_object_model.c.module_code)),
})
mapper_registry.map_imperatively(Module, kpi_module, properties={
    "kpis": relationship(
        Kpi, secondary=kpi_module_member, viewonly=True, order_by=kpi_definition.c.code,
        primaryjoin=kpi_module.c.code == foreign(kpi_module_member.c.module_code),
        secondaryjoin=kpi_definition.c.code == foreign(kpi_module_member.c.kpi_code)),
    "object_models": relationship(
        ObjectModel, secondary=module_object_model, viewonly=True, order_by=module_object_model.c.position,
        primaryjoin=kpi_module.c.code == foreign(module_object_model.c.module_code),
        secondaryjoin=object_model_definition.c.code == foreign(module_object_model.c.model_code)),
})
