"""``$skiptoken`` paging cookies shaped like Dataverse's, and the ``@odata.nextLink`` / ``@odata.deltaLink`` URLs.

A real skiptoken is ``<cookie pagenumber="2" pagingcookie="%3ccookie page%3d%221%22%3e…" istracking="False" />``:
an XML element whose ``pagingcookie`` attribute is itself URL-encoded XML naming the last (and first) row of the page
per ordered column. This one carries the same structure; the values it stores are the last row's sort values, so the
next page starts strictly after that row whatever happened to it in between (keyset paging, as the service does).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from sandbox.dynamics.errors import odata_error

_OUTER = re.compile(r'^<cookie pagenumber="(\d+)" pagingcookie="([^"]*)" istracking="(True|False)" />$')
_QUERY_SAFE = "$,()'=:/@*-._~"


@dataclass
class Cursor:
    page: int  # the page number the cookie leads to
    columns: list[str] = field(default_factory=list)  # ordered columns, the primary key last
    last: list[Any] = field(default_factory=list)  # the last row's sort values, same order
    first_id: str | None = None
    tracking: bool = False
    extra: dict[str, str] = field(default_factory=dict)  # snapshot version, delta phase, ...


def _lower_escapes(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def encode(cursor: Cursor) -> str:
    inner = [f'<cookie page="{cursor.page - 1}"']
    inner += [f" {k}={quoteattr(v)}" for k, v in sorted(cursor.extra.items())]
    inner.append(">")
    for name, value in zip(cursor.columns, cursor.last, strict=True):
        shown = json.dumps(value) if not _is_id(name, value) else "{" + str(value).upper() + "}"
        first = "{" + cursor.first_id.upper() + "}" if cursor.first_id and name == cursor.columns[-1] else shown
        inner.append(f"<{name} last={quoteattr(shown)} first={quoteattr(first)} />")
    inner.append("</cookie>")
    paging = _lower_escapes(quote("".join(inner), safe=""))
    tracking = "True" if cursor.tracking else "False"
    return f'<cookie pagenumber="{cursor.page}" pagingcookie="{paging}" istracking="{tracking}" />'


def _is_id(name: str, value: Any) -> bool:
    return isinstance(value, str) and name.endswith("id") and len(value) == 36


def decode(token: str, expected_columns: list[str]) -> Cursor:
    m = _OUTER.match(token.strip())
    if not m:
        raise odata_error("The $skiptoken query parameter value is not a valid paging cookie.")
    try:
        root = ElementTree.fromstring(unquote(m.group(2)))
    except ElementTree.ParseError as exc:
        raise odata_error("The $skiptoken query parameter value is not a valid paging cookie.") from exc
    columns, last = [], []
    first_id = None
    for element in root:
        columns.append(element.tag)
        raw = element.get("last", "null")
        if raw.startswith("{") and raw.endswith("}"):
            last.append(raw[1:-1].lower())
            first_id = (element.get("first") or raw)[1:-1].lower()
        else:
            last.append(json.loads(raw))
    if columns != expected_columns:
        raise odata_error("The $skiptoken query parameter value does not match the query it is used with.")
    extra = {k: v for k, v in root.attrib.items() if k != "page"}
    return Cursor(int(m.group(1)), columns, last, first_id, m.group(3) == "True", extra)


def query_string(pairs: list[tuple[str, str]], **replace: str) -> str:
    """The request's own query options (in their order) with some replaced, for next and delta links."""
    kept = [(k, v) for k, v in pairs if k not in replace]
    kept += list(replace.items())
    return "&".join(f"{k}={_encode(k, v)}" for k, v in kept)


def _encode(name: str, value: str) -> str:
    if name == "$deltatoken":  # the platform escapes every separator of a delta token, in lower case
        return _lower_escapes(quote(value, safe=""))
    if name == "$skiptoken":
        return quote(value, safe="=")
    return quote(value, safe=_QUERY_SAFE)
