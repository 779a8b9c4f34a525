"""The Starlette face of the Web API: bearer check, service protection, dispatch, ``$batch``, response headers.

Every request under ``/api/data/v9.2/`` lands in ``web_api``, which names itself after the operation it resolves to
(``scope["endpoint"]``), so the shared middleware counts ``retrieve_multiple``, ``upsert``, ``execute_batch``... Writes
run in a store transaction, so a request that fails half-way leaves nothing behind, as on the platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from sandbox.dynamics import batch, errors, router
from sandbox.dynamics.auth import EntraId, Unauthorized
from sandbox.dynamics.limits import ServiceProtection
from sandbox.dynamics.messages import API_PREFIX, ApiRequest, ApiResponse, error_response
from sandbox.dynamics.services import Services

UNEXPECTED = "0x80040216"


def execute_batch(svc: Services, req: ApiRequest) -> ApiResponse:
    items = batch.parse_batch(req.body, req.headers.get("content-type", ""))
    return batch.execute_batch_items(req, items, store=svc.store, execute=lambda sub: execute(svc, sub))


def execute(svc: Services, req: ApiRequest) -> ApiResponse:
    """One request (top level or inside a batch), all-or-nothing for writes."""
    if req.method == "GET":
        return router.dispatch(svc, req)[1]
    try:
        with svc.store.transaction():
            response = router.dispatch(svc, req)[1]
            if response.status >= 400:
                raise _Failed(response)
    except _Failed as failed:
        return failed.response
    return response


class _Failed(Exception):
    """Carries an error response out of a transaction so its writes roll back."""

    def __init__(self, response: ApiResponse) -> None:
        super().__init__(response.status)
        self.response = response


def build_web_api(
    *, svc: Services, entra: EntraId, protection: ServiceProtection,
) -> Callable[[Request], Awaitable[Response]]:
    async def web_api(request: Request) -> Response:
        base = f"{request.url.scheme}://{request.url.netloc}"
        path = request.scope["path"][len(API_PREFIX):] if request.scope["path"].startswith(API_PREFIX) else ""
        query = request.url.query
        if path == "$batch":
            request.scope["endpoint"] = execute_batch
        else:
            with contextlib.suppress(errors.DataverseError):  # reported after authentication, as the service does
                request.scope["endpoint"] = router.resolve(svc.store.catalog, request.method, path, query)[0]
        try:
            user = entra.authenticate(request.headers.get("authorization"), base)
        except Unauthorized as exc:
            return Response(status_code=401, headers={"WWW-Authenticate": entra.challenge(exc, base)})
        request_id = str(uuid.uuid4())
        try:
            protection.admit(user)
        except errors.DataverseError as exc:
            return _to_starlette(error_response(exc), request_id, protection.headers(user))
        started = time.perf_counter()
        try:
            req = ApiRequest(
                method=request.method, path=path, query=query,
                headers={k.lower(): v for k, v in request.headers.items()}, body=await request.body(), base=base,
                user=user, prefer=request.headers.getlist("prefer"),
            )
            if protection.limits.latency_ms:
                await asyncio.sleep(protection.limits.latency_ms / 1000)
            response = _run(svc, req, path)
        finally:
            protection.finish(user, (time.perf_counter() - started) * 1000)  # the simulated latency included
        return _to_starlette(response, request_id, protection.headers(user))

    return web_api


def _run(svc: Services, req: ApiRequest, path: str) -> ApiResponse:
    try:
        if path == "$batch":
            if req.method != "POST":
                raise errors.DataverseError(405, errors.ODATA, "The requested resource does not support http "
                                                               f"method '{req.method}'.")
            return execute_batch(svc, req)
        return execute(svc, req)
    except errors.DataverseError as exc:
        return error_response(exc)
    except Exception:  # a sandbox bug: answer like the platform's generic failure, and say so in the log
        traceback.print_exc(file=sys.stderr)
        return error_response(errors.DataverseError(500, UNEXPECTED, "An unexpected error occurred."))


def _to_starlette(response: ApiResponse, request_id: str, rate_headers: dict[str, str]) -> Response:
    headers = {"OData-Version": "4.0", "REQ_ID": request_id, "x-ms-service-request-id": request_id,
               "Cache-Control": "no-cache", **rate_headers, **response.headers}
    return Response(content=response.payload(), status_code=response.status, headers=headers,
                    media_type=response.media_type())
