"""The service root, the CSDL ``$metadata`` document and the ``WhoAmI`` function."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.services import Services


def service_document(svc: Services, req: ApiRequest) -> ApiResponse:
    value = [{"name": t.entity_set, "kind": "EntitySet", "url": t.entity_set} for t in svc.store.catalog.tables()]
    value.append({"name": "EntityDefinitions", "kind": "EntitySet", "url": "EntityDefinitions"})
    return ApiResponse(200, {"@odata.context": f"{req.api_base}$metadata", "value": value})


def who_am_i(svc: Services, req: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {
        "@odata.context": f"{req.api_base}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
        "BusinessUnitId": svc.org.business_unit_id, "UserId": req.user, "OrganizationId": svc.org.organization_id,
    })


def metadata_document(svc: Services, req: ApiRequest) -> ApiResponse:
    annotations = "annotations=true" in req.query
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
           "<edmx:DataServices>",
           '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">']
    tables = svc.store.catalog.tables()
    for table in tables:
        out.append(f"<EntityType Name={quoteattr(table.logical)}>")
        out.append(f'<Key><PropertyRef Name="{table.primary_id}" /></Key>')
        for attr in table.attrs:
            out.append(f"<Property Name={quoteattr(attr.prop)} Type={quoteattr(attr.edm)} />")
        for nav, (_attr, target) in table.navs.items():
            out.append(f"<NavigationProperty Name={quoteattr(nav)} Type=\"mscrm.{target}\" />")
        out.append("</EntityType>")
    out.append('<EntityContainer Name="System">')
    for table in tables:
        out.append(f"<EntitySet Name={quoteattr(table.entity_set)} EntityType=\"mscrm.{table.logical}\">")
        if annotations and svc.tracker.enabled(table):
            out.append('<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record>'
                       '<PropertyValue Property="Supported" Bool="true" /></Record></Annotation>')
        out.append("</EntitySet>")
    out += ["</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"]
    return ApiResponse(200, "".join(out), content_type="application/xml")
