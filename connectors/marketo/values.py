"""Marketo's wire values: datetimes as ISO-8601 (``Z``, no milliseconds in export filters), CSV with ``null``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base import Record
from connectors.errors import ApiError
from connectors.instants import parse_instant as parse_instant  # re-exported: the connector's own name
from connectors.marketo.objects import ACTIVITY_FIELDS


def wire_instant(value: datetime) -> str:
    """What Marketo accepts everywhere, export filters included (no milliseconds, explicit ``Z``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_records(data: bytes) -> Iterator[Record]:
    """A bulk file (real CSV: quoted fields, embedded commas and newlines); ``null`` is Marketo's empty value."""
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(reader, None)
    if header is None:
        return
    for row in reader:
        if row:
            yield {name: (None if value == "null" else value) for name, value in zip(header, row, strict=True)}


def activity_key(item: dict[str, Any]) -> str:
    """An activity's identity: ``marketoGUID``. Marketo documents the integer ``id`` as absent on instances migrated
    to its Activity Service and "not to be treated as unique"; ``marketoGUID`` "is replacing" it as the unique
    identifier (activities, lead changes, deleted leads). On a classic instance it is the id's decimal string, so
    activities stored under their integer id keep their key."""
    guid = item.get("marketoGUID")
    if guid is None or str(guid) == "":
        raise ApiError(f"activity without a marketoGUID (id {item.get('id')!r}, lead {item.get('leadId')!r}, "
                       f"{item.get('activityDate')!r}): field marketoGUID expected on every activity",
                       object="activities", field="marketoGUID")
    return str(guid)


def flatten_activity(item: dict[str, Any], type_names: dict[int, str]) -> Record:
    """One activity -> a flat record: envelope fields, ``attr.<name>`` per attribute, ``url`` for web types."""
    record: Record = {k: item.get(k) for k in ACTIVITY_FIELDS if k in item}
    record["marketoGUID"] = activity_key(item)
    if item.get("id") is not None:  # informational only: absent or repeated on migrated instances
        record["id"] = str(item["id"])
    type_id = int(item["activityTypeId"])
    record["activityTypeId"] = type_id
    record["activityTypeName"] = type_names.get(type_id)
    for attr in item.get("attributes") or ():
        record[f"attr.{attr['name']}"] = attr.get("value")
    # The page a web activity happened on: Visit Webpage names it in an attribute, Click Link in its primary value.
    record["url"] = record.get("attr.Webpage URL") or (item.get("primaryAttributeValue") if type_id == 3 else None)
    return record


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
