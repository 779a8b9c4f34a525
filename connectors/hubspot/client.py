"""Every HubSpot call goes through here: hubspot-api-client as transport, raw JSON back, one retry table, the budget.

The generated client's model objects cost more than the sync itself at volume, so calls ask for the raw urllib3
response (``_preload_content=False``) and parse JSON once. The usage headers feed the budget on every response.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from hubspot import HubSpot
from hubspot.crm.objects.exceptions import ApiException
from pyrate_limiter import Duration, Limiter, Rate
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.retry import Retry

from connectors.base import ApiUsage
from connectors.http.budget import Budget
from connectors.http.jsonbody import loads
from connectors.http.redact import Redactor
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, RetrySettings, run_with_policy
from connectors.http.tls import Endpoint

# 429 bodies name their policy: the daily one will not clear by waiting a few seconds.
HUBSPOT_TABLE = {**DEFAULT_TABLE, ("code", "DAILY"): Action.BUDGET_EXHAUSTED}


class TokenSource(Protocol):
    refreshable: bool

    def token(self) -> str: ...

    def refresh(self) -> None: ...


class HubSpotClient:
    def __init__(self, *, connection: str, base_url: str, ca_bundle: str | None, tokens: TokenSource,
                 budget: Budget, redactor: Redactor, timeout: float = 60.0,
                 retry: RetrySettings | None = None, search_per_second: int = 5) -> None:
        self.connection = connection
        self._tokens, self._budget, self._redact = tokens, budget, redactor
        self._timeout = timeout
        self._retry = retry or RetrySettings(table=HUBSPOT_TABLE)
        self._search_limiter = Limiter(Rate(search_per_second, Duration.SECOND))
        self._window_lock = threading.Lock()
        self._endpoint = Endpoint(base_url.rstrip("/"), ca_bundle)
        self._current_token = ""  # fetched on the first call, not here: building a connector makes no request
        self._sdk = HubSpot(access_token=self._current_token, host=base_url.rstrip("/"), ssl_ca_cert=ca_bundle,
                            retry=Retry(total=0, raise_on_status=False))  # retries are ours: one table, not two
        crm = self._sdk.crm
        # Each property access builds a new ApiClient and connection pool: take each API once.
        self._basic, self._search, self._batch = crm.objects.basic_api, crm.objects.search_api, crm.objects.batch_api
        self._props, self._owners = crm.properties.core_api, crm.owners.owners_api
        self._assoc = crm.associations.v4.batch_api
        self._pipelines, self._schemas = crm.pipelines.pipelines_api, crm.schemas.core_api
        self._apis = (self._basic, self._search, self._batch, self._props, self._owners, self._assoc, self._pipelines,
                      self._schemas)

    @property
    def usage(self) -> ApiUsage:
        return self._budget.usage

    @property
    def calls(self) -> int:
        return self._budget.usage.calls

    # --- the endpoints crmhub uses -------------------------------------------------------------------------------
    def list_page(self, object_type: str, *, after: str | None, properties: Sequence[str], archived: bool = False,
                  limit: int = 100) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"limit": limit, "archived": archived, "properties": list(properties)}
        if after:
            kwargs["after"] = after
        return self._call(object_type, lambda: self._basic.get_page(object_type, **kwargs, **self._raw()))[1]

    def search_page(self, object_type: str, body: Mapping[str, Any]) -> dict[str, Any]:
        def go() -> Any:
            self._search_limiter.try_acquire("search")
            return self._search.do_search(object_type, public_object_search_request=dict(body), **self._raw())

        return self._call(object_type, go)[1]

    def batch(self, object_type: str, op: str, inputs: Sequence[Mapping[str, Any]],
              **extra: Any) -> tuple[int, dict[str, Any]]:
        body = {"inputs": list(inputs), **extra}
        method: Callable[..., Any] = getattr(self._batch, op)
        param = {"read": "batch_read_input_simple_public_object_id",
                 "update": "batch_input_simple_public_object_batch_input",
                 "upsert": "batch_input_simple_public_object_batch_input_upsert",
                 "create": "batch_input_simple_public_object_batch_input_for_create",
                 "archive": "batch_input_simple_public_object_id"}[op]
        return self._call(object_type, lambda: method(object_type, **{param: body}, **self._raw()))

    def properties(self, object_type: str) -> dict[str, Any]:
        return self._call(object_type, lambda: self._props.get_all(object_type, **self._raw()))[1]

    def create_property(self, object_type: str, definition: Mapping[str, Any]) -> dict[str, Any]:
        return self._call(object_type, lambda: self._props.create(object_type, property_create=dict(definition),
                                                                  **self._raw()))[1]

    def owners_page(self, *, after: str | None, archived: bool, limit: int = 500) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"limit": limit, "archived": archived}
        if after:
            kwargs["after"] = after
        return self._call("owners", lambda: self._owners.get_page(**kwargs, **self._raw()))[1]

    def associations(self, from_type: str, to_type: str, ids: Sequence[str]) -> dict[str, Any]:
        body = {"inputs": [{"id": i} for i in ids]}
        return self._call(from_type, lambda: self._assoc.get_page(
            from_type, to_type, batch_input_public_fetch_associations_batch_request=body, **self._raw()))[1]

    def pipelines(self, object_type: str) -> dict[str, Any]:
        return self._call(object_type, lambda: self._pipelines.get_all(object_type, **self._raw()))[1]

    def schemas(self) -> dict[str, Any]:
        """Every custom object schema of the portal (properties and associations included)."""
        return self._call("schemas", lambda: self._schemas.get_all(archived=False, **self._raw()))[1]

    # --- plumbing --------------------------------------------------------------------------------------------------
    def _raw(self) -> dict[str, Any]:
        return {"_preload_content": False, "_request_timeout": self._timeout}

    def _call(self, object_type: str, call: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
        def once() -> tuple[int, dict[str, Any]]:
            self._use_token(self._tokens.token())  # OAuth tokens renew a minute before they expire
            self._budget.spend()
            resp = call()
            self._observe(resp.headers)
            data = resp.data
            return resp.status, (loads(data) if data else {})

        return run_with_policy(
            once, settings=self._retry, classify=self._classify,
            refresh=self._refresh if getattr(self._tokens, "refreshable", False) else None,
            context={"connection": self.connection, "object": object_type}, endpoint=self._endpoint,
        )

    def _refresh(self) -> None:
        self._tokens.refresh()
        self._use_token(self._tokens.token())

    def _use_token(self, token: str) -> None:
        if token != self._current_token:
            for api in self._apis:
                api.api_client.configuration.access_token = token
            self._current_token = token

    def _observe(self, headers: Mapping[str, str]) -> None:
        daily, left = headers.get("X-HubSpot-RateLimit-Daily"), headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        self._budget.observe(daily_limit=int(daily) if daily else None, daily_remaining=int(left) if left else None)
        remaining, interval = headers.get("X-HubSpot-RateLimit-Remaining"), headers.get(
            "X-HubSpot-RateLimit-Interval-Milliseconds")
        if remaining is not None and interval and int(remaining) <= 1:
            # The rolling window is spent: waiting it out costs less than a 429 and a retry.
            with self._window_lock:
                time.sleep(int(interval) / 1000)

    def _classify(self, exc: BaseException) -> Failure | None:
        # Each HubSpot sub-API has its own ApiException (and subclasses such as UnauthorizedException).
        if isinstance(exc, ApiException) or any(c.__name__ == "ApiException" for c in type(exc).__mro__):
            status = int(getattr(exc, "status", 0) or 0)
            body = getattr(exc, "body", None) or b""
            text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
            try:
                parsed = json.loads(text) if text else {}
            except ValueError:
                parsed = {}
            headers = getattr(exc, "headers", None) or {}
            retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
            message = parsed.get("message") or f"HTTP {status}"
            if status == 401 and not getattr(self._tokens, "refreshable", False):
                message = (f"{message} — the private-app token was refused; create a new one in HubSpot (Settings > "
                           f"Integrations > Private Apps) and update the connection's auth.token")
            return Failure(status=status, code=parsed.get("policyName") or parsed.get("category"),
                           retry_after=float(retry_after) if retry_after else None,
                           message=self._redact(str(message))[:500])
        if isinstance(exc, Urllib3Error | ConnectionError | TimeoutError):
            return Failure(network=True, message=self._redact(f"{type(exc).__name__}: {exc}")[:300])
        return None
