"""Every Salesforce call goes through here: simple-salesforce's session and URLs as transport, one retry table,
the budget fed by ``Sforce-Limit-Info`` on every response, a new session when Salesforce says the old one ended."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import requests
from simple_salesforce.api import Salesforce  # the package re-exports it implicitly, which strict mypy refuses

from connectors.base import ApiUsage
from connectors.http.budget import Budget
from connectors.http.jsonbody import response_json
from connectors.http.redact import Redactor
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, RetrySettings, run_with_policy
from connectors.http.tls import Endpoint
from connectors.salesforce.auth import OAuthLogin

# REQUEST_LIMIT_EXCEEDED names two limits: the day's allocation ("TotalRequests Limit exceeded.", a budget stop)
# and the org's 25 long-running requests in flight ("ConcurrentPerOrgLongTxn Limit exceeded.", which clears in
# seconds): the second is told apart by its message and waited out like a 429.
CONCURRENT_LIMIT = "REQUEST_LIMIT_EXCEEDED/concurrent"
# Salesforce's own codes (errorCode of its JSON error list), over the shared HTTP rows.
SALESFORCE_TABLE: dict[tuple[str, ...], Action] = {
    **DEFAULT_TABLE,
    ("code", "INVALID_SESSION_ID"): Action.REFRESH_TOKEN_THEN_RETRY,
    ("code", "REQUEST_LIMIT_EXCEEDED"): Action.BUDGET_EXHAUSTED,  # the daily allocation: waiting will not clear it
    ("code", CONCURRENT_LIMIT): Action.RATE_LIMITED,
    ("code", "SERVER_UNAVAILABLE"): Action.RETRY,
    ("code", "UNABLE_TO_LOCK_ROW"): Action.RETRY,
    ("code", "QUERY_TIMEOUT"): Action.RETRY,
    ("code", "INVALID_QUERY_LOCATOR"): Action.FAIL,  # the reader re-queries from its keyset instead
}


class HttpFailure(Exception):
    """Internal: a response the retry table must judge."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


class SalesforceClient:
    def __init__(self, *, connection: str, login: OAuthLogin, http: requests.Session, budget: Budget,
                 redactor: Redactor, api_version: str, timeout: float, retry: RetrySettings | None = None) -> None:
        self.connection = connection
        self._login, self._http, self._budget, self._redact = login, http, budget, redactor
        self.api_version, self._timeout = api_version, timeout
        self._retry = retry or RetrySettings(table=SALESFORCE_TABLE)
        self._sf: Salesforce | None = None  # built on the first call: building a connector makes no request
        # The first host it meets is the login host; a certificate refused there or at the instance is the same fix.
        self._endpoint = Endpoint(login.token_url.rsplit("/services/", 1)[0],
                                  http.verify if isinstance(http.verify, str) else None)
        self._lock = threading.Lock()

    @property
    def usage(self) -> ApiUsage:
        return self._budget.usage

    @property
    def calls(self) -> int:
        return self._budget.usage.calls

    @property
    def logins(self) -> int:
        return self._login.logins

    # --- the calls ------------------------------------------------------------------------------------------------
    def get_json(self, path: str, *, obj: str | None = None, params: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> Any:
        return response_json(self.request("GET", path, obj=obj, params=params, headers=headers))

    def send_json(self, method: str, path: str, body: Any, *, obj: str | None = None) -> Any:
        resp = self.request(method, path, obj=obj, data=json.dumps(body))
        return response_json(resp) if resp.content else None

    def request(self, method: str, path: str, *, obj: str | None = None, params: Mapping[str, Any] | None = None,
                data: str | bytes | None = None, headers: Mapping[str, str] | None = None) -> requests.Response:
        """``path`` is relative to ``/services/data/vXX.X/`` or absolute from the host (``nextRecordsUrl``)."""
        def once() -> requests.Response:
            sf = self._session()
            self._budget.spend()
            url = f"https://{sf.sf_instance}{path}" if path.startswith("/") else sf.base_url + path
            merged = {**sf.headers, **(headers or {})}
            resp = self._http.request(method, url, params=params, data=data, headers=merged, timeout=self._timeout)
            self._observe(resp.headers)
            if resp.status_code >= 300:
                raise HttpFailure(resp)
            return resp

        return run_with_policy(once, settings=self._retry, classify=self._classify, refresh=self._relogin,
                               context={"connection": self.connection, "object": obj}, endpoint=self._endpoint)

    def url_length(self, path: str, params: Mapping[str, Any]) -> int:
        """What a GET would put on the request line: the limit Salesforce enforces is on this, not the body."""
        prepared = requests.Request("GET", f"https://{self._host()}/services/data/v{self.api_version}/{path}",
                                    params=params).prepare()
        return len(prepared.url or "")

    def close(self) -> None:
        self._http.close()

    # --- plumbing -------------------------------------------------------------------------------------------------
    def _host(self) -> str:
        return self._sf.sf_instance if self._sf is not None else "login.salesforce.com:443"

    def _session(self) -> Salesforce:
        with self._lock:
            if self._sf is None:
                self._connect()
            return self._sf  # type: ignore[return-value]

    def _relogin(self) -> None:
        with self._lock:
            self._connect()

    def _connect(self) -> None:
        session = self._login.login()
        sf = Salesforce(instance_url=session.instance_url, session_id=session.access_token,
                        version=self.api_version, session=self._http)
        sf.headers.pop("X-PrettyPrint", None)  # pretty JSON is a third bigger on the wire
        self._sf = sf

    def _observe(self, headers: Mapping[str, str]) -> None:
        info = headers.get("Sforce-Limit-Info")
        usage = Salesforce.parse_api_usage(info).get("api-usage") if info else None
        if usage is not None:
            self._budget.observe(daily_limit=usage.total, daily_remaining=max(0, usage.total - usage.used))

    def _classify(self, exc: BaseException) -> Failure | None:
        if isinstance(exc, HttpFailure):
            resp = exc.response
            code, message = _error_of(resp)
            retry_after = resp.headers.get("Retry-After")
            text = f"{code}: {message}" if code else message
            if code == "REQUEST_LIMIT_EXCEEDED" and "concurrent" in message.lower():
                code = CONCURRENT_LIMIT
            if code == "INVALID_SESSION_ID" or resp.status_code == 401:
                text += " — Salesforce ended the session and a new login was refused or did not help"
            return Failure(status=resp.status_code, code=code, message=self._redact(text)[:600],
                           retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
        # A connection reset after the status line arrives as ChunkedEncodingError, which is not a ConnectionError.
        if isinstance(exc, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError):
            return Failure(network=True, message=self._redact(f"{type(exc).__name__}: {exc}")[:300])
        return None


def _error_of(resp: requests.Response) -> tuple[str | None, str]:
    """Salesforce errors are ``[{"message","errorCode"}]``; OAuth and a few others ``{"error","error_description"}``."""
    try:
        body = resp.json()
    except ValueError:
        return None, (resp.text or resp.reason or f"HTTP {resp.status_code}")[:300]
    if isinstance(body, list) and body and isinstance(body[0], Mapping):
        return body[0].get("errorCode"), str(body[0].get("message", ""))
    if isinstance(body, Mapping):
        return body.get("errorCode") or body.get("error"), str(body.get("message") or body.get("error_description")
                                                                 or "")
    return None, f"HTTP {resp.status_code}"
