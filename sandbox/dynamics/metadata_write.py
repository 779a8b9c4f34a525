"""The metadata API's writes: a maker creates a custom table, its columns and its lookups through the Web API.

``POST EntityDefinitions`` (an ``EntityMetadata`` with its primary name column), ``POST EntityDefinitions(<key>)/
Attributes`` (one typed ``AttributeMetadata``), ``POST RelationshipDefinitions`` (a ``OneToManyRelationshipMetadata``
whose ``Lookup`` becomes a column of the referencing table) and ``PUT EntityDefinitions(<key>)`` (only
``ChangeTrackingEnabled`` is honoured: it can be turned on, never off). Each answers 204 with the new definition's
address in ``OData-EntityId``, as the platform does. The definitions live as long as the sandbox, like its rows.
"""

from __future__ import annotations

from sandbox.dynamics import custom_tables as ct
from sandbox.dynamics import errors
from sandbox.dynamics import metadata_model as mm
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.metadata import key_value
from sandbox.dynamics.schema import Table
from sandbox.dynamics.services import Services


def table_by_key(svc: Services, key: str) -> Table:
    field, wanted = key_value(key, "EntityDefinitions")
    for table in svc.store.catalog.tables():
        if (table.logical if field == "LogicalName" else mm.metadata_id("entity", table.logical)) == wanted:
            return table
    raise errors.DataverseError(404, errors.NOT_FOUND, f"Could not find entity with {field} = {wanted}.")


def create_entity_definition(svc: Services, req: ApiRequest) -> ApiResponse:
    table, tracked = ct.add_table(svc.store, req.json())
    if tracked:
        svc.tracker.enable(table)
    return _created(req, f"EntityDefinitions({mm.metadata_id('entity', table.logical)})")


def create_attribute(svc: Services, req: ApiRequest, key: str) -> ApiResponse:
    table = table_by_key(svc, key)
    attr = ct.add_column(svc.store, table, req.json())
    return _created(req, f"EntityDefinitions({mm.metadata_id('entity', table.logical)})/Attributes("
                         f"{mm.metadata_id('attribute', table.logical, attr.name)})")


def create_relationship(svc: Services, req: ApiRequest) -> ApiResponse:
    body = req.json()
    referencing, attr = ct.add_lookup(svc.store, body)
    return _created(req, f"RelationshipDefinitions({mm.metadata_id('relationship', referencing.logical, attr.name)})")


def update_entity_definition(svc: Services, req: ApiRequest, key: str) -> ApiResponse:
    table = table_by_key(svc, key)
    body = req.json()
    if not isinstance(body, dict):
        raise ct.bad("An EntityMetadata object was expected.")
    wanted = body.get("ChangeTrackingEnabled")
    if wanted is True:
        if not table.trackable:
            raise ct.bad(f"Change tracking cannot be enabled for '{table.logical}'.")
        svc.tracker.enable(table)
    elif wanted is False and svc.tracker.enabled(table):
        raise ct.bad("Change tracking cannot be disabled once it has been enabled for a table.")
    return ApiResponse(204)


def _created(req: ApiRequest, path: str) -> ApiResponse:
    return ApiResponse(204, headers={"OData-EntityId": req.api_base + path})
