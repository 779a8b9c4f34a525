"""connectors/http/redact.py: known secrets (longest first) and credential-shaped text masked, no more."""

from __future__ import annotations

import pytest

from connectors.http.redact import MASK, Redactor

PAT = "pat-na1-0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_known_secrets_are_masked_everywhere() -> None:
    redact = Redactor(["s3cr3t-value"])
    assert redact("a s3cr3t-value and again s3cr3t-value.") == f"a {MASK} and again {MASK}."


def test_the_longest_secret_is_masked_whole() -> None:
    # Were "abcd" masked first, "abcdefgh" would leave "***efgh" behind.
    for order in (["abcd", "abcdefgh"], ["abcdefgh", "abcd"]):
        assert Redactor(order)("key abcdefgh, short abcd") == f"key {MASK}, short {MASK}"


def test_short_and_empty_secrets_are_ignored() -> None:
    redact = Redactor(["abc", "", None])
    assert redact("abc stays, as does the alphabet") == "abc stays, as does the alphabet"


def test_added_secrets_are_masked_longest_first() -> None:
    redact = Redactor(["abcd"])
    redact.add("abcdefgh")
    redact.add("abcdefgh")
    redact.add(None)
    redact.add("xyz")
    assert redact("abcdefgh abcd xyz") == f"{MASK} {MASK} xyz"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=",
            f"Authorization: Bearer {MASK}",
        ),
        ("authorization: bearer abc.DEF", f"authorization: bearer {MASK}"),
        (
            "GET /oauth/v1/token?access_token=AbC123&limit=100",
            f"GET /oauth/v1/token?access_token={MASK}&limit=100",
        ),
        ("refresh_token=rt-987 client_id=public", f"refresh_token={MASK} client_id=public"),
        ("client_secret: hunter2", f"client_secret: {MASK}"),
        ('{"client_secret": "hunter2", "scope": "crm"}', f'{{"client_secret": "{MASK}", "scope": "crm"}}'),
        ("password=pa55word;next", f"password={MASK};next"),
        (f"token {PAT} was refused", f"token {MASK} was refused"),
        (f"Authorization: Bearer {PAT}", f"Authorization: Bearer {MASK}"),
        ("pat-eu1-12345678-aaaa-bbbb-cccc-1234567890ab", MASK),
    ],
)
def test_credential_shaped_text_is_masked(text: str, expected: str) -> None:
    assert Redactor()(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "HTTP 404 Not Found for https://api.hubapi.com/crm/v3/objects/contacts?limit=100&archived=false",
        "connection hs, object contacts: 3 records quarantined",
        "the token expired; refresh it",
        "patent pending: pat-na1 is a prefix",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor(["s3cr3t-value"])(text) == text


@pytest.mark.parametrize(
    "text",
    [
        '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]',
        '{"success":false,"errors":[{"code":"606","message":"Max rate limit exceeded"}]}',
        "status code: 503",
    ],
)
def test_error_codes_are_not_secrets(text: str) -> None:
    assert Redactor()(text) == text
