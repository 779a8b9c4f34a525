"""``crmhub quality replay``: map and check quarantined records again — after a fix to the data, the rules or the
mapping, or an accepted type change — and land the ones that now pass.

Records are taken in pages of ``batch_size`` (keyset on the quarantine id); each page lands in ONE transaction:
canonical rows and their links upserted, their quarantine rows closed as ``replayed``, the ones still refused
kept open with the reasons of this check, and their quality scores. Nothing is read from the CRM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine

import store
from mapping.apply import map_records
from mapping.model import TABLE_OF
from mapping.raw import table_of
from mapping.spec import ObjectMapping
from quality.checker import QualityChecker, QualityFailure
from store.quality_scores import live_ids, save_scores
from store.quarantine import open_quarantine_page, update_reasons
from sync.drift import stored_drift_plan
from sync.land import content_hash
from sync.raw import replay_mapping
from sync.runner import Stream


@dataclass(slots=True)
class ReplayCounts:
    connection: str
    object: str
    examined: int = 0
    landed: int = 0
    still_quarantined: int = 0
    not_replayable: int = 0  # the stream is no longer in the config: left as it is
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "object": self.object, "examined": self.examined,
                "landed": self.landed, "still_quarantined": self.still_quarantined,
                "not_replayable": self.not_replayable, "errors": self.errors}


def replay(engine: Engine, streams: Sequence[Stream], checker: QualityChecker, *, connection: str | None = None,
           rule: str | None = None, batch_size: int = 500) -> list[ReplayCounts]:
    by_key = {(s.connector.name, s.spec.name): s for s in streams}
    mappings: dict[tuple[str, str], ObjectMapping] = {}
    counts: dict[tuple[str, str], ReplayCounts] = {}
    after = 0
    while True:
        with engine.connect() as conn:
            page = open_quarantine_page(conn, after_id=after, limit=batch_size, connection=connection)
        if not page:
            break
        after = page[-1]["id"]
        chosen = [q for q in page if rule is None or any(r.get("rule") == rule for r in q["reasons"] or [])]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for q in chosen:
            groups.setdefault((q["connection"], q["object"]), []).append(q)
        with engine.begin() as conn:  # one transaction per page
            for key, rows in groups.items():
                c = counts.setdefault(key, ReplayCounts(*key))
                c.examined += len(rows)
                stream = by_key.get(key)
                if stream is None:
                    c.not_replayable += len(rows)
                    continue
                if key not in mappings:
                    mappings[key] = _replay_mapping(engine, stream)
                _replay_group(conn, stream, mappings[key], checker, rows, c)
    return list(counts.values())


def _replay_mapping(engine: Engine, stream: Stream) -> ObjectMapping:
    """The mapping of the stream's last run, from the store alone (no CRM call)."""
    name = stream.connector.name
    if stream.raw is not None:
        return replay_mapping(engine, connection=name, spec=stream.spec, settings=stream.raw,
                              policy=stream.drift_policy)
    return stored_drift_plan(engine, connection=name, mapping=stream.mapping, policy=stream.drift_policy).mapping


def _replay_group(conn: Connection, stream: Stream, mapping: ObjectMapping, checker: QualityChecker,
                  rows: list[dict[str, Any]], c: ReplayCounts) -> None:
    latest = {q["source_id"]: q for q in rows}  # one record quarantined twice: its latest read counts
    older = [q["id"] for q in rows if latest[q["source_id"]]["id"] != q["id"]]
    store.resolve_quarantine(conn, ids=older, status="replayed")
    c.examined -= len(older)
    by_source = {sid: q for sid, q in latest.items()}
    mapped = map_records(mapping, [q["payload"] for q in latest.values()], connection=c.connection,
                         primary_key=stream.spec.primary_key)
    exists: Callable[[str, Sequence[str]], set[str]] = lambda entity, ids: live_ids(  # noqa: E731
        conn, table=TABLE_OF[entity], ids=ids)
    try:
        verdict = checker.check(mapping.entity, mapped.rows, exists=exists)
    except QualityFailure as exc:
        c.errors.append(str(exc))
        c.still_quarantined += len(latest)
        return
    refused = [(by_source[r.source_id]["id"], r.reasons) for r in mapped.rejects]
    refused += [(by_source[row["source_id"]]["id"], reasons) for row, reasons in verdict.quarantined]
    update_reasons(conn, refused)
    _land(conn, stream, mapping, verdict.passed, by_source)
    save_scores(conn, run_id=None, connection=c.connection, object=c.object, entity=mapping.entity,
                scores=verdict.scores)
    c.landed += len(verdict.passed)
    c.still_quarantined += len(refused)


def _land(conn: Connection, stream: Stream, mapping: ObjectMapping, rows: Sequence[dict[str, Any]],
          by_source: dict[str, dict[str, Any]]) -> None:
    if not rows:
        return
    now = datetime.now(UTC)
    table = store.entity_table(conn, table_of(mapping.entity))
    store.upsert(conn, table, [{**r, "synced_at": now, "deleted_at": None} for r in rows], key=["id"])
    store.upsert_links(conn, [{"connection": r["source_connection"], "object": r["source_object"],
                               "source_id": r["source_id"], "entity": table.name,
                               "canonical_id": r["id"], "source_modified_at": r.get("updated_at"),
                               "content_hash": content_hash(r), "last_run_id": by_source[r["source_id"]]["run_id"]}
                              for r in rows])
    store.resolve_quarantine(conn, ids=[by_source[r["source_id"]]["id"] for r in rows], status="replayed")
