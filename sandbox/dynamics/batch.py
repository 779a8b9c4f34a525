"""``POST $batch``: multipart/mixed requests, change sets as transactions, and the multipart response.

At most 1,000 requests per batch. Requests outside change sets run one by one and independently; a change set is one
transaction (a failure rolls back every write before it in the set) whose response is either every part (with its
``Content-ID``) or the single error. ``$1`` in a URL or an ``@odata.bind`` refers to the row created by the part with
``Content-ID: 1`` earlier in the same change set. Without ``Prefer: odata.continue-on-error`` the batch stops at the
first failure and answers with that failure's status; with it, every item runs and the batch answers 200.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import unquote

from sandbox.dynamics import errors
from sandbox.dynamics.messages import ApiRequest, ApiResponse, error_response
from sandbox.dynamics.query_options import parse_prefer
from sandbox.dynamics.store import Store

MAX_REQUESTS = 1000
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_MARKER = "/api/data/v9.2/"

Execute = Callable[[ApiRequest], ApiResponse]


@dataclass
class Part:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    content_id: str | None


@dataclass
class ChangeSet:
    parts: list[Part] = field(default_factory=list)


def _boundary(content_type: str) -> str:
    if not content_type.lower().startswith("multipart/mixed"):
        raise errors.odata_error(f"The content type '{content_type}' is not supported for a batch request; "
                                 "multipart/mixed with a boundary was expected.")
    m = _BOUNDARY.search(content_type)
    if not m:
        raise errors.odata_error("The multipart/mixed batch request has no boundary.")
    return m.group(1)


def _mime_parts(text: str, boundary: str) -> list[tuple[dict[str, str], str]]:
    chunks = text.split(f"--{boundary}")
    if len(chunks) < 2 or not chunks[-1].startswith("--"):
        raise errors.odata_error(f"The batch body is not terminated by '--{boundary}--'.")
    out = []
    for chunk in chunks[1:-1]:
        chunk = chunk[1:] if chunk.startswith("\n") else chunk
        head, _, body = chunk.partition("\n\n")
        out.append((_headers(head), body[:-1] if body.endswith("\n") else body))
    return out


def _headers(block: str) -> dict[str, str]:
    headers = {}
    for line in block.split("\n"):
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return headers


def _http_part(mime_headers: dict[str, str], body: str) -> Part:
    request_line, _, rest = body.lstrip("\n").partition("\n")
    # like ODataLib: the method ends at the first space, the version starts after the last one
    method, _, remainder = request_line.strip().partition(" ")
    url, _, version = remainder.rpartition(" ")
    if not method or not url or not version.startswith("HTTP/"):
        raise errors.odata_error(f"The request line '{request_line}' of a batch part is not valid.")
    head, _, content = rest.partition("\n\n")
    inner = _headers(head)
    content_id = mime_headers.get("content-id") or inner.get("content-id")
    return Part(method.upper(), url.strip(), inner, content.rstrip("\n").encode(), content_id)


def parse_batch(body: bytes, content_type: str) -> list[Part | ChangeSet]:
    text = body.decode("utf-8").replace("\r\n", "\n")
    items: list[Part | ChangeSet] = []
    count = 0
    for headers, part_body in _mime_parts(text, _boundary(content_type)):
        part_type = headers.get("content-type", "")
        if part_type.lower().startswith("multipart/mixed"):
            changeset = ChangeSet([_http_part(h, b) for h, b in _mime_parts(part_body, _boundary(part_type))])
            count += len(changeset.parts)
            items.append(changeset)
        else:
            items.append(_http_part(headers, part_body))
            count += 1
    if count > MAX_REQUESTS:
        raise errors.DataverseError(
            400, errors.INVALID_ARGUMENT,
            f"The ExecuteMultiple Request batch size exceeds the maximum batch size allowed. Batch size: {count}, "
            f"maximum: {MAX_REQUESTS}.",
        )
    return items


def _sub_request(outer: ApiRequest, part: Part, content_ids: dict[str, str]) -> ApiRequest:
    url = part.url
    if url.startswith("$"):
        ref, _, tail = url.partition("/")
        if ref not in content_ids:
            raise errors.odata_error(f"Content-ID Reference: '{ref}' does not exist in the batch context.")
        url = content_ids[ref] + (f"/{tail}" if tail else "")
    if "://" in url or url.startswith("/"):
        if _MARKER not in url:
            raise errors.odata_error(f"The URL '{part.url}' of a batch part is not under the service root.")
        url = url.split(_MARKER, 1)[1]
    path, _, query = url.partition("?")
    prefer = [v for k, v in part.headers.items() if k == "prefer"]
    return ApiRequest(part.method, unquote(path), query, part.headers, part.body, outer.base, outer.user, prefer,
                      dict(content_ids))


def _render(response: ApiResponse, content_id: str | None) -> str:
    lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        lines.append(f"Content-ID: {content_id}")
    lines += ["", f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}"]
    media = response.media_type()
    if media:
        lines.append(f"Content-Type: {media}")
    lines.append("OData-Version: 4.0")
    lines += [f"{k}: {v}" for k, v in response.headers.items()]
    lines += ["", response.payload().decode()]
    return "\r\n".join(lines)


def execute_batch_items(
    outer: ApiRequest, items: list[Part | ChangeSet], *, store: Store, execute: Execute,
) -> ApiResponse:
    continue_on_error = parse_prefer(outer.prefer).continue_on_error
    boundary = f"batchresponse_{uuid.uuid4()}"
    chunks: list[str] = []
    status = 200
    for item in items:
        if isinstance(item, Part):
            response = _run(outer, item, {}, execute)
            chunks.append(_render(response, item.content_id))
            failed = response.status >= 400
        else:
            rendered, failed, response = _run_changeset(outer, item, store, execute)
            chunks.append(rendered)
        if failed and not continue_on_error:
            status = response.status
            break
    body = "".join(f"--{boundary}\r\n{chunk}\r\n" for chunk in chunks) + f"--{boundary}--\r\n"
    return ApiResponse(status, body.encode(), content_type=f"multipart/mixed; boundary={boundary}")


def _run(outer: ApiRequest, part: Part, content_ids: dict[str, str], execute: Execute) -> ApiResponse:
    try:
        return execute(_sub_request(outer, part, content_ids))
    except errors.DataverseError as exc:
        return error_response(exc)


class _ChangeSetFailed(Exception):
    def __init__(self, response: ApiResponse, content_id: str | None) -> None:
        super().__init__(response.status)
        self.response = response
        self.content_id = content_id


def _run_changeset(outer: ApiRequest, changeset: ChangeSet, store: Store,
                   execute: Execute) -> tuple[str, bool, ApiResponse]:
    content_ids: dict[str, str] = {}
    results: list[tuple[ApiResponse, str | None]] = []
    try:
        with store.transaction():
            for part in changeset.parts:
                if part.method == "GET":
                    error = errors.odata_error("GET requests are not allowed in a change set.")
                    raise _ChangeSetFailed(error_response(error), part.content_id)
                response = _run(outer, part, content_ids, execute)
                if response.status >= 400:
                    raise _ChangeSetFailed(response, part.content_id)
                entity = response.headers.get("OData-EntityId")
                if part.content_id and entity:
                    content_ids[f"${part.content_id}"] = entity.split(_MARKER, 1)[-1]
                results.append((response, part.content_id))
    except _ChangeSetFailed as failed:
        return _render(failed.response, failed.content_id), True, failed.response
    boundary = f"changesetresponse_{uuid.uuid4()}"
    inner = "".join(f"--{boundary}\r\n{_render(r, cid)}\r\n" for r, cid in results) + f"--{boundary}--"
    rendered = f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n{inner}"
    return rendered, False, ApiResponse(200)
