"""Every Web API call goes through here: httpx, a bearer token from msal, one retry table, the budget, the limits.

Service protection is per user over 5 minutes (6,000 requests, 20 minutes of execution time, 52 at once). A
semaphore keeps this connection's requests in flight under the configured bound; the ``x-ms-ratelimit-*`` headers
of every answer are read, and when they run low the client pauses a moment instead of running into a 429. A 429
still happens (other clients share the user) and is retried after its ``Retry-After`` by the shared table.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from connectors.base import ApiUsage
from connectors.dynamics.objects import API_PATH
from connectors.errors import CursorExpired
from connectors.http.budget import Budget
from connectors.http.jsonbody import loads
from connectors.http.redact import Redactor
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, RetrySettings, run_with_policy
from connectors.http.tls import Endpoint

EXPIRED_VERSION_STAMP = "0x80044352"  # ExpiredVersionStamp: "... has expired. Please perform a full sync."
CHANGE_TRACKING_DISABLED = "0x80072491"
# Dataverse's own codes over the shared HTTP rows. Service protection (429 + Retry-After): requests, execution time,
# concurrency per user and 5 minutes. A response over 100 MB fails the same way again: ask for fewer columns or a
# smaller page.
DYNAMICS_TABLE: dict[tuple[str, ...], Action] = {
    **DEFAULT_TABLE,
    ("code", "0x80072322"): Action.RATE_LIMITED,
    ("code", "0x80072321"): Action.RATE_LIMITED,
    ("code", "0x80072326"): Action.RATE_LIMITED,
    ("code", "0x80040216"): Action.FAIL,
}
LOW_REQUESTS = 20  # requests left in the window below which the client slows down
LOW_SECONDS = 20.0  # execution seconds left in the window below which the client slows down


class TokenSource(Protocol):
    refreshable: bool

    def token(self) -> str: ...

    def refresh(self) -> None: ...


class ChangeTrackingDisabled(Exception):
    """The table's ChangeTrackingEnabled is off (0x80072491): read it by modifiedon windows instead."""


