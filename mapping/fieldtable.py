"""The README's canonical field table, generated from the shipped mappings: each canonical field <- each CRM's field.

``python -m mapping.fieldtable`` prints it as markdown. A cell lists the CRM field each object maps (objects that
map the same field share one entry); ``= value`` is a constant; empty means that CRM does not fill the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from config.models import ConnectionBase
from config.models.connection import CONNECTION_MODELS, kind_of
from mapping.model import ENTITIES
from mapping.spec import FieldRule, ObjectMapping, load_spec


def labels(models: Sequence[type[ConnectionBase]] = CONNECTION_MODELS) -> dict[str, str]:
    """Column heading per kind, from each connection model (mapping may not import the connector descriptors)."""
    return {kind_of(model): model.CRM_LABEL for model in models}


def _source(rule: FieldRule) -> str:
    if rule.transform == "const":
        return f"= {rule.args.get('value')}"
    text = f"`{rule.source}`"
    if rule.args.get("id_prefix"):
        text += f" ({rule.args['id_prefix']}…)"
    return text


def cell(mappings: Sequence[ObjectMapping], target: str) -> str:
    """``source (obj, obj)`` per distinct source of ``target`` across the objects mapping one entity."""
    by_source: dict[str, list[str]] = {}
    for om in mappings:
        for rule in om.rules:
            if rule.target == target:
                by_source.setdefault(_source(rule), []).append(om.object)
    if len(mappings) == 1 or (len(by_source) == 1 and sum(map(len, by_source.values())) == len(mappings)):
        return "; ".join(by_source)
    return "; ".join(f"{src} ({', '.join(objs)})" for src, objs in by_source.items())


def rows(specs: Mapping[str, Mapping[str, ObjectMapping]]) -> list[list[str]]:
    out = []
    for entity, fields in ENTITIES.items():
        per_kind = {k: [om for om in specs[k].values() if om.entity == entity] for k in specs}
        for target in fields:
            cells = [cell(per_kind[k], target) if per_kind[k] else "" for k in specs]
            out.append([entity, target, fields[target], *cells])
    return out


def markdown(specs: Mapping[str, Mapping[str, ObjectMapping]] | None = None,
             models: Sequence[type[ConnectionBase]] = CONNECTION_MODELS) -> str:
    """One column per kind of ``models`` (its label), filled from ``specs`` (default: the shipped mappings)."""
    names = labels(models)
    specs = specs if specs is not None else {k: load_spec(k) for k in names}
    objects = ["objects", "", "", *(", ".join(f"`{o}`" for o in specs[k]) for k in specs)]
    header = ["entity", "canonical field", "type", *(names.get(k, k) for k in specs)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), "| " + " | ".join(objects) + " |"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows(specs)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
