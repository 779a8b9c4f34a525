"""Deletes Salesforce only shows in two places: ``sobjects/X/deleted`` (15 days back) and the absence of an Id.

``deleted/`` ignores seconds and caps ``end`` at now, so the asked range is widened to whole minutes: a delete
seen twice is a no-op downstream, a delete missed is a record live for ever. The Id listing is what catches
purges older than ``deleted/`` reaches; it goes through Bulk 2.0 when a COUNT() says the object is large.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Tombstone
from connectors.http.paging import walk
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.paging import NEXT_RECORDS
from connectors.salesforce.values import parse_instant


def deleted_since(client: SalesforceClient, obj: str, lo: datetime, hi: datetime, now: datetime) -> list[Tombstone]:
    start = lo.astimezone(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    end = min(hi.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2), now)
    if end <= start:
        end = start + timedelta(minutes=1)
    body = client.get_json(f"sobjects/{obj}/deleted/", obj=obj, params={
        "start": start.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "end": end.strftime("%Y-%m-%dT%H:%M:%S+00:00")})
    return [Tombstone(str(r["id"]), parse_instant(r["deletedDate"]) if r.get("deletedDate") else None)
            for r in body.get("deletedRecords", [])]


def live_ids(client: SalesforceClient, bulk: Bulk, obj: str, *, threshold: int) -> tuple[set[str], str]:
    """Every live Id of ``obj`` right now, and how they were listed."""
    count = int(client.get_json("query", obj=obj, params={"q": f"SELECT COUNT() FROM {obj}"})["totalSize"])
    ids: set[str] = set()
    if count >= threshold:
        job = bulk.start_query(obj, f"SELECT Id FROM {obj}", include_deleted=False)
        bulk.wait(obj, job)
        for page in bulk.pages(obj, job, None, {"Id": "id"}):
            ids.update(str(r["Id"]) for r in page.rows)
        return ids, "Bulk API 2.0"
    headers = {"Sforce-Query-Options": "batchSize=2000"}

    def fetch(next_url: str | None) -> dict[str, Any]:
        body: dict[str, Any] = (client.get_json("query", obj=obj, params={"q": f"SELECT Id FROM {obj}"},
                                                headers=headers) if next_url is None
                                else client.get_json(next_url, obj=obj, headers=headers))
        return body

    for body, _ in walk(fetch, NEXT_RECORDS, connection=client.connection, object=obj):
        ids.update(str(r["Id"]) for r in body.get("records", []))
    return ids, "REST"
