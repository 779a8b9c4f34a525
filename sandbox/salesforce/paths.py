"""Field paths (``Name``, ``Account.Name``, ``Account.Owner.Email``, ``Who.Name``) resolved to value getters.

Resolution is case-insensitive and reports unknown names with Salesforce's own messages; relationship hops
follow reference fields through the store, and a polymorphic hop (``Who``, ``What``) lands on the ``Name``
entity, whose fields are read from whichever object the id points at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sandbox.salesforce.catalog import NAME_ENTITY, Catalog
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.formulas import Formulas
from sandbox.salesforce.store import Store
from sandbox.salesforce.table import Table

Getter = Callable[[list[Any]], Any]
TerminalGetter = Callable[[Table, list[Any]], Any]
MAX_HOPS = 5  # SOQL allows five levels of child-to-parent relationship


class PathError(Exception):
    def __init__(self, message: str, *, code: str = "INVALID_FIELD") -> None:
        super().__init__(message)
        self.code = code


def no_such_column(name: str, obj: str) -> PathError:
    return PathError(
        f"No such column '{name}' on entity '{obj}'. If you are attempting to use a custom field, be sure to append "
        "the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate "
        "names.")


def bad_relationship(name: str) -> PathError:
    return PathError(
        f"Didn't understand relationship '{name}' in field path. If you are attempting to use a custom relationship, "
        "be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe "
        "call for the appropriate names.")


@dataclass(frozen=True, slots=True)
class Step:
    rel: str  # canonical relationship name, the JSON key of the nested parent
    ref: Getter  # this level's row -> the parent's id


@dataclass(frozen=True, slots=True)
class Path:
    names: tuple[str, ...]  # canonical spelling, e.g. ("Account", "Owner", "Name")
    field: FieldDef
    steps: tuple[Step, ...]
    terminal: TerminalGetter  # (table, row) at the last level -> value
    get: Getter  # root row -> value (None when a parent on the way is missing)

    @property
    def dotted(self) -> str:
        return ".".join(self.names)


class Resolver:
    def __init__(self, *, store: Store, formulas: Formulas, catalog: Catalog, today: date) -> None:
        self.store = store
        self.formulas = formulas
        self.catalog = catalog
        self.today = today

    def field_getter(self, obj: ObjectDef, f: FieldDef) -> Getter:
        if f.calculated:
            return self.formulas.getter(obj.name, f.name, today=self.today)
        ix = self.store.tables[obj.name].columns[f.name]
        return lambda row: row[ix]

    def resolve(self, obj: ObjectDef, path: str) -> Path:
        parts = path.split(".")
        if len(parts) - 1 > MAX_HOPS:
            raise PathError(f"Relationship path too deep: {path}", code="MALFORMED_QUERY")
        if len(parts) > 1 and parts[0].lower() == obj.name.lower():
            parts = parts[1:]  # SOQL accepts the object name as a qualifier: SELECT Account.Name FROM Account
        names: list[str] = []
        steps: list[Step] = []
        current = obj
        for i, part in enumerate(parts[:-1]):
            ref_field = current.by_relationship.get(part.lower())
            if ref_field is None:
                raise bad_relationship(part)
            names.append(ref_field.relationship_name or part)
            steps.append(Step(names[-1], self.field_getter(current, ref_field)))
            if ref_field.polymorphic:
                if i != len(parts) - 2:
                    raise bad_relationship(parts[i + 1])
                current = NAME_ENTITY
            else:
                target = self.catalog.get(ref_field.reference_to[0])
                if target is None:
                    raise bad_relationship(part)
                current = target
        leaf = current.field(parts[-1])
        if leaf is None:
            raise no_such_column(parts[-1], current.name)
        names.append(leaf.name)
        terminal = self._name_entity_getter(leaf) if current is NAME_ENTITY else self._fixed(current, leaf)
        return Path(tuple(names), leaf, tuple(steps), terminal, self._compose(obj, steps, terminal))

    def _fixed(self, obj: ObjectDef, f: FieldDef) -> TerminalGetter:
        getter = self.field_getter(obj, f)
        return lambda _table, row: getter(row)

    def _name_entity_getter(self, leaf: FieldDef) -> TerminalGetter:
        """``Who.Name`` reads Name from a Contact or a Lead; ``Type`` is the object; absent fields are null."""
        cache: dict[str, Getter | None] = {}

        def get(table: Table, row: list[Any]) -> Any:
            if leaf.name == "Type":
                return table.obj.name
            obj_name = table.obj.name
            if obj_name not in cache:
                f = table.obj.field(leaf.name)
                cache[obj_name] = self.field_getter(table.obj, f) if f is not None else None
            getter = cache[obj_name]
            return getter(row) if getter is not None else None
        return get

    def _compose(self, obj: ObjectDef, steps: list[Step], terminal: TerminalGetter) -> Getter:
        root = self.store.tables[obj.name]
        if not steps:
            return lambda row: terminal(root, row)
        lookup = self.store.lookup

        def get(row: list[Any]) -> Any:
            table = root
            for step in steps:
                found = lookup(step.ref(row))
                if found is None or found[1][found[0].ix_deleted]:
                    return None
                table, row = found
            return terminal(table, row)
        return get
