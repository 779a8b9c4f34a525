"""``POST /crm/v3/objects/{type}/search`` (rate-limited by the SECONDLY policy; no rate-limit headers)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.render import Renderer, select_properties
from sandbox.hubspot.search import SearchEngine, parse_query
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard, json_body, object_type


@dataclass(frozen=True, slots=True)
class SearchApi:
    store: Store
    render: Renderer
    engine: SearchEngine

    def routes(self, guard: Guard) -> list[Route]:
        async def search(request: Request) -> Response:
            otype = object_type(request, self.store.types)
            schema = self.store.schemas[otype]
            q = parse_query(schema, await json_body(request))
            total, page = self.engine.run(otype, q)
            props = select_properties(schema, q.properties)
            body: dict[str, object] = {
                "total": total,
                "results": [self.render.record(otype, rec, props, values=values, modified=modified)
                            for rec, values, modified in page],
            }
            if q.limit and q.after + q.limit < total:
                body["paging"] = {"next": {"after": str(q.after + q.limit)}}
            return JSONResponse(body)

        return [guard.route("/crm/v3/objects/{object_type}/search", search, ["POST"], search=True)]
