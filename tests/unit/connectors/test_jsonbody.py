"""connectors.http.jsonbody decodes every body to exactly what the decoder used before made of it (json.loads for
httpx and the HubSpot SDK's bytes, ``requests.Response.json()`` for Salesforce), errors included."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.http.jsonbody import loads, response_json


def same(a: Any, b: Any) -> bool:
    """Equal with the types and the order of keys: 1 is not 1.0, -0.0 is not 0.0, NaN is NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def outcome(decode: Any, data: Any) -> tuple[str, Any]:
    try:
        return "value", decode(data)
    except Exception as exc:  # the same exception, message and all, is part of "the same"
        return "error", (type(exc), str(exc))


def assert_same_outcome(got: tuple[str, Any], want: tuple[str, Any]) -> None:
    assert got[0] == want[0], (got, want)
    assert same(got[1], want[1]) if got[0] == "value" else got[1] == want[1], (got, want)


EDGES = [
    b'{"a": NaN, "b": Infinity, "c": -Infinity}',  # the stdlib reads these; orjson refuses them
    b'{"big": 18446744073709551616, "small": -9223372036854775809, "edge": 18446744073709551615}',
    b'[123456789012345678901234567890, -0, -0.0, 1E5, 1e400, 1e-400, 0.1000000000000000055511151231257827]',
    b'{"Owner": {"attributes": {"type": "User"}, "Manager": {"Name": "Zo\\u00eb"}},'
    b' "Name": "M\xc3\xbcller \xf0\x9f\x98\x80"}',
    b'{"a": 1, "a": 2}',
    b'"\\ud800"',  # a lone surrogate: the stdlib keeps it, orjson refuses it
    b'\xef\xbb\xbf{"bom": true}',
    b'"\xff"',  # not UTF-8
    b"[" * 1100 + b"]" * 1100,
    b"<html><body>502 Bad Gateway</body></html>",
    b"",
    b'{"text": "a\tb"}',
    b"[1,]",
    b' {"phone": "00123456789012345678901"} ',  # a long digit run inside a string
]


@pytest.mark.parametrize("data", EDGES)
def test_bytes_decode_as_json_loads_does(data: bytes) -> None:
    assert_same_outcome(outcome(loads, data), outcome(json.loads, data))


def test_a_huge_integer_stays_an_exact_integer() -> None:
    assert loads(b'{"n": 18446744073709551616}') == {"n": 18446744073709551616}
    assert type(loads(b'{"n": -9223372036854775809}')["n"]) is int


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    | st.integers(min_value=2**63 - 5, max_value=2**64 + 5)  # orjson's edges
    | st.integers(min_value=-(2**63) - 5, max_value=-(2**63) + 5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans())
def test_any_json_document_decodes_as_json_loads_does(value: Any, ascii_only: bool) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert_same_outcome(outcome(loads, data), outcome(json.loads, data))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | st.text(alphabet='{}[]:,"0123456789.eE+-\\ untrlfasNIiy\u00e9', max_size=40)
       .map(lambda t: t.encode()))
def test_any_bytes_decode_or_fail_as_json_loads_does(data: bytes) -> None:
    assert_same_outcome(outcome(loads, data), outcome(json.loads, data))


def response(content: bytes, content_type: str | None) -> requests.Response:
    resp = requests.Response()
    resp.status_code = 200
    resp._content = content
    if content_type:
        resp.headers["Content-Type"] = content_type
        resp.encoding = requests.utils.get_encoding_from_headers(resp.headers)
    return resp


@pytest.mark.parametrize("content_type", ["application/json;charset=UTF-8", "application/json", None,
                                          "application/json; charset=ISO-8859-1", "text/html"])
@pytest.mark.parametrize("data", [*EDGES, '{"Name": "Caf\u00e9"}'.encode("latin-1"),
                                  '{"Name": "Caf\u00e9"}'.encode("utf-16")])
def test_responses_decode_as_requests_does(data: bytes, content_type: str | None) -> None:
    # The charset counts: a UTF-8 body declared ISO-8859-1 is read as requests reads it (mojibake and all).
    want = outcome(lambda r: r.json(), response(data, content_type))
    assert_same_outcome(outcome(response_json, response(data, content_type)), want)


def test_a_html_error_page_fails_with_requests_own_error() -> None:
    with pytest.raises(requests.exceptions.JSONDecodeError, match="Expecting value"):
        response_json(response(b"<html>Service Unavailable</html>", "text/html"))
