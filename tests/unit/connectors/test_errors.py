"""connectors/errors.py: messages carry where it happened; as_dict is what --json shows."""

from __future__ import annotations

import pytest

from connectors.errors import (
    ApiError,
    AuthError,
    BudgetExhausted,
    ConfigError,
    CrmhubError,
    CursorExpired,
    RateLimited,
    RecordRejected,
    TransientError,
)


def test_str_carries_connection_object_record_and_field() -> None:
    err = RecordRejected("value too long", connection="hs", object="contacts", record="101", field="email")
    assert str(err) == "connection hs, object contacts, record 101, field email: value too long"
    assert err.where() == "connection hs, object contacts, record 101, field email"
    assert err.args == (str(err),)


def test_str_leaves_out_what_is_not_known() -> None:
    assert str(ConfigError("bad mapping")) == "bad mapping"
    assert str(ApiError("gone", object="deals")) == "object deals: gone"
    assert str(ApiError("gone", connection="hs", field="amount")) == "connection hs, field amount: gone"


def test_status_and_url_are_appended_together() -> None:
    url = "https://api.hubapi.com/crm/v3/objects/contacts"
    assert (
        str(ApiError("not found", connection="hs", status=404, url=url))
        == f"connection hs: not found [404 {url}]"
    )
    assert str(ApiError("not found", status=404)) == "not found"  # a status alone says little without its url


def test_as_dict() -> None:
    err = TransientError("HTTP 503", connection="hs", object="contacts", status=503, url="https://x/y")
    assert err.as_dict() == {
        "type": "TransientError",
        "message": "HTTP 503",
        "connection": "hs",
        "object": "contacts",
        "record": None,
        "field": None,
        "status": 503,
        "url": "https://x/y",
        "retryable": True,
    }


def test_rate_limited_is_transient_and_keeps_retry_after() -> None:
    err = RateLimited("slow down", retry_after=1.5, connection="hs", status=429)
    assert isinstance(err, TransientError)
    assert err.retry_after == 1.5
    assert err.as_dict()["type"] == "RateLimited"
    assert err.as_dict()["retryable"] is True
    assert str(err) == "connection hs: slow down"


@pytest.mark.parametrize(
    ("cls", "retryable"),
    [
        (ConfigError, False),
        (AuthError, False),
        (ApiError, False),
        (TransientError, True),
        (RateLimited, True),
        (BudgetExhausted, False),
        (CursorExpired, False),
        (RecordRejected, False),
    ],
)
def test_every_error_is_a_crmhub_error_and_says_whether_to_retry(
    cls: type[CrmhubError], retryable: bool
) -> None:
    err = cls("m")
    assert isinstance(err, CrmhubError)
    assert err.retryable is retryable
    assert err.as_dict()["retryable"] is retryable
