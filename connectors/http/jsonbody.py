"""Response bodies decoded by orjson, which costs well under half of what the stdlib's decoder (or simplejson, which
requests picks when it is installed) costs per record, with every body decoding to exactly what it did before.

orjson reads a few bodies differently: it turns an integer beyond 64 bits into a float without a word
(``18446744073709551616`` becomes ``1.8446744073709552e+19``), and it refuses NaN and Infinity, numbers beyond a
double, lone surrogates, a UTF-8 byte order mark, bytes that are not UTF-8 and nesting deeper than 1,024. Those
bodies go to the decoder used before, so nothing is lost or changed, and a body that is not JSON (a proxy's HTML
error page) fails with the same exception and message as before.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import requests

# Every integer outside orjson's exact range [-2**63, 2**64) has at least 19 digits. A body with a run of 19 digits
# anywhere (inside a string too, which only costs the slower decoder) is left to the stdlib; bytes.translate and a
# substring search find one for a fraction of what a regular expression costs.
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGIT_RUN = b"0" * 19
_UTF8 = frozenset({"utf-8", "utf8"})


def _orjson_reads_alike(data: bytes) -> bool:
    """False when orjson could read ``data`` differently from the stdlib (its errors are caught separately)."""
    return _LONG_DIGIT_RUN not in data.translate(_DIGITS_AS_ZEROS)


def loads(data: bytes) -> Any:
    """``json.loads(data)`` (what httpx's ``Response.json()`` does), cheaper."""
    if _orjson_reads_alike(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # the stdlib decides: it reads what orjson refuses, or fails with its own message
    return json.loads(data)


def response_json(resp: requests.Response) -> Any:
    """``resp.json()``, cheaper. requests decodes the body as its charset says (UTF-8 for ``application/json``,
    a guess when none is given): orjson takes the bytes only when that charset is UTF-8 or absent, and whatever it
    refuses goes to ``resp.json()`` itself, so the result and the errors stay requests' own."""
    encoding = resp.encoding
    content = resp.content
    if (encoding is None or encoding.lower() in _UTF8) and _orjson_reads_alike(content):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return resp.json()
