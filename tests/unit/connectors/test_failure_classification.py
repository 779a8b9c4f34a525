"""What the fault suite found, pinned without a sandbox: how failures map onto the retry table."""

from __future__ import annotations

import json

import pytest
import requests
from urllib3.exceptions import ProtocolError

from connectors.http.budget import Budget
from connectors.http.redact import Redactor
from connectors.http.retry import DEFAULT_TABLE, Action, RetrySettings, decide, retry_settings
from connectors.salesforce.auth import OAuthLogin
from connectors.salesforce.client import SALESFORCE_TABLE, HttpFailure, SalesforceClient
from connectors.tuning import Tuning


def _client() -> SalesforceClient:
    http, redactor = requests.Session(), Redactor([])
    # These tests classify failures the client is handed; nothing logs in, so the login form is never sent.
    login = OAuthLogin(connection="sf_unit", login_url="https://login.salesforce.com", form=dict, http=http,
                       redactor=redactor, instance_url=None, timeout=1.0)
    return SalesforceClient(connection="sf_unit", login=login, http=http,
                            budget=Budget(connection="sf_unit", max_daily_share=None), redactor=redactor,
                            api_version="62.0", timeout=1.0)


def _response(status: int, body: object) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps(body).encode()
    resp.headers["Content-Type"] = "application/json"
    return resp


@pytest.mark.parametrize(("message", "action"), [
    ("ConcurrentPerOrgLongTxn Limit exceeded.", Action.RATE_LIMITED),  # clears in seconds: wait and retry
    ("TotalRequests Limit exceeded.", Action.BUDGET_EXHAUSTED),  # the day's allocation: stop cleanly
])
def test_salesforce_request_limit_exceeded_is_told_apart_by_its_limit(message: str, action: Action) -> None:
    body = [{"message": message, "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    failure = _client()._classify(HttpFailure(_response(403, body)))
    assert failure is not None and decide(SALESFORCE_TABLE, failure) is action


def test_a_salesforce_connection_reset_mid_body_is_a_network_error() -> None:
    reset = requests.exceptions.ChunkedEncodingError(ProtocolError("Response ended prematurely"))
    failure = _client()._classify(reset)
    assert failure is not None and failure.network and decide(SALESFORCE_TABLE, failure) is Action.RETRY


def test_retry_settings_take_only_the_retry_options() -> None:
    tuning = Tuning.from_mapping({"base_wait": "0.05", "max_attempts": "3", "page_size": 10})
    settings = retry_settings(tuning.retry.given(), table=DEFAULT_TABLE, rate_limit_wait=20.0)
    assert (settings.base_wait, settings.max_attempts, settings.rate_limit_wait) == (0.05, 3, 20.0)
    assert settings.max_wait == RetrySettings().max_wait
