"""HubSpot records that are not CRM objects of their own: pipeline stages and a deal's contact roles.

- Pipeline stages (``deal_stages``): ``/crm/v3/pipelines/deals`` has no cursor and no paging; every read lists
  every stage (a handful) with ``live_ids``, so a stage an admin deleted is tombstoned and nothing is missed.
- Contact roles (``deal_contact_roles``): a deal's contacts and the USER_DEFINED labels of each pair (HubSpot's
  association labels: "Decision maker", "Champion"...). They are read as the deals change: the deals' own
  list/search reads (same cursor, windows and id reconciliation), each page's pairs fetched with one v4 batch read.
  A pair's id is ``<deal id>_<contact id>``. A deal or contact deleted takes its pairs with it (the deals and
  contacts streams carry the cascade); a pair removed from a deal that still lives shows as missing from the
  reconciliation listing (``reconcile_hours``), as HubSpot reports no association deletes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record, options_of
from connectors.hubspot.objects import ASSOC_BATCH, HubSpotOptions
from connectors.hubspot.state import HubSpotState, OwnersPhase

STAGE_FIELDS = ("id", "pipeline", "pipelineLabel", "label", "displayOrder", "probability", "isClosed", "isWon",
                "createdAt", "updatedAt")
ROLE_FIELDS = ("id", "deal_id", "contact_id", "labels", "label_type_ids")


class ListingClient(Protocol):
    connection: str

    @property
    def calls(self) -> int: ...

    def pipelines(self, object_type: str) -> dict[str, Any]: ...

    def associations(self, from_type: str, to_type: str, ids: Sequence[str]) -> dict[str, Any]: ...


class ChangeReader(Protocol):
    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str],
             full_refresh: bool) -> Iterator[ChangeBatch]: ...


def read_stages(client: ListingClient, spec: ObjectSpec, now: datetime) -> Iterator[ChangeBatch]:
    before = client.calls
    object_type = (options_of(spec, HubSpotOptions).pair or ("deals", ""))[0]
    records = [_stage(p, s) for p in client.pipelines(object_type).get("results", []) for s in p.get("stages", [])]
    note = f"pipeline stages: {len(records)} listed"
    yield ChangeBatch(spec, records, [], Cursor(now, HubSpotState(OwnersPhase()).to_state()), client.calls - before,
                      (note,), live_ids=frozenset(r["id"] for r in records))


def _stage(pipeline: dict[str, Any], stage: dict[str, Any]) -> Record:
    meta = stage.get("metadata") or {}
    closed = str(meta.get("isClosed", "")).lower() == "true"
    try:
        probability: float | None = float(meta["probability"]) if "probability" in meta else None
    except (TypeError, ValueError):
        probability = None
    return {"id": str(stage["id"]), "pipeline": str(pipeline["id"]), "pipelineLabel": pipeline.get("label"),
            "label": stage.get("label"), "displayOrder": stage.get("displayOrder"),
            "probability": meta.get("probability"), "isClosed": closed,
            # HubSpot marks no stage "won": a closed stage at probability 1.0 is the won one.
            "isWon": closed and probability is not None and probability >= 1.0,
            "createdAt": stage.get("createdAt"), "updatedAt": stage.get("updatedAt")}


@dataclass(frozen=True, slots=True)
class RoleReader:
    client: ListingClient
    changes: ChangeReader  # the reader of CRM objects: the deals' own reads drive this stream

    def read(self, spec: ObjectSpec, since: Cursor, full_refresh: bool) -> Iterator[ChangeBatch]:
        from_type, to_type = options_of(spec, HubSpotOptions).pair or ("deals", "contacts")
        driver = ObjectSpec(from_type, spec.entity, "id", "hs_lastmodifieddate",
                            HubSpotOptions("objects", "hs_lastmodifieddate"))
        for batch in self.changes.read(driver, since, ["hs_lastmodifieddate"], full_refresh):
            before = self.client.calls
            pairs = self._pairs(from_type, to_type, [str(r["id"]) for r in batch.upserts])
            live = None
            if batch.live_ids is not None:
                live = frozenset(r["id"] for r in self._pairs(from_type, to_type, sorted(batch.live_ids)))
            notes = tuple(batch.notes) + ((f"contact roles: {len(live):,} live pairs listed",) if live is not None
                                          else ())
            # The driver's deletes are deals: their pairs go by the deals stream's cascade, not from here.
            yield ChangeBatch(spec, pairs, [], batch.next_cursor, batch.api_calls + self.client.calls - before,
                              notes, live_ids=live)

    def _pairs(self, from_type: str, to_type: str, ids: list[str]) -> list[Record]:
        out: list[Record] = []
        for start in range(0, len(ids), ASSOC_BATCH):
            body = self.client.associations(from_type, to_type, ids[start:start + ASSOC_BATCH])
            for row in body.get("results", []):
                owner = str(row["from"]["id"])
                for target in row.get("to") or []:
                    out.append(_pair(owner, target))
        return out


def _pair(owner: str, target: dict[str, Any]) -> Record:
    labels = [t for t in target.get("associationTypes") or [] if t.get("category") == "USER_DEFINED" and
              t.get("label")]
    contact = str(target["toObjectId"])
    return {"id": f"{owner}_{contact}", "deal_id": owner, "contact_id": contact,
            "labels": "; ".join(str(t["label"]) for t in labels) or None,
            "label_type_ids": ";".join(str(t["typeId"]) for t in labels) or None}
