"""Associate and disassociate through an N:N relationship's collection-valued navigation property.

``POST opportunities(<id>)/opportunitycompetitors_association/$ref`` with ``{"@odata.id": ".../competitors(<id>)"}``
adds an intersect row (a pair already associated → 412 ``0x80040237``); ``DELETE opportunities(<id>)/
opportunitycompetitors_association(<competitorid>)/$ref`` (or ``…/$ref?$id=<entity URL>``) removes it, which
change tracking and a listing of the intersect table then show as that row gone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote

from sandbox.dynamics import errors, keys
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.schema import Table
from sandbox.dynamics.services import Services
from sandbox.dynamics.tables_sales import MANY_TO_MANY, ManyToMany
from sandbox.dynamics.webapi_read import find_row, table_of


def relationship(logical: str, nav: str) -> ManyToMany | None:
    name = nav.split("(", 1)[0]
    return next((m for m in MANY_TO_MANY if m.name == name and m.side(logical) is not None), None)


Side = tuple[str, str]


def _relationship(svc: Services, entity_set: str, nav: str) -> tuple[Table, ManyToMany, Side, Side]:
    """(the table addressed, the N:N, its side, the other side)."""
    table = table_of(svc, entity_set)
    n2n = relationship(table.logical, nav)
    sides = n2n.side(table.logical) if n2n else None
    if n2n is None or sides is None:
        raise errors.segment_not_found(nav)
    return table, n2n, sides[0], sides[1]


def _pairs(svc: Services, n2n: ManyToMany, this: Side, this_id: str, other: Side, other_id: str) -> list[str]:
    table = svc.store.catalog[n2n.intersect]
    a, b = table.col[this[1]], table.col[other[1]]
    return [rid for rid, row in svc.store.state(n2n.intersect).rows.items() if row[a] == this_id and row[b] == other_id]


def _other(svc: Services, n2n: ManyToMany, other: Side, url: str) -> str:
    target, key_text = keys.parse_entity_url(svc.store.catalog, url)
    if target.logical != other[0]:
        raise errors.odata_error(f"The entity set '{target.entity_set}' is not a valid target of '{n2n.name}'.")
    key = keys.parse_key(target, key_text)
    found = keys.resolve(svc.store, target, key)
    if found is None:
        raise keys.missing(target, key)
    return found


def associate(svc: Services, req: ApiRequest, entity_set: str, key: str, nav: str) -> ApiResponse:
    table, n2n, this, other = _relationship(svc, entity_set, nav)
    body: Any = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("@odata.id"), str):
        raise errors.payload_error(entity_set, "A reference body {\"@odata.id\": \"<entity URL>\"} was expected.")
    this_id = find_row(svc, table, key)[table.col[table.primary_id]]
    other_id = _other(svc, n2n, other, body["@odata.id"])
    if _pairs(svc, n2n, this, this_id, other, other_id):
        raise errors.DataverseError(412, errors.DUPLICATE, "Cannot insert duplicate key.")
    svc.records.create(n2n.intersect, {this[1]: this_id, other[1]: other_id}, user=req.user)
    return ApiResponse(204)


def disassociate(svc: Services, req: ApiRequest, entity_set: str, key: str, nav: str) -> ApiResponse:
    table, n2n, this, other = _relationship(svc, entity_set, nav)
    this_id = find_row(svc, table, key)[table.col[table.primary_id]]
    if "(" in nav:
        other_table = svc.store.catalog[other[0]]
        other_id = _other(svc, n2n, other, f"{other_table.entity_set}({nav.split('(', 1)[1].rstrip(')')})")
    else:
        ids = parse_qs(req.query).get("$id")
        if not ids:
            raise errors.odata_error(f"Disassociating through '{n2n.name}' needs the other record: "
                                     f"{n2n.name}(<id>)/$ref or $ref?$id=<entity URL>.")
        other_id = _other(svc, n2n, other, unquote(ids[0]))
    for row_id in _pairs(svc, n2n, this, this_id, other, other_id):
        svc.records.delete(n2n.intersect, row_id)
    return ApiResponse(204)
