"""Every Marketo call goes through here: httpx as transport, the envelope's ``success`` checked, one retry table,
one rate limiter and one concurrency gate per connection, and the daily quota read from ``stats/usage.json``.

Marketo answers errors as HTTP 200 with ``{"success": false, "errors": [{"code": "606", ...}]}``: a body is only
a result once ``success`` is true.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from pyrate_limiter import Duration, Limiter, Rate

from connectors.base import ApiUsage
from connectors.http.budget import Budget
from connectors.http.jsonbody import loads
from connectors.http.redact import Redactor
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, RetrySettings, run_with_policy
from connectors.http.tls import Endpoint
from connectors.marketo.auth import IdentityTokens
from connectors.marketo.objects import MAX_GET_URI

T = TypeVar("T")  # what one call returns, through the retry policy

USAGE_REFRESH_CALLS = 500  # re-read stats/usage.json this often; in between, count our own calls
# Marketo's own codes (errors under HTTP 200 in the envelope, codes as strings): the client fills them into
# whatever table it is given.
MARKETO_CODES: dict[tuple[str, ...], Action] = {
    ("code", "601"): Action.REFRESH_TOKEN_THEN_RETRY,  # access token invalid
    ("code", "602"): Action.REFRESH_TOKEN_THEN_RETRY,  # access token expired
    ("code", "604"): Action.RETRY,  # request timed out
    ("code", "606"): Action.RATE_LIMITED,  # 100 calls / 20 s
    ("code", "607"): Action.BUDGET_EXHAUSTED,  # daily quota: waiting minutes will not clear it
    ("code", "608"): Action.RETRY,  # API temporarily unavailable
    ("code", "611"): Action.RETRY,  # system error
    # 614 "Invalid Subscription": Marketo documents it as "usually indicates temporary inaccessibility".
    ("code", "614"): Action.RETRY,
    ("code", "615"): Action.RATE_LIMITED,  # 10 concurrent calls
    ("code", "713"): Action.RETRY,  # transient error
    ("code", "1003"): Action.FAIL,  # invalid value or paging token
    ("code", "1004"): Action.FAIL,  # lead not found
    ("code", "1006"): Action.FAIL,  # field not found
    ("code", "1029"): Action.FAIL,  # export queue full or the day's export allowance spent
    ("code", "1035"): Action.FAIL,  # updatedAt export filter not enabled: the reader falls back to createdAt
}
MARKETO_TABLE: dict[tuple[str, ...], Action] = {**DEFAULT_TABLE, **MARKETO_CODES}


class EnvelopeError(Exception):
    """Internal: ``success: false``; ``classify`` turns it into a table lookup by code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


class HttpStatusError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.text = status, text


