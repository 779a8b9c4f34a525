"""One Web API request and its response, independent of Starlette, so ``$batch`` parts run through the same code."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sandbox.dynamics.errors import DataverseError

API_PREFIX = "/api/data/v9.2/"
JSON_TYPE = "application/json; odata.metadata=minimal"


@dataclass
class ApiRequest:
    method: str
    path: str  # after /api/data/v9.2/, percent-decoded
    query: str  # the raw query string
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base: str  # scheme://host:port the client called
    user: str  # the caller's systemuserid
    prefer: list[str] = field(default_factory=list)
    content_ids: dict[str, str] = field(default_factory=dict)  # "$1" -> entity URL, inside a change set

    @property
    def api_base(self) -> str:
        return self.base + API_PREFIX

    def json(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise DataverseError(400, "0x80048d19", f"Invalid JSON. {exc}") from exc


@dataclass
class ApiResponse:
    status: int
    body: Any = None  # dict/list -> JSON; str -> text/plain; bytes -> as is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode()

    def media_type(self) -> str | None:
        if self.content_type:
            return self.content_type
        if self.body is None:
            return None
        return "text/plain" if isinstance(self.body, str) else JSON_TYPE


def error_response(exc: DataverseError) -> ApiResponse:
    headers = {"REQ_ID": str(uuid.uuid4()), **exc.headers}
    return ApiResponse(exc.status, exc.body(), headers)
