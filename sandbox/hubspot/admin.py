"""The HubSpot sandbox's admin routes (never counted as API calls): ground truth, person-like edits, merges,
deletes (``mode=soft`` archives; ``hard`` and ``purge`` remove the record completely, as a GDPR delete does) and
mass updates. Admin errors are ``{"error": ...}``: they are the harness's, not HubSpot's."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.admin_edits import PersonEdits
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.render import Renderer
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.store import Rejected, Store
from sandbox.hubspot.timefmt import iso
from sandbox.hubspot.validation import check_properties, problems_message

DELETE_MODES = ("soft", "hard", "purge")


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# Read through their own APIs, not the objects API: the owners list, deal pipelines' stages, and deals' contacts
# (a pair's id is "<deal id>_<contact id>", as crmhub's HubSpot connector names them).
LISTED = ("owners", "deal_stages", "deal_contact_roles")


def _object(request: Request, store: Store, *, listed_ok: bool = False) -> str:
    """The sandbox key of the object a route names (any name the API accepts: ``p_channel_partner`` too)."""
    name = request.path_params.get("object") or request.query_params.get("object") or ""
    if listed_ok and name in LISTED:
        return name
    resolved = store.types.resolve(name)
    if resolved is not None:
        return resolved
    raise AdminError(404, f"unknown object {name!r}; objects: {', '.join(store.types.names)}")


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json() if await request.body() else {}
    except ValueError as exc:
        raise AdminError(400, f"invalid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise AdminError(400, "expected a JSON object")
    return body


def _handled(handler: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except AdminError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except Rejected as exc:
            return JSONResponse({"error": exc.message, "detail": exc.entry()}, status_code=exc.status)
        except ApiError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        except (ValueError, TypeError, KeyError) as exc:
            return JSONResponse({"error": f"bad request: {exc!r}"}, status_code=400)

    endpoint.__name__ = handler.__name__
    return endpoint


@dataclass(frozen=True, slots=True)
class AdminApi:
    store: Store
    render: Renderer
    edits: PersonEdits
    settings: Settings

    def _rec(self, otype: str, raw: str) -> Any:
        rec = self.store.tables[otype].recs.get(int(raw)) if raw.isdigit() else None
        if rec is None:
            raise AdminError(404, f"{otype}/{raw} does not exist")
        return rec

    def truth(self, otype: str, with_ids: bool) -> dict[str, Any]:
        if otype in ("deal_stages", "deal_contact_roles"):
            ids = self.store.pipelines.stage_ids("deals") if otype == "deal_stages" else self._contact_pairs()
            out_stages: dict[str, Any] = {"object": otype, "count": len(ids), "deleted_count": 0}
            return {**out_stages, "ids": ids, "deleted_ids": []} if with_ids else out_stages
        if otype == "owners":
            live = [o.id for o in self.store.owners if not o.archived]
            gone = [o.id for o in self.store.owners if o.archived]
            out: dict[str, Any] = {"object": otype, "count": len(live), "deleted_count": len(gone)}
            return {**out, "ids": live, "deleted_ids": gone} if with_ids else out
        t = self.store.tables[otype]
        out = {"object": otype, "count": len(t.live),
               "deleted_count": len(t.archived) + len(t.merged) + len(t.purged),
               "archived_count": len(t.archived), "merged_count": len(t.merged), "purged_count": len(t.purged)}
        if with_ids:
            archived, merged, purged = list(t.archived), sorted(t.merged), sorted(t.purged)
            deleted = sorted([*archived, *merged, *purged])
            out.update(ids=[str(i) for i in t.live], deleted_ids=[str(i) for i in deleted],
                       archived_ids=[str(i) for i in archived], merged_ids=[str(i) for i in merged],
                       purged_ids=[str(i) for i in purged])
        return out

    def _contact_pairs(self) -> list[str]:
        deals = self.store.tables["deals"]
        return [f"{d}_{c.to_id}" for d in deals.live
                for c in self.store.assoc.lookup("deals", deals.recs[d], "contacts")]

    def routes(self) -> list[Route]:
        store, render, edits = self.store, self.render, self.edits

        async def objects(request: Request) -> Response:
            return JSONResponse({"objects": [*store.types.names, *LISTED]})

        async def config(request: Request) -> Response:
            s = self.settings
            return JSONResponse({f: getattr(s, f) for f in s.__dataclass_fields__})

        async def truth(request: Request) -> Response:
            otype = _object(request, store, listed_ok=True)
            return JSONResponse(self.truth(otype, request.query_params.get("ids", "").lower() == "true"))

        async def truth_record(request: Request) -> Response:
            otype = _object(request, store)
            raw = request.path_params["id"]
            table = store.tables[otype]
            if raw.isdigit() and int(raw) in table.purged:
                raise AdminError(404, f"{otype}/{raw} was purged at {iso(table.purged[int(raw)])}")
            rec = self._rec(otype, raw)
            out = render.record(otype, rec, tuple(store.schemas[otype].props))
            out["flags"] = {
                "live": rec.live, "archived": rec.archived_at is not None,
                "archivedAt": iso(rec.archived_at) if rec.archived_at is not None else None,
                "merged_into": str(rec.merged_into) if rec.merged_into is not None else None,
                "person_key": rec.person if rec.person >= 0 else None,
                "associations": render.associations(otype, rec, store.types.names),
            }
            return JSONResponse(out)

        async def create_record(request: Request) -> Response:
            otype = _object(request, store)
            body = await _body(request)
            rec = store.create(otype, body.get("fields") or {}, associations=body.get("associations"))
            return JSONResponse(render.record(otype, rec, tuple(store.schemas[otype].props)), status_code=201)

        async def edit_record(request: Request) -> Response:
            otype = _object(request, store)
            rec = store.tables[otype].resolve(int(request.path_params["id"])) \
                if request.path_params["id"].isdigit() else None
            if rec is None:
                raise AdminError(404, f"{otype}/{request.path_params['id']} is not a live record")
            store.update(otype, rec, (await _body(request)).get("fields") or {})
            return JSONResponse(render.record(otype, rec, tuple(store.schemas[otype].props)))

        async def delete_record(request: Request) -> Response:
            otype = _object(request, store)
            mode = request.query_params.get("mode", "soft")
            if mode not in DELETE_MODES:
                raise AdminError(400, f"mode must be one of {', '.join(DELETE_MODES)}")
            rec = self._rec(otype, request.path_params["id"])
            if mode == "soft":
                if not rec.live:
                    raise AdminError(409, f"{otype}/{rec.id} is not live")
                store.archive(otype, rec)
            else:
                store.purge(otype, rec)
            return JSONResponse({"id": str(rec.id), "mode": mode})

        async def merge(request: Request) -> Response:
            otype = _object(request, store)
            body = await _body(request)
            primary = store.merge(otype, int(str(body.get("primary"))), int(str(body.get("merged"))))
            return JSONResponse(render.record(otype, primary, tuple(store.schemas[otype].props)))

        async def bulk_touch(request: Request) -> Response:
            otype = _object(request, store)
            body = await _body(request)
            count = int(body.get("count", 0))
            clean, problems = check_properties(store.schemas[otype], body.get("fields") or {}, creating=False)
            if problems:
                raise AdminError(400, problems_message(problems))
            if any(name in store.tables[otype].unique for name in clean):
                raise AdminError(400, "bulk_touch cannot set a unique property on many records")
            table = store.tables[otype]
            recs = [table.recs[i] for i in table.live.islice(0, count)]
            when = store.now_ms()
            store.touch_many(otype, recs, clean, when)
            return JSONResponse({"timestamp": iso(when), "count": len(recs), "ids": [str(r.id) for r in recs]})

        async def random_edits(request: Request) -> Response:
            otype = _object(request, store)
            body = await _body(request)
            rnd = random.Random(f"{body.get('seed', 1)}:{otype}:random-edits")
            table = store.tables[otype]
            n_edits, n_deletes = int(body.get("edits", 0)), int(body.get("deletes", 0))
            picked = rnd.sample(range(len(table.live)), min(len(table.live), n_edits + n_deletes))
            chosen = [table.recs[table.live[i]] for i in picked]
            edited, deleted = [], []
            for rec in chosen[:n_edits]:
                store.update(otype, rec, edits.edit_fields(otype, rec, rnd))
                edited.append(str(rec.id))
            for rec in chosen[n_edits:]:
                store.archive(otype, rec)
                deleted.append(str(rec.id))
            created = [str(r.id) for r in edits.create_many(otype, rnd, int(body.get("creates", 0)))]
            return JSONResponse({"edited": edited, "deleted": deleted, "created": created})

        async def identities(request: Request) -> Response:
            otype = _object(request, store)
            table = store.tables[otype]
            field = "company_key" if otype == "companies" else "person_key"
            if otype not in ("contacts", "companies"):
                return JSONResponse([])
            return JSONResponse([{field: table.recs[i].person, "id": str(i)} for i in table.live
                                 if table.recs[i].person >= 0])

        async def associate(request: Request) -> Response:
            """A person associates two records (with labels by name), or removes the association (labels: null)."""
            otype = _object(request, store)
            to_type = store.types.resolve(request.path_params["to_object"])
            if to_type is None or not store.assoc.supported(otype, to_type):
                raise AdminError(400, f"{otype} cannot be associated with {request.path_params['to_object']}")
            rec = self._rec(otype, request.path_params["id"])
            body = await _body(request)
            to_id = int(request.path_params["to_id"])
            if body.get("labels") is None:
                return JSONResponse({"removed": store.dissociate(otype, rec, to_type, to_id)})
            types = store.assoc.types
            labels = tuple((types.label_named(otype, to_type, str(n)) or types.add_label(otype, to_type, str(n)))
                           .type_id for n in body["labels"])
            store.associate(otype, rec, to_type, to_id, labels=labels)
            return JSONResponse({"labels": list(body["labels"])})

        async def saves(request: Request) -> Response:
            otype = _object(request, store)
            return JSONResponse({str(rid): n for (kind, rid), n in store.saves.items() if kind == otype})

        return [Route(path, _handled(handler), methods=methods) for path, handler, methods in (
            ("/_admin/objects", objects, ["GET"]),
            ("/_admin/config", config, ["GET"]),
            ("/_admin/truth/{object}", truth, ["GET"]),
            ("/_admin/truth/{object}/{id}", truth_record, ["GET"]),
            ("/_admin/records/{object}", create_record, ["POST"]),
            ("/_admin/records/{object}/{id}", edit_record, ["PATCH"]),
            ("/_admin/records/{object}/{id}", delete_record, ["DELETE"]),
            ("/_admin/merge/{object}", merge, ["POST"]),
            ("/_admin/bulk_touch/{object}", bulk_touch, ["POST"]),
            ("/_admin/random_edits/{object}", random_edits, ["POST"]),
            ("/_admin/identities", identities, ["GET"]),
            ("/_admin/saves/{object}", saves, ["GET"]),
            ("/_admin/associations/{object}/{id}/{to_object}/{to_id}", associate, ["PUT"]),
        )]
