"""The demo's last act: score leads, contacts and deals and compute the deal warnings, write them back into every
CRM, and read them back through each CRM's own API (crmhub's connector calls, not the sandbox's admin truth) to show
they are visible."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, union_all

from analytics import deals
from analytics.pipeline.service import refresh_warnings
from analytics.scoring import ScoringOptions, score_leads
from connectors.base import spec_named
from connectors.registry import build_connector
from hub.cmd_writeback import writeback_command
from hub.context import App
from hub.demos import DemoCrm
from store.tables import contact, lead, lead_score, source_link, writeback_ledger
from sync.writeback.compare import same_values

TOP = 10


def score_everything(app: App) -> dict[str, Any]:
    options = ScoringOptions.from_settings(app.cfg.scoring)
    runs = {entity: score_leads(app.engine, options=options, entity=entity).as_dict() for entity in ("lead", "contact")}
    dealt = deals.score(app.engine, validity_hours=app.cfg.scoring.validity_hours, top=app.cfg.scoring.top_reasons)
    warned = refresh_warnings(app.engine, datetime.now(UTC))
    return {"leads": runs["lead"], "contacts": runs["contact"],
            "deals": {k: dealt[k] for k in ("scored", "model_version") if k in dealt},
            "deal_warnings": {"open_deals": warned["open_deals"], "stored": warned["stored"],
                              "by_kind": warned["by_kind"]}}


def write_back(app: App, crms: Sequence[DemoCrm]) -> tuple[list[dict[str, Any]], int]:
    summaries, code = writeback_command(app, connections=[c.connection for c in crms if c.writeback],
                                        dry_run=False, retry=False)
    return [s.as_dict() for s in summaries], code


def verify(app: App, crms: Sequence[DemoCrm]) -> dict[str, dict[str, Any]]:
    """Per connection and object: how many written records the CRM's API shows with the values the ledger holds."""
    out: dict[str, dict[str, Any]] = {}
    for crm in crms:
        if not crm.writeback:
            continue
        conn_cfg = app.cfg.connection(crm.connection)
        connector = build_connector(crm.connection, conn_cfg, settle_lag=timedelta(seconds=0))
        try:
            with app.engine.connect() as db:
                rows = db.execute(select(writeback_ledger.c.object, writeback_ledger.c.source_id,
                                         writeback_ledger.c["values"]).where(
                    writeback_ledger.c.connection == crm.connection)).all()
            by_object: dict[str, dict[str, dict[str, Any]]] = {}
            for obj, sid, values in rows:
                by_object.setdefault(obj, {})[sid] = values
            out[crm.connection] = {}
            for obj, sent in by_object.items():
                spec = spec_named(connector.objects, obj, connection=crm.connection)
                fields = sorted({f for v in sent.values() for f in v})
                now = connector.read_current(spec, list(sent), fields)
                shown = sum(sid in now and same_values(now[sid][0], v) for sid, v in sent.items())
                out[crm.connection][obj] = {"written": len(sent), "visible_via_api": shown,
                                            "agree": shown == len(sent)}
        finally:
            connector.close()
    return out


def warned_deals(app: App, crms: Sequence[DemoCrm], per_crm: int = 3) -> list[dict[str, Any]]:
    """Deals whose warnings were written, a few per CRM, with the text each CRM's own API shows for them now."""
    shown: list[dict[str, Any]] = []
    for crm in crms:
        field = crm.writeback.get("deal_warnings")
        if field is None:
            continue
        with app.engine.connect() as db:
            rows = db.execute(select(writeback_ledger.c.object, writeback_ledger.c.source_id,
                                     writeback_ledger.c["values"]).where(
                writeback_ledger.c.connection == crm.connection).order_by(writeback_ledger.c.source_id)).all()
        sent = [(obj, sid, values[field]) for obj, sid, values in rows if values.get(field)]
        if not sent:
            continue
        connector = build_connector(crm.connection, app.cfg.connection(crm.connection),
                                    settle_lag=timedelta(seconds=0))
        try:
            obj = sent[0][0]
            sample = [s for s in sent if s[0] == obj][:per_crm]
            now = connector.read_current(spec_named(connector.objects, obj, connection=crm.connection),
                                         [sid for _, sid, _ in sample], [field])
        finally:
            connector.close()
        for _, sid, text in sample:
            in_crm = now[sid][0].get(field) if sid in now else None
            shown.append({"connection": crm.connection, "object": obj, "source_id": sid, "warned": len(sent),
                          "field": field, "sent": text, "in_crm": in_crm, "agree": in_crm == text})
    return shown


def top_leads(app: App, limit: int = TOP) -> list[dict[str, Any]]:
    """The best-scored leads and contacts across every CRM, with where they live, their grade and reasons."""
    people = union_all(
        select(lead.c.id, lead.c.first_name, lead.c.last_name, lead.c.email),
        select(contact.c.id, contact.c.first_name, contact.c.last_name, contact.c.email),
    ).subquery()
    s, link = lead_score.c, source_link.c
    query = (select(s.entity, s.score, s.grade, s.reasons, link.connection, link.object, link.source_id,
                    people.c.first_name, people.c.last_name, people.c.email)
             .join(source_link, link.canonical_id == s.record_id).join(people, people.c.id == s.record_id)
             .where(link.is_deleted.is_(False)).order_by(s.score.desc(), link.source_id).limit(limit))
    with app.engine.connect() as db:
        return [{"connection": r.connection, "object": r.object, "source_id": r.source_id,
                 "name": " ".join(p for p in (r.first_name, r.last_name) if p) or (r.email or ""),
                 "score": round(float(r.score)), "grade": r.grade, "reasons": r.reasons}
                for r in db.execute(query)]
