"""Bulk API 2.0: query jobs read page by page with their locator; ingest jobs upload one CSV and read results back.

A query job's results stay available after it completes, so a reader that saves (job id, locator) in its cursor
resumes mid-job after a crash. Polling waits grow from 0.2 s to 5 s: every poll is an API call.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from connectors.errors import ApiError
from connectors.http.paging import walk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.paging import RESULTS_LOCATOR
from connectors.salesforce.values import cell_reader

FINAL = ("JobComplete", "Failed", "Aborted")


class _Results(TypedDict):
    """One results page as ``walk`` sees it: the rows, and the raw ``Sforce-Locator`` header."""

    rows: list[dict[str, Any]]
    locator: str | None


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    locator: str | None  # None after the last page


class Bulk:
    def __init__(self, client: SalesforceClient, *, page_records: int = 50_000,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.page_records, self._sleep = client, page_records, sleep

    # --- query -------------------------------------------------------------------------------------------------
    def start_query(self, obj: str, soql: str, *, include_deleted: bool) -> str:
        body = {"operation": "queryAll" if include_deleted else "query", "query": soql}
        return str(self.client.send_json("POST", "jobs/query", body, obj=obj)["id"])

    def wait(self, obj: str, job_id: str, kind: str = "query") -> dict[str, Any]:
        delay = 0.2
        while True:
            info = self.client.get_json(f"jobs/{kind}/{job_id}", obj=obj)
            if info.get("state") in FINAL:
                if info["state"] != "JobComplete":
                    raise ApiError(f"Bulk API 2.0 {kind} job {job_id} ended {info['state']}: "
                                   f"{info.get('errorMessage') or 'no reason given'}", object=obj)
                return dict(info)
            self._sleep(delay)
            delay = min(5.0, delay * 1.5)

    def pages(self, obj: str, job_id: str, locator: str | None,
              types: Mapping[str, str]) -> Iterator[Page]:
        """From ``locator`` (None: the first page) to the end, each page typed as REST records are."""
        def fetch(token: str | None) -> _Results:
            params: dict[str, Any] = {"maxRecords": self.page_records}
            if token:
                params["locator"] = token
            resp = self.client.request("GET", f"jobs/query/{job_id}/results", obj=obj, params=params,
                                       headers={"Accept": "text/csv"})
            return {"rows": parse_csv(resp.content.decode("utf-8"), types),
                    "locator": resp.headers.get("Sforce-Locator")}

        for body, nxt in walk(fetch, RESULTS_LOCATOR, start=locator or None, connection=self.client.connection,
                              object=obj):
            yield Page(body["rows"], nxt)

    # --- ingest ------------------------------------------------------------------------------------------------
    def ingest(self, obj: str, operation: str, header: Sequence[str], rows: Sequence[Sequence[str]],
               external_id: str | None = None) -> dict[str, list[dict[str, str]]]:
        """One job: create, upload, close, wait; returns {"successful"|"failed"|"unprocessed": rows as dicts}."""
        body: dict[str, Any] = {"object": obj, "operation": operation, "contentType": "CSV", "lineEnding": "LF"}
        if external_id:
            body["externalIdFieldName"] = external_id
        job_id = str(self.client.send_json("POST", "jobs/ingest", body, obj=obj)["id"])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        self.client.request("PUT", f"jobs/ingest/{job_id}/batches", obj=obj, data=out.getvalue().encode(),
                            headers={"Content-Type": "text/csv"})
        self.client.send_json("PATCH", f"jobs/ingest/{job_id}", {"state": "UploadComplete"}, obj=obj)
        self.wait(obj, job_id, kind="ingest")
        results: dict[str, list[dict[str, str]]] = {}
        for key, path in (("successful", "successfulResults"), ("failed", "failedResults"),
                          ("unprocessed", "unprocessedrecords")):
            resp = self.client.request("GET", f"jobs/ingest/{job_id}/{path}", obj=obj,
                                       headers={"Accept": "text/csv"})
            results[key] = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8"))))
        return results


def parse_csv(text: str, types: Mapping[str, str]) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return []
    readers = [cell_reader(types.get(h)) for h in header]
    pairs = list(zip(header, readers, strict=True))
    return [{h: read(v) for (h, read), v in zip(pairs, row, strict=True)} for row in reader]