class DynamicsClient:
    def __init__(self, *, connection: str, base_url: str, verify: str | bool, tokens: TokenSource, budget: Budget,
                 redactor: Redactor, timeout: float = 60.0, max_concurrency: int = 8,
                 retry: RetrySettings | None = None, low_requests: int = LOW_REQUESTS, pause_s: float = 1.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.connection = connection
        self.api_url = base_url.rstrip("/") + API_PATH
        self._endpoint = Endpoint(base_url.rstrip("/"), verify if isinstance(verify, str) else None)
        self._tokens, self._budget, self._redact = tokens, budget, redactor
        self._retry = retry or RetrySettings(table=DYNAMICS_TABLE)
        self._http = httpx.Client(base_url=self.api_url, verify=verify, timeout=timeout,
                                  limits=httpx.Limits(max_connections=max_concurrency), transport=transport,
                                  headers={"OData-MaxVersion": "4.0", "OData-Version": "4.0",
                                           "Accept": "application/json"})
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self.max_concurrency = max_concurrency
        self.burst_remaining: int | None = None  # x-ms-ratelimit-burst-remaining-xrm-requests
        self.time_remaining: float | None = None  # x-ms-ratelimit-time-remaining-xrm-requests (seconds)
        self.slowdowns = 0
        self._low_requests, self._pause_s = max(low_requests, max_concurrency), pause_s
        self._pace_lock = threading.Lock()

    @property
    def usage(self) -> ApiUsage:
        return self._budget.usage

    @property
    def calls(self) -> int:
        return self._budget.usage.calls

    def get(self, url: str, *, params: Mapping[str, str] | None = None, prefer: str | None = None,
            object: str | None = None) -> dict[str, Any]:
        """A GET on a path under the API root or a full nextLink / deltaLink; the JSON body."""
        headers = {"Prefer": prefer} if prefer else {}
        resp = self._send("GET", url, object=object, params=params, headers=headers)
        body: dict[str, Any] = loads(resp.content)
        return body

    def post_batch(self, body: bytes, boundary: str, *, object: str) -> httpx.Response:
        headers = {"Content-Type": f"multipart/mixed; boundary={boundary}", "Prefer": "odata.continue-on-error",
                   "Accept": "multipart/mixed"}
        return self._send("POST", "$batch", object=object, content=body, headers=headers)

    def close(self) -> None:
        self._http.close()
        closer = getattr(self._tokens, "close", None)
        if closer is not None:
            closer()

    # --- plumbing --------------------------------------------------------------------------------------------------
    def _send(self, method: str, url: str, *, object: str | None, **kwargs: Any) -> httpx.Response:
        def once() -> httpx.Response:
            token = self._tokens.token()
            self._budget.spend()
            self._pace()
            headers = {**kwargs.get("headers", {}), "Authorization": f"Bearer {token}"}
            with self._slots:
                resp = self._http.request(method, url, **{**kwargs, "headers": headers})
            self._observe(resp.headers)
            if resp.status_code >= 400:
                self._raise_special(resp, object)
                resp.raise_for_status()
            return resp

        return run_with_policy(once, settings=self._retry, classify=self._classify,
                               refresh=self._tokens.refresh if self._tokens.refreshable else None,
                               context={"connection": self.connection, "object": object}, endpoint=self._endpoint)

    def _raise_special(self, resp: httpx.Response, object: str | None) -> None:
        """Codes that ask the caller to change course rather than to retry or fail."""
        code, message = _error(resp)
        if code == EXPIRED_VERSION_STAMP:
            raise CursorExpired(f"the change-tracking token expired ({message})", connection=self.connection,
                                object=object, status=resp.status_code)
        if code == CHANGE_TRACKING_DISABLED:
            raise ChangeTrackingDisabled(message)

    def _observe(self, headers: Mapping[str, str]) -> None:
        burst = headers.get("x-ms-ratelimit-burst-remaining-xrm-requests")
        seconds = headers.get("x-ms-ratelimit-time-remaining-xrm-requests")
        if burst is not None:
            self.burst_remaining = int(burst.replace(",", ""))
        if seconds is not None:
            self.time_remaining = float(seconds.replace(",", ""))

    def _pace(self) -> None:
        """Close to the per-user wall, one request at a time with a short pause: the window slides meanwhile."""
        low = (self.burst_remaining is not None and self.burst_remaining <= self._low_requests) \
            or (self.time_remaining is not None and self.time_remaining <= LOW_SECONDS)
        if low:
            with self._pace_lock:  # callers queue here: near the wall, requests go one by one
                self.slowdowns += 1
                time.sleep(self._pause_s)

    def _classify(self, exc: BaseException) -> Failure | None:
        if isinstance(exc, httpx.HTTPStatusError):
            resp = exc.response
            code, message = _error(resp)
            retry_after = resp.headers.get("Retry-After")
            text = f"{message or f'HTTP {resp.status_code}'}" + (f" ({code})" if code else "")
            if resp.status_code == 401:
                text = ("the access token was refused " + text + "; check the app registration's access to the "
                        "environment (an application user with a security role)")
            return Failure(status=resp.status_code, code=code, retry_after=_seconds(retry_after),
                           message=self._redact(text)[:500])
        if isinstance(exc, httpx.TransportError):
            return Failure(network=True, message=self._redact(f"{type(exc).__name__}: {exc}")[:300])
        return None


def _error(resp: httpx.Response) -> tuple[str | None, str]:
    try:
        body = resp.json()
    except (ValueError, json.JSONDecodeError):
        return None, resp.text[:300]
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None, resp.text[:300]
    return (str(err["code"]) if err.get("code") else None), str(err.get("message", ""))[:400]


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None

