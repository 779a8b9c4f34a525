"""``$batch`` bodies: one change set per request (so one failure rolls back only its own record), and the
multipart answer read with the standard library's ``email`` parser rather than by hand.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, cast


@dataclass(frozen=True, slots=True)
class BatchRequest:
    method: str
    url: str  # absolute, under the API root
    headers: Mapping[str, str]
    body: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class PartResponse:
    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON, or the text when it is not JSON


def build(requests: Sequence[BatchRequest]) -> tuple[bytes, str]:
    """(body, boundary); request i (0-based) travels in change set i with ``Content-ID: i + 1``."""
    boundary = f"batch_{uuid.uuid4()}"
    lines: list[str] = []
    for i, req in enumerate(requests):
        changeset = f"changeset_{uuid.uuid4()}"
        payload = json.dumps(req.body, separators=(",", ":"), default=str) if req.body is not None else ""
        lines += [f"--{boundary}", f"Content-Type: multipart/mixed; boundary={changeset}", "",
                  f"--{changeset}", "Content-Type: application/http", "Content-Transfer-Encoding: binary",
                  f"Content-ID: {i + 1}", "", f"{req.method} {req.url} HTTP/1.1",
                  "Content-Type: application/json; charset=utf-8",
                  *(f"{k}: {v}" for k, v in req.headers.items()), "", payload, f"--{changeset}--"]
    lines.append(f"--{boundary}--")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), boundary


def parse(content_type: str, body: bytes, count: int) -> list[PartResponse | None]:
    """One response per request, by Content-ID (or by position where a part has none); None when absent."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    out: list[PartResponse | None] = [None] * count
    for position, (content_id, part) in enumerate(_http_parts(message)):
        index = int(content_id) - 1 if content_id and content_id.isdigit() else position
        if 0 <= index < count:
            out[index] = _response(part)
    return out


def _http_parts(message: Message) -> Iterator[tuple[str | None, Message]]:
    """Top-level items in order: a change set's answer is a nested multipart, a failed one its single error."""
    for item in _parts(message):
        if item.is_multipart():
            for inner in _parts(item):
                yield inner.get("Content-ID"), inner
        else:
            yield item.get("Content-ID"), item


def _parts(message: Message) -> list[Message]:
    # A multipart's payload is the list of its parts (typeshed types get_payload() for every kind of message).
    return cast(list[Message], message.get_payload()) if message.is_multipart() else []


def _response(part: Message) -> PartResponse:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):  # decode=True gives the body's bytes, or None when there is none
        raw = b""
    head, _, content = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    status_line, *header_lines = head.decode("utf-8", "replace").split("\n")
    status = int(status_line.split(" ")[1])
    headers = {k.strip(): v.strip() for k, _, v in (h.partition(":") for h in header_lines if ":" in h)}
    text = content.decode("utf-8", "replace").strip()
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return PartResponse(status, headers, parsed)
