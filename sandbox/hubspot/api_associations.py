"""``POST /crm/v4/associations/{from}/{to}/batch/read`` (≤ 1,000 inputs).

Each input id gets ``{"from":{"id"},"to":[{"toObjectId": <int>, "associationTypes":[...]}]}``; an id with no
associations (or one that does not exist) is an error entry instead, and the answer is then 207, as HubSpot's is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.hubspot.associations import v4_types
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard, batch_answer, inputs_of, json_body, object_type

MAX_INPUTS = 1000


@dataclass(frozen=True, slots=True)
class AssociationsApi:
    store: Store

    def routes(self, guard: Guard) -> list[Route]:
        store = self.store

        async def associations_batch_read(request: Request) -> Response:
            started = store.now_ms()
            from_type, to_type = object_type(request, "from_type"), object_type(request, "to_type")
            inputs = inputs_of(await json_body(request), maximum=MAX_INPUTS)
            table = store.tables[from_type]
            schemas = store.schemas
            results: list[dict[str, Any]] = []
            errors: list[dict[str, Any]] = []
            for item in inputs:
                raw = str(item.get("id", ""))
                rec = table.resolve(int(raw)) if raw.isdigit() else None
                linked = store.assoc.lookup(from_type, rec, to_type) if rec is not None and \
                    store.assoc.supported(from_type, to_type) else []
                if not linked:
                    errors.append({
                        "status": "error", "category": "OBJECT_NOT_FOUND",
                        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                        "context": {"fromObjectId": [raw], "fromObjectType": [schemas[from_type].singular.upper()],
                                    "toObjectType": [schemas[to_type].singular.upper()]},
                        "links": {}, "errors": [],
                        "message": f"No {schemas[to_type].singular} is associated with "
                                   f"{schemas[from_type].singular} {raw}.",
                    })
                    continue
                results.append({"from": {"id": raw}, "to": [
                    {"toObjectId": a.to_id, "associationTypes": v4_types(from_type, to_type, a.primary)}
                    for a in linked]})
            return batch_answer(started, store.now_ms(), results, errors)

        return [guard.route("/crm/v4/associations/{from_type}/{to_type}/batch/read", associations_batch_read,
                            ["POST"])]
