"""Mermaid class diagrams of object models: one model with its neighbours, or every model of a module.

Classes are named by code and labelled with the model's name; members are ``+type name`` (``required`` after a required
field); relations carry UML multiplicities (``"*" --> "1"``) and their name. Only the models drawn in full list
their members, so a diagram of one model stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mapping.objectmodels.registry import ObjectModel, Registry
from mapping.objectmodels.schema import RelationSpec

# Multiplicity at (this end, the target's end) of each cardinality.
MULTIPLICITY: Mapping[str, tuple[str, str]] = {
    "one_to_one": ("1", "1"), "many_to_one": ("*", "1"), "one_to_many": ("1", "*"), "many_to_many": ("*", "*"),
}
ANNOTATION: Mapping[str, str] = {"entity": "entity", "computed": "computed", "custom_object": "custom_object"}


def model_diagram(registry: Registry, code: str) -> str:
    """The model in full, the models it relates to (both directions) as labelled boxes, and those relations."""
    model = registry.object_model(code)
    neighbours = registry.related(model.code)
    drawn = [model, *neighbours]
    relations = [(model, r) for r in model.relations] + \
                [(other, r) for other in neighbours for r in other.relations if r.target == model.code]
    return _diagram(drawn, full={model.code}, relations=relations)


def module_diagram(registry: Registry, module_code: str) -> str:
    """Every model of the module in full and the relations between them."""
    models = list(registry.module(module_code).object_models)
    codes = {m.code for m in models}
    relations = [(m, r) for m in models for r in m.relations if r.target in codes]
    return _diagram(models, full=codes, relations=relations)


def _diagram(models: Iterable[ObjectModel], *, full: set[str],
             relations: Iterable[tuple[ObjectModel, RelationSpec]]) -> str:
    lines = ["classDiagram"]
    for model in models:
        lines.append(f'  class {model.code}["{_label(model.name)}"]')
        lines.append(f"  <<{ANNOTATION[model.held_as]}>> {model.code}")
        if model.code in full:
            lines += [f"  {model.code} : +{f.type} {f.name}{' required' if f.required else ''}" for f in model.fields]
    for source, relation in relations:
        here, there = MULTIPLICITY[relation.cardinality]
        lines.append(f'  {source.code} "{here}" --> "{there}" {relation.target} : {relation.name}')
    return "\n".join(lines) + "\n"


def _label(name: str) -> str:
    return name.replace('"', "'")
