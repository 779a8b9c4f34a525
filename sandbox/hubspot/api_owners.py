"""``/crm/v3/owners`` (limit ≤ 500, after, archived, email) and ``/account-info/v3`` (portal details, API usage)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.limits import RateLimits
from sandbox.hubspot.settings import Settings
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import DAY_MS, iso
from sandbox.hubspot.web import Guard, bool_param, decode_after, encode_after, int_param


@dataclass(frozen=True, slots=True)
class OwnersApi:
    store: Store
    settings: Settings
    limits: RateLimits

    def routes(self, guard: Guard) -> list[Route]:
        store, settings = self.store, self.settings

        async def list_owners(request: Request) -> Response:
            q = request.query_params
            limit = int_param(q.get("limit"), name="limit", default=100, minimum=1, maximum=500)
            archived = bool_param(q.get("archived"))
            owners = [o for o in store.owners if o.archived == archived
                      and (not q.get("email") or o.email == q["email"].strip().lower())]
            start = decode_after(q.get("after"))
            body: dict[str, object] = {"results": [o.to_json() for o in owners[start:start + limit]]}
            if start + limit < len(owners):
                token = encode_after(start + limit)
                body["paging"] = {"next": {"after": token,
                                           "link": str(request.url.include_query_params(after=token))}}
            return JSONResponse(body)

        async def get_owner(request: Request) -> Response:
            owner_id = request.path_params["owner_id"]
            for owner in store.owners:
                if owner.id == owner_id:
                    return JSONResponse(owner.to_json())
            raise ApiError(404, f"Owner {owner_id} not found", "OBJECT_NOT_FOUND")

        async def account_details(request: Request) -> Response:
            return JSONResponse({
                "portalId": settings.portal_id, "accountType": "STANDARD", "timeZone": "Etc/UTC",
                "companyCurrency": "USD", "additionalCurrencies": ["EUR", "GBP", "CAD", "AUD"],
                "utcOffset": "+00:00", "utcOffsetMilliseconds": 0, "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            })

        async def api_usage_daily(request: Request) -> Response:
            now = store.now_ms()
            return JSONResponse({"results": [{
                "name": "api-calls-daily", "usageLimit": settings.daily_limit,
                "currentUsage": self.limits.used_today(), "collectedAt": iso(now), "fetchStatus": "SUCCESS",
                "resetsAt": iso(now - now % DAY_MS + DAY_MS),
            }]})

        return [
            guard.route("/crm/v3/owners", list_owners, ["GET"]),
            # hubspot-api-client asks for /crm/v3/owners/ — HubSpot answers both, without a redirect.
            guard.route("/crm/v3/owners/", list_owners, ["GET"]),
            guard.route("/crm/v3/owners/{owner_id}", get_owner, ["GET"]),
            guard.route("/account-info/v3/details", account_details, ["GET"]),
            guard.route("/account-info/v3/api-usage/daily/private-apps", api_usage_daily, ["GET"]),
        ]
