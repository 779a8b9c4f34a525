"""``/crm/v3/objects/{type}/batch/{read,create,update,upsert,archive}`` (≤ 100 inputs).

All inputs succeed → 200 (create: 201) ``{"status":"COMPLETE","results","startedAt","completedAt"}``; some fail →
207 with the successes in ``results`` plus ``numErrors`` and ``errors`` (one entry per refused input; ids that do not
exist are reported together in one OBJECT_NOT_FOUND entry, as HubSpot does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.api_objects import lookup, parse_id
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.records import Rec
from sandbox.hubspot.render import Renderer, select_properties
from sandbox.hubspot.store import Rejected, Store
from sandbox.hubspot.web import Guard, batch_answer, bool_param, inputs_of, json_body, object_type, writable

MAX_INPUTS = 100


def _not_found(otype: str, ids: list[str], singular: str) -> dict[str, Any]:
    return Rejected(404, "OBJECT_NOT_FOUND", f"Could not get some {singular.upper()} objects, they may be deleted "
                                             "or not exist. Check that ids are valid.", context={"ids": ids}).entry()


def _traced(error: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    trace = item.get("objectWriteTraceId")
    if trace is not None:
        error["context"] = {**error["context"], "objectWriteTraceId": [str(trace)]}
    return error


def _no_duplicates(inputs: list[dict[str, Any]]) -> None:
    ids = [str(i.get("id")) for i in inputs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ApiError(400, f"Duplicate IDs found in batch input: {dupes}. IDs must be unique")


@dataclass(frozen=True, slots=True)
class BatchApi:
    store: Store
    render: Renderer

    def _answer(self, started: int, results: list[dict[str, Any]], errors: list[dict[str, Any]],
                ok_status: int = 200) -> JSONResponse:
        return batch_answer(started, self.store.now_ms(), results, errors, ok_status)

    def routes(self, guard: Guard) -> list[Route]:
        store, render = self.store, self.render

        async def batch_read(request: Request) -> Response:
            otype, started = object_type(request, store.types), store.now_ms()
            body = await json_body(request)
            inputs = inputs_of(body, maximum=MAX_INPUTS)
            props = select_properties(store.schemas[otype], body.get("properties") or None)
            archived = bool_param(request.query_params.get("archived"))
            found: dict[int, Rec] = {}
            missing: list[str] = []
            for item in inputs:
                raw = str(item.get("id", ""))
                rec = lookup(store.tables[otype], raw, body.get("idProperty"), archived=archived)
                if rec is None:
                    missing.append(raw)
                else:
                    found.setdefault(rec.id, rec)
            errors = [_not_found(otype, missing, store.schemas[otype].singular)] if missing else []
            return self._answer(started, [render.record(otype, r, props) for r in found.values()], errors)

        async def batch_create(request: Request) -> Response:
            otype, started = object_type(request, store.types), store.now_ms()
            writable(otype, store.schemas[otype].read_only_object)
            results, errors = [], []
            for item in inputs_of(await json_body(request), maximum=MAX_INPUTS):
                props = item.get("properties") or {}
                try:
                    if not isinstance(props, dict):
                        raise Rejected(400, "VALIDATION_ERROR", "'properties' must be an object")
                    rec = store.create(otype, props, associations=item.get("associations"))
                except Rejected as exc:
                    errors.append(_traced(exc.entry(), item))
                    continue
                results.append(self._written(otype, rec, props, item))
            return self._answer(started, results, errors, ok_status=201)

        async def batch_update(request: Request) -> Response:
            otype, started = object_type(request, store.types), store.now_ms()
            writable(otype, store.schemas[otype].read_only_object)
            inputs = inputs_of(await json_body(request), maximum=MAX_INPUTS)
            _no_duplicates(inputs)
            results, errors, missing = [], [], []
            for item in inputs:
                raw, props = str(item.get("id", "")), item.get("properties")
                rec = lookup(store.tables[otype], raw, item.get("idProperty"))
                if rec is None:
                    missing.append(raw)
                    continue
                try:
                    if not isinstance(props, dict):
                        raise Rejected(400, "VALIDATION_ERROR", "'properties' must be an object",
                                       context={"ids": [raw]})
                    store.update(otype, rec, props)
                except Rejected as exc:
                    errors.append(_traced(exc.entry(), item))
                    continue
                results.append(self._written(otype, rec, props, item))
            if missing:
                errors.insert(0, _not_found(otype, missing, store.schemas[otype].singular))
            return self._answer(started, results, errors)

        async def batch_upsert(request: Request) -> Response:
            otype, started = object_type(request, store.types), store.now_ms()
            writable(otype, store.schemas[otype].read_only_object)
            inputs = inputs_of(await json_body(request), maximum=MAX_INPUTS)
            _no_duplicates(inputs)
            results, errors = [], []
            for item in inputs:
                try:
                    rec, new = self._upsert(otype, item)
                except Rejected as exc:
                    errors.append(_traced(exc.entry(), item))
                    continue
                results.append({**self._written(otype, rec, item.get("properties") or {}, item), "new": new})
            return self._answer(started, results, errors)

        async def batch_archive(request: Request) -> Response:
            otype = object_type(request, store.types)
            writable(otype, store.schemas[otype].read_only_object)
            for item in inputs_of(await json_body(request), maximum=MAX_INPUTS):
                rec = store.tables[otype].recs.get(parse_id(item.get("id", "")))
                if rec is not None and rec.live:  # gone ids are no error; a merged-away id spares its survivor
                    store.archive(otype, rec)
            return Response(status_code=204)

        base = "/crm/v3/objects/{object_type}/batch/"
        return [guard.route(base + name, handler, ["POST"]) for name, handler in (
            ("read", batch_read), ("create", batch_create), ("update", batch_update), ("upsert", batch_upsert),
            ("archive", batch_archive))]

    def _upsert(self, otype: str, item: dict[str, Any]) -> tuple[Rec, bool]:
        table = self.store.tables[otype]
        raw, id_property, props = str(item.get("id", "")), item.get("idProperty"), item.get("properties")
        if not isinstance(props, dict):
            raise Rejected(400, "VALIDATION_ERROR", "'properties' must be an object", context={"ids": [raw]})
        if id_property == "hs_object_id":
            rec = table.resolve(int(raw)) if raw.isdigit() else None
            if rec is None:
                raise Rejected(404, "OBJECT_NOT_FOUND", f"Object {otype}/{raw} not found; records cannot be created "
                                                        "with a chosen hs_object_id", context={"ids": [raw]})
            return self.store.update(otype, rec, props), False
        if id_property not in table.unique:
            raise Rejected(400, "VALIDATION_ERROR", f"idProperty {id_property!r} is not a unique property of {otype}; "
                                                    f"use one of {['hs_object_id', *table.unique]}",
                           context={"ids": [raw]})
        rec = table.find_unique(id_property, raw)
        if rec is not None:
            return self.store.update(otype, rec, props), False
        return self.store.create(otype, {**props, id_property: raw}), True

    def _written(self, otype: str, rec: Rec, props: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        out = self.render.record(otype, rec, select_properties(self.store.schemas[otype], props.keys()))
        if item.get("objectWriteTraceId") is not None:
            out["objectWriteTraceId"] = str(item["objectWriteTraceId"])
        return out
