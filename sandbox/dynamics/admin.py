"""The admin surface every sandbox shares, plus what Dataverse needs (change tracking, limits, credentials).

Objects are entity sets (``accounts``, ``contacts``, ... and ``activitypointers``, the union of the activities);
logical names (``account``) are accepted too. Edits go through the same rules as API writes, stamped with a sales
user's id, so they bump ``modifiedon`` and ``versionnumber`` and show up in change tracking like a person's edits.
Delete modes: ``hard`` (default; what the UI's delete does: cascades, and a ``$deletedEntity`` for change tracking)
and ``purge`` (the row vanishes with no change-tracking trace, like a tombstone aged out of retention); Dataverse
has no recycle bin, so ``soft`` is refused.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sandbox.dynamics import errors, payload
from sandbox.dynamics.admin_edits import Creator, edit_values
from sandbox.dynamics.auth import EntraId
from sandbox.dynamics.limits import ServiceProtection
from sandbox.dynamics.query_options import Preferences
from sandbox.dynamics.schema import COMPANY_KEY, PERSON_KEY, Table, type_column
from sandbox.dynamics.services import Services
from sandbox.dynamics.store import Store, id_of
from sandbox.dynamics.values import iso


def _table(store: Store, name: str) -> Table:
    table = store.catalog.named(name)
    if table is None:
        raise errors.DataverseError(404, "not_found", f"unknown object {name!r}; see /_admin/objects")
    return table


def _fail(exc: errors.DataverseError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status)


def admin_routes(*, svc: Services, entra: EntraId, protection: ServiceProtection, creator: Creator) -> list[Route]:
    store, records = svc.store, svc.records
    actor = svc.org.sales_users[0]

    def render(table: Table, row: list[Any]) -> dict[str, Any]:
        return svc.renderer.record(table, row, list(table.attrs), Preferences(), [])

    async def objects(_: Request) -> JSONResponse:
        return JSONResponse({"objects": [t.entity_set for t in store.catalog.tables()]})

    async def truth(request: Request) -> JSONResponse:
        try:
            table = _table(store, request.path_params["object"])
        except errors.DataverseError as exc:
            return _fail(exc)
        st = store.state(table.logical)
        out: dict[str, Any] = {"object": table.entity_set, "count": len(st.rows), "deleted_count": len(st.deleted)}
        if request.query_params.get("ids") == "true":
            out["ids"] = [id_of(k) for k in st.pk]
            out["deleted_ids"] = sorted(st.deleted)
        return JSONResponse(out)

    async def truth_record(request: Request) -> JSONResponse:
        try:
            table = _table(store, request.path_params["object"])
        except errors.DataverseError as exc:
            return _fail(exc)
        record_id = request.path_params["id"].lower()
        st = store.state(table.logical)
        row, tomb = st.rows.get(record_id), st.deleted.get(record_id)
        if row is None and tomb is None:
            return JSONResponse({"error": f"no {table.logical} {record_id}"}, status_code=404)
        shown = row if row is not None else tomb.row if tomb is not None else []
        flags = {
            "deleted": row is None, "deleted_on": iso(tomb.at) if tomb and row is None else None,
            "delete_tracked": tomb.tracked if tomb and row is None else None,
            "person_key": shown[table.col[PERSON_KEY]], "company_key": shown[table.col[COMPANY_KEY]],
            "lookup_types": {a.prop: shown[table.col[type_column(a.name)]] for a in table.attrs if a.is_lookup},
        }
        return JSONResponse({**render(table, shown), "_sandbox": flags})

    async def create_record(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            table = _table(store, request.path_params["object"])
            values, record_id = payload.translate(table, body.get("fields", {}), store=store, creating=True,
                                                  content_ids={})
            if body.get("person_key") is not None:
                values[PERSON_KEY] = int(body["person_key"])
            with store.transaction():
                row = records.create(table.logical, values, user=actor, record_id=record_id)
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse(render(table, row), status_code=201)

    async def edit_record(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            table = _table(store, request.path_params["object"])
            values, _ = payload.translate(table, body.get("fields", {}), store=store, creating=False, content_ids={})
            with store.transaction():
                row = records.update(table.logical, request.path_params["id"], values, user=actor)
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse(render(table, row))

    async def delete_record(request: Request) -> JSONResponse:
        mode = request.query_params.get("mode", "hard")
        if mode not in ("hard", "purge"):
            return JSONResponse({"error": f"mode {mode!r} is not supported: Dataverse has no recycle bin; use "
                                          "hard (tracked) or purge (untracked)"}, status_code=400)
        try:
            table = _table(store, request.path_params["object"])
            with store.transaction():
                gone = records.delete(table.logical, request.path_params["id"], tracked=mode == "hard")
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse({"mode": mode, "deleted": [[store.catalog[t].entity_set, i] for t, i in gone]})

    async def bulk_touch(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            table = _table(store, request.path_params["object"])
            count = int(body.get("count", 0))
            values, _ = payload.translate(table, body.get("fields") or {}, store=store, creating=False,
                                          content_ids={})
            moment = svc.now_s()
            ids = [id_of(k) for k in store.state(table.logical).pk.islice(0, count)]
            with store.transaction():
                for record_id in ids:
                    records.update(table.logical, record_id, values, user=actor, at=moment)
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse({"timestamp": iso(moment), "ids": ids})

    async def random_edits(request: Request) -> JSONResponse:
        body = await request.json()
        try:
            table = _table(store, request.path_params["object"])
            rnd = random.Random(f"admin:{body.get('seed', 0)}:{table.logical}")
            if table.read_only:
                raise records_error(table)
            if int(body.get("edits", 0)) and table.intersect:
                raise errors.DataverseError(400, errors.NOT_SUPPORTED, f"rows of {table.entity_set} are associations: "
                                            "they are created (associate) and deleted (disassociate), never edited")
            live = sorted(store.state(table.logical).rows)
            edit_n, delete_n = int(body.get("edits", 0)), int(body.get("deletes", 0))
            chosen = rnd.sample(live, min(len(live), edit_n + delete_n))
            edited, deleted, created = chosen[:edit_n], chosen[edit_n:], []
            with store.transaction():
                for record_id in edited:
                    records.update(table.logical, record_id, edit_values(table, rnd), user=actor)
                for record_id in deleted:
                    if store.get(table.logical, record_id) is not None:  # a cascade may have taken it already
                        records.delete(table.logical, record_id)
                for _ in range(int(body.get("creates", 0))):
                    row = records.create(table.logical, creator.values(table, rnd), user=actor)
                    created.append(row[table.col[table.primary_id]])
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse({"edited": edited, "deleted": deleted, "created": created})

    async def identities(request: Request) -> JSONResponse:
        try:
            table = _table(store, request.query_params.get("object", ""))
        except errors.DataverseError as exc:
            return _fail(exc)
        st = store.state(table.logical)
        person_col, company_col = table.col[PERSON_KEY], table.col[COMPANY_KEY]
        out = []
        for key in st.pk:
            row = st.rows[id_of(key)]
            if row[person_col] is not None:
                out.append({"person_key": row[person_col], "id": row[st.i_pk]})
            elif row[company_col] is not None:
                out.append({"company_key": row[company_col], "id": row[st.i_pk]})
        return JSONResponse(out)

    async def change_tracking(request: Request) -> JSONResponse:
        tracker = svc.tracker
        if request.method == "POST":
            tracker.expire_all()
        return JSONResponse({"tracked": sorted(tracker.tracked), "retention_s": tracker.retention_s,
                             "min_valid_version": tracker.min_valid_version, "version": store.version})

    async def credentials(_: Request) -> JSONResponse:
        s = svc.settings
        return JSONResponse({"tenant_id": s.tenant_id, "client_id": s.client_id, "client_secret": s.client_secret,
                             "token_ttl_s": s.token_ttl_s, "tokens_issued": entra.issued,
                             "application_user_id": svc.org.app_user})

    async def limits(request: Request) -> JSONResponse:
        if request.method == "DELETE":
            protection.reset()
        elif request.method == "PUT":
            try:
                protection.configure(await request.json())
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({**asdict(protection.limits), "usage": protection.usage()})

    async def saves(request: Request) -> JSONResponse:
        try:
            table = _table(store, request.path_params["object"])
        except errors.DataverseError as exc:
            return _fail(exc)
        return JSONResponse({rid: n for (logical, rid), n in store.saves.items() if logical == table.logical and n})

    return [
        Route("/_admin/objects", objects, methods=["GET"]),
        Route("/_admin/truth/{object}", truth, methods=["GET"]),
        Route("/_admin/truth/{object}/{id}", truth_record, methods=["GET"]),
        Route("/_admin/records/{object}", create_record, methods=["POST"]),
        Route("/_admin/records/{object}/{id}", edit_record, methods=["PATCH"]),
        Route("/_admin/records/{object}/{id}", delete_record, methods=["DELETE"]),
        Route("/_admin/bulk_touch/{object}", bulk_touch, methods=["POST"]),
        Route("/_admin/random_edits/{object}", random_edits, methods=["POST"]),
        Route("/_admin/identities", identities, methods=["GET"]),
        Route("/_admin/change_tracking", change_tracking, methods=["GET"]),
        Route("/_admin/change_tracking/expire", change_tracking, methods=["POST"]),
        Route("/_admin/credentials", credentials, methods=["GET"]),
        Route("/_admin/limits", limits, methods=["GET", "PUT", "DELETE"]),
        Route("/_admin/saves/{object}", saves, methods=["GET"]),
    ]


def records_error(table: Table) -> errors.DataverseError:
    return errors.DataverseError(400, errors.NOT_SUPPORTED, f"{table.entity_set} is a read-only view; edit the "
                                                            "activity tables instead")
