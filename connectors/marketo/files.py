"""Design Studio files (Asset API): the documents, decks and images marketing keeps in Marketo.

``GET /rest/asset/v1/files.json`` browses them, 200 a page by offset, and takes no time filter, and Marketo keeps no
trace of a deleted file: so every read lists every file (an instance holds hundreds, not millions: a call or two),
and that listing is complete, so a file live in the store but absent from it was deleted. Unchanged files cost the
store no write. A record is the file flattened: ``folder`` becomes ``folderId``, ``folderName`` and ``folderType``;
the Asset API's times (``2015-05-06T22:16:58Z+0000``) are normalised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from connectors.base import ChangeBatch, Cursor, FieldInfo, ObjectSpec, Record
from connectors.http.paging import walk
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import MAX_RETURN
from connectors.marketo.programs import Offset, asset_instant
from connectors.marketo.state import FileState

FILES = "/rest/asset/v1/files.json"
# The fields of a record, typed as Marketo's describe calls would type them (the Asset API has no describe).
FILE_FIELDS: tuple[FieldInfo, ...] = (
    FieldInfo("id", "integer", "Id"),
    FieldInfo("name", "string", "Name"),
    FieldInfo("description", "text", "Description"),
    FieldInfo("mimeType", "string", "MIME Type"),
    FieldInfo("url", "url", "URL"),
    FieldInfo("size", "integer", "Size (bytes)"),
    FieldInfo("folderId", "integer", "Folder Id"),
    FieldInfo("folderName", "string", "Folder Name"),
    FieldInfo("folderType", "string", "Folder Type"),
    FieldInfo("createdAt", "datetime", "Created At"),
    FieldInfo("updatedAt", "datetime", "Updated At"),
)


def file_record(raw: dict[str, Any]) -> Record:
    folder = raw.get("folder") or {}
    return {"id": str(raw["id"]), "name": raw.get("name"), "description": raw.get("description"),
            "mimeType": raw.get("mimeType"), "url": raw.get("url"), "size": raw.get("size"),
            "folderId": folder.get("id"), "folderName": folder.get("name"), "folderType": folder.get("type"),
            "createdAt": asset_instant(raw.get("createdAt")), "updatedAt": asset_instant(raw.get("updatedAt"))}


class FileReader:
    def __init__(self, client: MarketoClient, *, clock: Callable[[], datetime]) -> None:
        self.client, self.clock = client, clock

    def read(self, spec: ObjectSpec) -> Iterator[ChangeBatch]:
        before = self.client.calls
        now = self.clock()
        records = [file_record(f) for f in self.pages()]
        yield ChangeBatch(spec, records, [], Cursor(now, FileState(len(records)).to_state()),
                          self.client.calls - before, (f"every file listed ({len(records)}; deleted ones reconciled)",),
                          live_ids=frozenset(r["id"] for r in records))

    def pages(self) -> Iterator[dict[str, Any]]:
        def fetch(offset: str | None) -> dict[str, Any]:
            return self.client.get(FILES, {"maxReturn": MAX_RETURN, "offset": int(offset or 0)}, obj="files")

        for body, _ in walk(fetch, Offset(MAX_RETURN), connection=self.client.connection, object="files"):
            yield from body.get("result") or []  # no result and a warning: past the last file
