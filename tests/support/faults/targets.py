"""The four CRMs as the fault suite sees them: a small sandbox, a connection on it, the object the faults strike,
and each CRM's own error bodies (copied from what its API — and its sandbox — really answers).

Fault rules strike the object's *continuation* pages (``skip`` lets the first page through), so every fault falls
in the middle of paging, after at least one page was read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.common.launcher import SandboxAdmin, SandboxInfo, SandboxProcess
from tests.contract.crms.dynamics import CLIENT_ID as DYN_CLIENT
from tests.contract.crms.dynamics import SECRET as DYN_SECRET
from tests.contract.crms.dynamics import TENANT as DYN_TENANT

Rule = dict[str, Any]


@dataclass(frozen=True)
class Target:
    kind: str
    connection: str
    obj: str  # the object every in-process fault strikes
    page_path: str  # regex of that object's page requests
    page_skip: int  # matching requests let through before a rule fires (the first page)
    kill_objects: tuple[str, str]  # SIGKILL: the first lands, the second is held mid-paging and killed
    kill_path: str
    kill_skip: int
    token_endpoint: str  # the sandbox's name for its token endpoint in /_admin/calls
    token_path: str  # regex of the token endpoint's path
    start: Callable[[Path], SandboxProcess]
    block: Callable[[SandboxInfo, float, tuple[str, ...]], str]  # (info, timeout_seconds, objects) -> YAML
    expire_tokens: Callable[[SandboxAdmin], str]  # expires the live token/session; says how
    bodies: dict[str, list[Rule]] = field(default_factory=dict)  # fault name -> rules without path/skip


def _hubspot_429(policy: str, limit: str) -> Rule:
    return {"status": 429, "body": {"status": "error", "message": f"You have reached your {limit} limit.",
                                    "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                                    "policyName": policy},
            "headers": {"X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "0",
                        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                        "X-HubSpot-RateLimit-Daily": "650000",
                        "X-HubSpot-RateLimit-Daily-Remaining": "0" if policy == "DAILY" else "640000"}}


def _hubspot_block(info: SandboxInfo, timeout: float, objects: tuple[str, ...]) -> str:
    # OAuth (the sandbox's app and refresh token: test-only values) so that access tokens can expire mid-paging.
    return (f"    kind: hubspot\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    timeout_seconds: {timeout}\n"
            f"    auth: {{flow: oauth_refresh, client_id: 5f0c0c3e-1111-4000-8000-00000000c11d, "
            f"client_secret: 6a1d1d4f-2222-4000-8000-0000000005ec, "
            f"refresh_token: na1-7b2e-3333-4000-8000-0000000f4e5b}}\n"
            f"    objects: [{', '.join(objects)}]\n")


def _hubspot_expire(admin: SandboxAdmin) -> str:
    admin.advance_clock(1801)  # access tokens live 30 minutes
    return "the OAuth access token expired (clock +30 min)"


HUBSPOT = Target(
    kind="hubspot", connection="hs_faults", obj="contacts", page_path="^/crm/v3/objects/contacts$", page_skip=1,
    kill_objects=("companies", "contacts"), kill_path="^/crm/v3/objects/contacts$", kill_skip=1,
    token_endpoint="oauth_token", token_path="^/oauth/v1/token$",
    start=lambda state: SandboxProcess("hubspot", scale=300, state_dir=state),
    block=_hubspot_block, expire_tokens=_hubspot_expire,
    bodies={
        "rate_limit_storm": [{**_hubspot_429("TEN_SECONDLY_ROLLING", "ten_secondly_rolling"), "times": 6}],
        "server_errors": [
            {"status": 502, "body": "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>",
             "times": 2},
            {"status": 503, "body": {"status": "error", "message": "Service Unavailable",
                                     "correlationId": str(uuid.uuid4())}, "times": 1},
            {"status": 500, "body": {"status": "error", "message": "internal error", "category": "INTERNAL_ERROR",
                                     "correlationId": str(uuid.uuid4())}, "times": 1},
        ],
        "daily_limit": [{**_hubspot_429("DAILY", "daily"), "times": -1}],
    },
)


def _sf_error(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


def _salesforce_block(info: SandboxInfo, timeout: float, objects: tuple[str, ...]) -> str:
    return (f"    kind: salesforce\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    timeout_seconds: {timeout}\n"
            f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, "
            f"client_secret: crmhub-sandbox-secret}}\n"
            f"    objects: [{', '.join(objects)}]\n    page_size: 200\n    overlap_seconds: 5\n")


def _salesforce_expire(admin: SandboxAdmin) -> str:
    admin.advance_clock(7201)  # sessions end after 2 h unused; query cursors after 15 min
    return "the session timed out and the open query cursor expired (clock +2 h)"


SF_CONTINUATION = r"^/services/data/v[0-9.]+/query(All)?/01g"  # nextRecordsUrl: the pages after the first
SALESFORCE = Target(
    kind="salesforce", connection="sf_faults", obj="Lead", page_path=SF_CONTINUATION, page_skip=0,
    kill_objects=("User", "Account"), kill_path=SF_CONTINUATION, kill_skip=10,  # the last page: 2,000 Accounts landed
    token_endpoint="oauth_token", token_path="^/services/oauth2/token$",
    start=lambda state: SandboxProcess("salesforce", scale=600, state_dir=state,
                                       options={"extra_accounts": "2300"}),
    block=_salesforce_block, expire_tokens=_salesforce_expire,
    bodies={
        # Salesforce has no 429: its concurrency limit is a 403 REQUEST_LIMIT_EXCEEDED that clears in seconds.
        "rate_limit_storm": [{"status": 403, "times": 6, "body": _sf_error(
            "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")}],
        "server_errors": [
            {"status": 503, "times": 2, "body": _sf_error("SERVER_UNAVAILABLE", "Server temporarily unavailable")},
            {"status": 500, "times": 1, "body": _sf_error(
                "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact "
                                     "support: 1822394841-12345 (-1053401234)")},
            {"status": 502, "times": 1, "body": "<html><body>Bad Gateway</body></html>"},
        ],
        "daily_limit": [{"status": 403, "times": -1, "body": _sf_error("REQUEST_LIMIT_EXCEEDED",
                                                                       "TotalRequests Limit exceeded.")}],
    },
)


def _dv_429(code: str, message: str) -> Rule:
    return {"status": 429, "times": 1, "headers": {"Retry-After": "1"},
            "body": {"error": {"code": code, "message": message}}}


def _dynamics_block(info: SandboxInfo, timeout: float, objects: tuple[str, ...]) -> str:
    return (f"    kind: dynamics\n    base_url: {info.https_url}\n    authority_url: {info.https_url}\n"
            f"    ca_bundle: {info.ca_path}\n    page_size: 10\n    timeout_seconds: {timeout}\n"
            f"    auth: {{flow: client_credentials, tenant_id: {DYN_TENANT}, client_id: {DYN_CLIENT}, "
            f"client_secret: {DYN_SECRET}}}\n"
            f"    objects: [{', '.join(objects)}]\n")


def _dynamics_expire(admin: SandboxAdmin) -> str:
    admin.advance_clock(3600)  # Entra access tokens live 3,599 s
    return "the Entra ID access token expired (clock +1 h)"


DYNAMICS = Target(
    kind="dynamics", connection="dyn_faults", obj="contacts", page_path="^/api/data/v9.2/contacts$", page_skip=1,
    kill_objects=("accounts", "contacts"), kill_path="^/api/data/v9.2/contacts$", kill_skip=1,
    token_endpoint="get_token", token_path="/oauth2/v2.0/token$",
    start=lambda state: SandboxProcess("dynamics", scale=300, state_dir=state),
    block=_dynamics_block, expire_tokens=_dynamics_expire,
    bodies={
        "rate_limit_storm": [
            _dv_429("0x80072322", "Number of requests exceeded the limit of 6000 over time window of 300 seconds."),
            _dv_429("0x80072321", "Combined execution time of incoming requests exceeded limit of 1,200,000 "
                                  "milliseconds over time window of 300 seconds. Decrease number of concurrent "
                                  "requests or reduce the duration of requests and try again later."),
            _dv_429("0x80072326", "Number of concurrent requests exceeded the limit of 52."),
        ],
        "server_errors": [
            {"status": 503, "times": 2, "body": "<html><body><h1>Service Unavailable</h1></body></html>"},
            {"status": 502, "times": 1, "body": "<html><body><h1>502 - Web server received an invalid response "
                                                "while acting as a gateway or proxy server.</h1></body></html>"},
            {"status": 504, "times": 1, "body": ""},
        ],
    },
)


def _mkto(code: str, message: str, times: int) -> Rule:
    # Marketo fails under HTTP 200, in the envelope.
    return {"status": 200, "times": times,
            "body": {"requestId": "a1b2#18f0c2d3e4f", "success": False, "errors": [{"code": code,
                                                                                       "message": message}]}}


def _marketo_block(info: SandboxInfo, timeout: float, objects: tuple[str, ...]) -> str:
    return (f"    kind: marketo\n    base_url: {info.https_url}\n    ca_bundle: {info.ca_path}\n"
            f"    timeout_seconds: {timeout}\n"
            f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, "
            f"client_secret: crmhub-sandbox-secret}}\n"
            f"    objects: [{', '.join(objects)}]\n    page_size: 50\n")


def _marketo_expire(admin: SandboxAdmin) -> str:
    admin.post("/_admin/tokens/expire")
    return "every access token expired (602 on the next call)"


MARKETO = Target(
    kind="marketo", connection="mkto_faults", obj="leads", page_path="^/rest/v1/leads.json$", page_skip=1,
    kill_objects=("leads", "activities"), kill_path="^/rest/v1/activities.json$", kill_skip=8,
    token_endpoint="identity_token", token_path="^/identity/oauth/token$",
    start=lambda state: SandboxProcess("marketo", scale=300, state_dir=state),
    block=_marketo_block, expire_tokens=_marketo_expire,
    bodies={
        "rate_limit_storm": [_mkto("606", "Max rate limit '100' exceeded with in '20' secs", 4),
                             _mkto("615", "Concurrent access limit reached", 2)],
        "server_errors": [
            {"status": 503, "times": 1, "body": "<HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD></HTML>"},
            _mkto("604", "Request timed out", 1),
            _mkto("608", "API Temporarily Unavailable", 1),
            _mkto("713", "Transient Error", 1),
        ],
        "daily_limit": [_mkto("607", "Daily quota reached", -1)],
    },
)

TARGETS: dict[str, Target] = {t.kind: t for t in (HUBSPOT, SALESFORCE, DYNAMICS, MARKETO)}
