"""The Mermaid class diagrams parse structurally: declared classes, members of drawn classes, relations between
declared classes with UML multiplicities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from mapping.objectmodels import shipped_registry
from mapping.objectmodels.uml import model_diagram, module_diagram

CLASS = re.compile(r'^  class ([A-Z][A-Z0-9_]*)\["([^"]+)"\]$')
ANNOTATION = re.compile(r"^  <<(entity|computed|custom_object)>> ([A-Z][A-Z0-9_]*)$")
MEMBER = re.compile(r"^  ([A-Z][A-Z0-9_]*) : \+(string|text|number|integer|boolean|date|datetime|ref) "
                    r"([a-z][a-z0-9_]*)( required)?$")
RELATION = re.compile(r'^  ([A-Z][A-Z0-9_]*) "(1|\*)" --> "(1|\*)" ([A-Z][A-Z0-9_]*) : ([a-z][a-z0-9_]*)$')


@dataclass
class Diagram:
    classes: dict[str, str] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)
    relations: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def parse(text: str) -> Diagram:
    lines = text.splitlines()
    assert lines[0] == "classDiagram" and text.endswith("\n")
    out = Diagram()
    for line in lines[1:]:
        if m := CLASS.match(line):
            assert m[1] not in out.classes, f"class {m[1]} declared twice"
            out.classes[m[1]] = m[2]
        elif m := ANNOTATION.match(line):
            assert m[2] in out.classes, f"annotation before its class: {line}"
            out.held[m[2]] = m[1]
        elif m := MEMBER.match(line):
            assert m[1] in out.classes, f"member of an undeclared class: {line}"
            out.members.setdefault(m[1], []).append((m[2], m[3], bool(m[4])))
        elif m := RELATION.match(line):
            assert m[1] in out.classes and m[4] in out.classes, f"relation to an undeclared class: {line}"
            out.relations.append((m[1], m[2], m[3], m[4], m[5]))
        else:
            raise AssertionError(f"not a classDiagram line: {line!r}")
    return out


def test_a_models_diagram_has_it_in_full_and_its_neighbours() -> None:
    registry = shipped_registry()
    sale = registry.object_model("SALE")
    diagram = parse(model_diagram(registry, "Purchase"))
    assert diagram.classes["SALE"] == "Sale" and diagram.held["SALE"] == "entity"
    assert diagram.members["SALE"] == [(f.type, f.name, f.required) for f in sale.fields]
    assert set(diagram.members) == {"SALE"}  # neighbours are boxes, not repeated field lists
    assert ("SALE", "*", "1", "CUSTOMER", "customer") in diagram.relations
    assert ("REVENUE", "1", "*", "SALE", "sales") in diagram.relations  # the models that point at it too
    assert diagram.held["REVENUE"] == "computed"


@pytest.mark.parametrize("code", [m.code for m in shipped_registry()])
def test_every_models_diagram_parses_and_draws_every_relation(code: str) -> None:
    registry = shipped_registry()
    model = registry.object_model(code)
    diagram = parse(model_diagram(registry, code))
    drawn = {(source, name) for source, _, _, _, name in diagram.relations}
    assert {(code, r.name) for r in model.relations} <= drawn
    assert len(diagram.members.get(code, [])) == len(model.fields)


@pytest.mark.parametrize("module", list(shipped_registry().modules))
def test_a_modules_diagram_draws_its_models_and_the_relations_between_them(module: str) -> None:
    registry = shipped_registry()
    codes = registry.module(module).model_codes
    diagram = parse(module_diagram(registry, module))
    assert list(diagram.classes) == codes and set(diagram.members) == set(codes)
    expected = {(m.code, r.target, r.name) for m in registry.module(module).object_models for r in m.relations
                if r.target in codes}
    assert {(source, target, name) for source, _, _, target, name in diagram.relations} == expected
