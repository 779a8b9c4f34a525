"""Rows as the Web API writes them: ``@odata.etag``, ``_x_value`` lookups, annotations, expanded lookups.

With ``Prefer: odata.include-annotations`` a property is preceded by the annotations asked for: the formatted value
(choice labels, money with its symbol, dates as a user sees them, the related row's name for a lookup) and, for
lookups, the navigation property and the target's logical name (how a client tells an account from a contact in a
polymorphic ``_parentcustomerid_value``).
"""

from __future__ import annotations

from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.query_options import Expand, Preferences
from sandbox.dynamics.schema import Attr, Table, type_column
from sandbox.dynamics.store import Store
from sandbox.dynamics.values import formatted, to_json

FORMATTED = "OData.Community.Display.V1.FormattedValue"
NAV = "Microsoft.Dynamics.CRM.associatednavigationproperty"
LOGICAL = "Microsoft.Dynamics.CRM.lookuplogicalname"


def select_attrs(table: Table, select: list[str] | None) -> list[Attr]:
    if select is None or select == ["*"]:
        return [a for a in table.attrs]
    out = []
    for name in select:
        attr = table.by_prop.get(name)
        if attr is None:
            raise errors.no_property(table.type_name, name)
        if attr not in out:
            out.append(attr)
    return out


def check_expand(catalog: Catalog, table: Table, expands: list[Expand]) -> None:
    for expand in expands:
        nav = table.navs.get(expand.nav)
        if nav is None:
            raise errors.no_property(table.type_name, expand.nav)
        target = catalog[nav[1]]
        select_attrs(target, expand.select)
        check_expand(catalog, target, expand.expand)


class Renderer:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self, table: Table, row: list[Any], attrs: list[Attr], prefs: Preferences, expands: list[Expand],
        *, etag: bool = True,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        col = table.col
        if etag:
            out["@odata.etag"] = f'W/"{row[col["versionnumber"]]}"'
        for attr in attrs:
            value = row[col[attr.name]]
            prop = attr.prop
            if value is not None and prefs.annotations:
                self._annotate(out, table, attr, row, value, prefs)
            out[prop] = to_json(attr, value)
        if table.by_name[table.primary_id] not in attrs:
            out[table.primary_id] = row[col[table.primary_id]]
        for expand in expands:
            out[expand.nav] = self._expanded(table, row, expand, prefs)
        return out

    def _annotate(self, out: dict[str, Any], table: Table, attr: Attr, row: list[Any], value: Any,
                  prefs: Preferences) -> None:
        prop = attr.prop
        if attr.is_lookup:
            target = row[table.col[type_column(attr.name)]]
            if prefs.wants(FORMATTED):
                other = self.store.get(target, value)
                if other is not None:
                    target_table = self.store.catalog[target]
                    out[f"{prop}@{FORMATTED}"] = other[target_table.col[target_table.primary_name]]
            if prefs.wants(NAV):
                nav = "ownerid" if attr.kind == "owner" else attr.navs[attr.targets.index(target)]
                out[f"{prop}@{NAV}"] = nav
            if prefs.wants(LOGICAL):
                out[f"{prop}@{LOGICAL}"] = target
            return
        if prefs.wants(FORMATTED):
            text = formatted(attr, value)
            if text is not None:
                out[f"{prop}@{FORMATTED}"] = text

    def _expanded(self, table: Table, row: list[Any], expand: Expand, prefs: Preferences) -> dict[str, Any] | None:
        attr, target_logical = table.navs[expand.nav]
        value = row[table.col[attr.name]]
        if value is None or row[table.col[type_column(attr.name)]] != target_logical:
            return None
        other = self.store.get(target_logical, value)
        if other is None:
            return None
        target = self.store.catalog[target_logical]
        return self.record(target, other, select_attrs(target, expand.select), prefs, expand.expand, etag=False)