class MarketoClient:
    def __init__(self, *, connection: str, base_url: str, http: httpx.Client, tokens: IdentityTokens,
                 budget: Budget, redactor: Redactor, daily_quota: int, retry: RetrySettings | None = None,
                 rate_limit: int = 100, rate_window_s: int = 20, max_concurrency: int = 10,
                 ca_bundle: str | None = None) -> None:
        self.connection = connection
        self.base = base_url.rstrip("/")
        self._endpoint = Endpoint(self.base, ca_bundle)
        self._http, self._tokens, self._budget, self._redact = http, tokens, budget, redactor
        settings = retry or RetrySettings(table=dict(MARKETO_TABLE), rate_limit_wait=float(rate_window_s))
        self._retry = replace(settings, table={**MARKETO_CODES, **settings.table})
        # One limiter and one gate for every call of this connection, bulk and REST alike (Marketo counts both).
        self._limiter = Limiter(Rate(rate_limit, Duration.SECOND * rate_window_s))
        self._gate = threading.BoundedSemaphore(max_concurrency)
        self._quota = daily_quota
        self._used_at_read: int | None = None
        self._calls_at_read = 0
        self._usage_lock = threading.Lock()

    @property
    def usage(self) -> ApiUsage:
        return self._budget.usage

    @property
    def token_fetches(self) -> int:
        return self._tokens.fetches

    @property
    def calls(self) -> int:
        return self._budget.usage.calls

    # --- the verbs ----------------------------------------------------------------------------------------------
    def get(self, path: str, params: Mapping[str, Any] | None = None, *, obj: str) -> dict[str, Any]:
        """A GET; one whose URI would pass Marketo's 8 KB limit goes as POST ``?_method=GET`` with a form body."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if len(self.base) + len(path) + len(urlencode(query)) + 1 > MAX_GET_URI:
            return self._envelope(obj, lambda h: self._http.post(f"{self.base}{path}", params={"_method": "GET"},
                                                                 data=query, headers=h))
        return self._envelope(obj, lambda h: self._http.get(f"{self.base}{path}", params=query, headers=h))

    def post(self, path: str, body: Any, *, obj: str) -> dict[str, Any]:
        return self._envelope(obj, lambda h: self._http.post(f"{self.base}{path}", json=body, headers=h))

    def download(self, path: str, *, obj: str) -> bytes:
        """A bulk file: raw bytes, not an envelope (404 plain text before completion or after 7 days)."""
        def go(headers: dict[str, str]) -> bytes:
            resp = self._http.get(f"{self.base}{path}", headers=headers)
            if resp.status_code != 200:
                raise HttpStatusError(resp.status_code, resp.text[:300])
            if resp.headers.get("content-type", "").startswith("application/json"):
                _check(loads(resp.content))  # an error envelope instead of a file (a token or rate error)
            return resp.content

        return self._call(obj, go)

    def close(self) -> None:
        self._http.close()

    # --- plumbing ---------------------------------------------------------------------------------------------
    def _envelope(self, obj: str, send: Callable[[dict[str, str]], httpx.Response]) -> dict[str, Any]:
        def go(headers: dict[str, str]) -> dict[str, Any]:
            resp = send(headers)
            if resp.status_code != 200:
                raise HttpStatusError(resp.status_code, resp.text[:300])
            return _check(loads(resp.content))

        return self._call(obj, go)

    def _call(self, obj: str, go: Callable[[dict[str, str]], T], *, observe: bool = True) -> T:
        if observe:
            self._observe_usage(obj)

        used: list[str] = []

        def once() -> T:
            used.append(self._tokens.token())
            self._budget.spend()
            self._limiter.try_acquire("marketo")
            with self._gate:
                return go({"Authorization": f"Bearer {used[-1]}"})

        def refresh() -> None:  # threads refused the same token renew it once, not once each
            self._tokens.refresh(stale=used[-1] if used else None)

        return run_with_policy(once, settings=self._retry, classify=self._classify, refresh=refresh,
                               context={"connection": self.connection, "object": obj}, endpoint=self._endpoint)

    def _observe_usage(self, obj: str) -> None:
        """The daily quota: read from ``stats/usage.json`` at the first call and every few hundred after it;
        in between, our own calls are added to the figure read."""
        if self._used_at_read is None or self.calls - self._calls_at_read >= USAGE_REFRESH_CALLS:
            def go(headers: dict[str, str]) -> dict[str, Any]:
                resp = self._http.get(f"{self.base}/rest/v1/stats/usage.json", headers=headers)
                if resp.status_code != 200:
                    raise HttpStatusError(resp.status_code, resp.text[:300])
                return _check(loads(resp.content))

            body = self._call(obj, go, observe=False)
            with self._usage_lock:
                self._used_at_read = int(((body.get("result") or [{}])[0]).get("total", 0))
                self._calls_at_read = self.calls
        used = (self._used_at_read or 0) + self.calls - self._calls_at_read
        self._budget.observe(daily_limit=self._quota, daily_remaining=max(0, self._quota - used))

    def _classify(self, exc: BaseException) -> Failure | None:
        if isinstance(exc, EnvelopeError):
            # 606: the 20-second window must roll on; 615: a slot frees as soon as one of the 10 calls ends.
            slow = self._retry.rate_limit_wait
            wait = slow if exc.code == "606" else min(1.0, slow) if exc.code == "615" else None
            return Failure(code=exc.code, retry_after=wait,
                           message=self._redact(f"Marketo error {exc.code}: {exc.message}")[:500])
        if isinstance(exc, HttpStatusError):
            return Failure(status=exc.status, message=self._redact(f"HTTP {exc.status}: {exc.text}")[:500])
        if isinstance(exc, httpx.TransportError):
            return Failure(network=True, message=self._redact(f"{type(exc).__name__}: {exc}")[:300])
        if isinstance(exc, json.JSONDecodeError):  # a proxy's error page instead of an envelope: worth a retry
            return Failure(status=502, message=f"Marketo answered something that is not JSON: {exc}"[:300])
        return None


def _check(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise EnvelopeError("611", "response is not a Marketo envelope")
    if not body.get("success", False):
        errors = body.get("errors") or [{"code": "611", "message": "success is false and no error was given"}]
        first = errors[0]
        raise EnvelopeError(str(first.get("code", "")), str(first.get("message", "")))
    return body
