"""Reading the rows a write is about, all in one ``$batch`` of GETs (<= 1,000): each row's ``modifiedon``, its etag
and the written columns' current values.

The write-back engine compares ``modifiedon`` with the instant it last knew (Dataverse's etag is a row version, not a
time), then guards the PATCH with that etag, so a person's save between the read and the write is still caught (412).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connectors.base import ObjectSpec
from connectors.dynamics import batch
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.objects import MAX_BATCH
from connectors.dynamics.values import record_segment


@dataclass(frozen=True, slots=True)
class RowNow:
    modified: str | None  # modifiedon as Dataverse renders it
    etag: str | None
    values: dict[str, Any]


def read_rows(client: DynamicsClient, spec: ObjectSpec, entity_set: str, source_ids: Sequence[str],
              columns: Sequence[str]) -> dict[str, RowNow]:
    """source_id -> its row now; ids that do not resolve (deleted, never existed) are absent."""
    select = ",".join(dict.fromkeys(["modifiedon", *columns]))
    out: dict[str, RowNow] = {}
    ids = list(dict.fromkeys(source_ids))
    for start in range(0, len(ids), MAX_BATCH):
        part = ids[start:start + MAX_BATCH]
        urls = [f"{client.api_url}{entity_set}{record_segment(sid)}?$select={select}" for sid in part]
        body, boundary = _build_gets(urls)
        resp = client.post_batch(body, boundary, object=spec.name)
        answers = batch.parse(resp.headers.get("Content-Type", ""), resp.content, len(part))
        for sid, answer in zip(part, answers, strict=True):
            if answer is None or answer.status >= 300 or not isinstance(answer.body, dict):
                continue
            row = answer.body
            out[sid] = RowNow(row.get("modifiedon"), row.get("@odata.etag"), {c: row.get(c) for c in columns})
    return out


def _build_gets(urls: Sequence[str]) -> tuple[bytes, str]:
    """GETs may not travel in change sets: each is a top-level part, answered independently."""
    boundary = f"batch_{uuid.uuid4()}"
    lines: list[str] = []
    for i, url in enumerate(urls):
        lines += [f"--{boundary}", "Content-Type: application/http", "Content-Transfer-Encoding: binary",
                  f"Content-ID: {i + 1}", "", f"GET {url} HTTP/1.1", "Accept: application/json", ""]
    lines.append(f"--{boundary}--")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), boundary
