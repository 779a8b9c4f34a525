"""``/crm/v3/pipelines/{deals|tickets}``: pipelines and their stages, read whole (no paging, no modified filter),
and stages created, edited and deleted as an admin does in HubSpot's settings.

A stage's ``metadata`` keeps HubSpot's string values: deals ``{"isClosed": "false", "probability": "0.2"}`` (both
required when creating one), tickets ``{"ticketState": "OPEN"|"CLOSED"}``. Deleting a stage that records still sit
in is refused (HubSpot asks to move them first); ``dealstage``/``hs_pipeline_stage`` options follow every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.pipelines import Pipeline, Stage
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard, json_body, object_type

STAGE_PROPERTY = {"deals": "dealstage", "tickets": "hs_pipeline_stage"}
PIPELINE_PROPERTY = {"deals": "pipeline", "tickets": "hs_pipeline"}


def _metadata(otype: str, raw: object, *, partial: bool) -> dict[str, str]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ApiError(400, "metadata must be an object of strings")
    meta = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in raw.items()}
    needed = ("isClosed", "probability") if otype == "deals" else ("ticketState",)
    missing = [k for k in needed if k not in meta]
    if missing and not partial:
        raise ApiError(400, f"metadata needs {', '.join(missing)} for a {otype} pipeline stage")
    if otype == "deals" and "probability" in meta:
        try:
            if not 0.0 <= float(meta["probability"]) <= 1.0:
                raise ValueError
        except ValueError:
            raise ApiError(400, f"metadata.probability must be a number from 0.0 to 1.0, got "
                                f"{meta['probability']!r}") from None
    if otype == "tickets" and meta.get("ticketState", "OPEN") not in ("OPEN", "CLOSED"):
        raise ApiError(400, "metadata.ticketState must be OPEN or CLOSED")
    return meta


@dataclass(frozen=True, slots=True)
class PipelinesApi:
    store: Store

    def _type(self, request: Request) -> str:
        otype = object_type(request, self.store.types)
        if otype not in STAGE_PROPERTY:
            raise ApiError(400, f"Pipelines exist for deals and tickets in this sandbox, not {otype}")
        return otype

    def _pipeline(self, otype: str, pipeline_id: str) -> Pipeline:
        found = self.store.pipelines.pipeline(otype, pipeline_id)
        if found is None:
            raise ApiError(404, f"Pipeline {pipeline_id} not found", "OBJECT_NOT_FOUND")
        return found

    def _refresh_options(self, otype: str) -> None:
        pipelines, schema = self.store.pipelines, self.store.schemas[otype]
        for name, options in ((STAGE_PROPERTY[otype], pipelines.stage_options(otype)),
                              (PIPELINE_PROPERTY[otype], pipelines.pipeline_options(otype))):
            prop = schema.props[name]
            prop.options, prop.allowed = options, frozenset(o.value for o in options)

    def routes(self, guard: Guard) -> list[Route]:
        store = self.store

        async def get_pipelines(request: Request) -> Response:
            otype = self._type(request)
            return JSONResponse({"results": [p.to_json() for p in store.pipelines.by_type[otype]]})

        async def get_pipeline(request: Request) -> Response:
            otype = self._type(request)
            return JSONResponse(self._pipeline(otype, request.path_params["pipeline_id"]).to_json())

        async def get_stages(request: Request) -> Response:
            otype = self._type(request)
            pipeline = self._pipeline(otype, request.path_params["pipeline_id"])
            return JSONResponse({"results": pipeline.to_json()["stages"]})

        async def create_stage(request: Request) -> Response:
            otype = self._type(request)
            pipeline = self._pipeline(otype, request.path_params["pipeline_id"])
            body = await json_body(request)
            label = str(body.get("label") or "").strip()
            if not label:
                raise ApiError(400, "label is required")
            if any(s.label == label for s in pipeline.stages):
                raise ApiError(409, f"A stage labelled {label!r} already exists in pipeline {pipeline.id}",
                               "OBJECT_ALREADY_EXISTS")
            order = body.get("displayOrder", len(pipeline.stages))
            if not isinstance(order, int) or isinstance(order, bool):
                raise ApiError(400, f"displayOrder must be an integer, got {order!r}")
            stage = store.pipelines.add_stage(otype, pipeline, label, order,
                                              _metadata(otype, body.get("metadata"), partial=False), store.now_ms())
            self._refresh_options(otype)
            return JSONResponse(stage.to_json(), status_code=201)

        async def update_stage(request: Request) -> Response:
            otype = self._type(request)
            pipeline = self._pipeline(otype, request.path_params["pipeline_id"])
            stage = self._stage(pipeline, request.path_params["stage_id"])
            body = await json_body(request)
            if "label" in body:
                stage.label = str(body["label"])
            if "displayOrder" in body:
                stage.display_order = int(body["displayOrder"])
            if "metadata" in body:
                stage.metadata = {**stage.metadata, **_metadata(otype, body["metadata"], partial=True)}
            stage.updated_ms = pipeline.updated_ms = store.now_ms()
            store.pipelines.refresh_facts()
            self._refresh_options(otype)
            return JSONResponse(stage.to_json())

        async def delete_stage(request: Request) -> Response:
            otype = self._type(request)
            pipeline = self._pipeline(otype, request.path_params["pipeline_id"])
            stage = self._stage(pipeline, request.path_params["stage_id"])
            column = store.schemas[otype].columns[STAGE_PROPERTY[otype]]
            table = store.tables[otype]
            if any(table.recs[i].get(column) == stage.id for i in table.live):
                raise ApiError(400, f"Stage {stage.id} of pipeline {pipeline.id} still has {otype} in it; move them "
                                    "to another stage before deleting it")
            pipeline.stages.remove(stage)
            pipeline.updated_ms = store.now_ms()
            store.pipelines.refresh_facts()
            self._refresh_options(otype)
            return Response(status_code=204)

        base = "/crm/v3/pipelines/{object_type}"
        return [
            guard.route(base, get_pipelines, ["GET"]),
            guard.route(base + "/{pipeline_id}", get_pipeline, ["GET"]),
            guard.route(base + "/{pipeline_id}/stages", get_stages, ["GET"]),
            guard.route(base + "/{pipeline_id}/stages", create_stage, ["POST"]),
            guard.route(base + "/{pipeline_id}/stages/{stage_id}", update_stage, ["PATCH"]),
            guard.route(base + "/{pipeline_id}/stages/{stage_id}", delete_stage, ["DELETE"]),
        ]

    @staticmethod
    def _stage(pipeline: Pipeline, stage_id: str) -> Stage:
        stage = next((s for s in pipeline.stages if s.id == stage_id), None)
        if stage is None:
            raise ApiError(404, f"Stage {stage_id} not found in pipeline {pipeline.id}", "OBJECT_NOT_FOUND")
        return stage
