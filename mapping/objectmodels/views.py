"""The documents ``crmhub models list|show`` print (and ``--json`` emits): a model as plain data.

``filled_by`` is None when no config was loaded (nothing is known of connections), a list otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mapping.objectmodels.reference import held_text
from mapping.objectmodels.registry import ObjectModel
from mapping.objectmodels.sources import Filler


def summary(model: ObjectModel, *, shipped: Mapping[str, Sequence[str]],
            filled_by: Sequence[Filler] | None) -> dict[str, Any]:
    """What ``models list`` shows of one model."""
    engine = model.computed_by.model_dump() if model.computed_by else None
    return {
        "code": model.code, "name": model.name, "long_name": model.long_name, "aliases": list(model.aliases),
        "description": model.description, "modules": list(model.modules), "held_as": model.held_as,
        "held": held_text(model), "entity": model.entity,
        "where": {k: list(v) if isinstance(v, tuple) else v for k, v in model.where.items()},
        "computed_by": engine, "caveat": model.caveat or None,
        "sources": {kind: source.model_dump() for kind, source in model.sources.items()},
        "shipped_mappings": {kind: list(objects) for kind, objects in shipped.items()},
        "filled_by": None if filled_by is None else [f.as_dict() for f in filled_by],
    }


def detail(model: ObjectModel, *, shipped: Mapping[str, Sequence[str]],
           filled_by: Sequence[Filler] | None) -> dict[str, Any]:
    """What ``models show`` shows: the summary, the fields and the relations."""
    return {**summary(model, shipped=shipped, filled_by=filled_by),
            "fields": [f.model_dump() for f in model.fields],
            "relations": [r.model_dump() for r in model.relations]}


def where_filled(model: ObjectModel, filled_by: Sequence[Filler] | None) -> str:
    """One line for a table cell: the connections' objects, the engine, or why nothing fills it."""
    if model.held_as == "computed" and model.computed_by is not None:
        engine = model.computed_by
        return engine.engine + {"planned": f" (planned, issue {engine.issue})",
                                "needs_data": " (needs data)"}.get(engine.status, "")
    if filled_by is None:
        return ""
    if not filled_by:
        return "nothing in this config" + (" (tag a custom object with model: " + model.code + ")"
                                           if model.held_as == "custom_object" else "")
    return ", ".join(f"{f.connection}/{f.object}" for f in filled_by)
