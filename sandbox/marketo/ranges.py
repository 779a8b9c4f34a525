"""Serve an export file whole, or the byte range a ``Range: bytes=a-b`` header asks for (RFC 7233, as Marketo)."""

from __future__ import annotations

import re

from starlette.responses import Response

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_file(data: bytes, *, content_type: str, range_header: str | None) -> Response:
    size = len(data)
    headers = {"Accept-Ranges": "bytes"}
    match = _RANGE.match((range_header or "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        return Response(data, media_type=content_type, headers=headers)
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        return Response(b"", status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Response(data[start:end + 1], status_code=206, media_type=content_type, headers=headers)
