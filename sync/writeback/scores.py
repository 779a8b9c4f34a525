"""What the scores say each CRM record should hold: crmhub's outputs joined to the records they came from.

``fields`` is the connection's ``writeback.fields``: a crmhub output name -> the CRM field that receives it. Lead
outputs go to records of the lead and contact entities, the win probability and the deal warnings to opportunities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, or_, select

from store.tables import deal_score, deal_warning, lead, lead_score, opportunity, source_link, writeback_ledger
from sync.writeback.plan import Desired

LEAD_OUTPUTS = ("lead_score", "lead_grade", "lead_reasons")
WIN_OUTPUTS = ("win_probability", "win_reasons")
DEAL_OUTPUTS = (*WIN_OUTPUTS, "deal_warnings")
OUTPUTS_OF = {"lead": LEAD_OUTPUTS, "contact": LEAD_OUTPUTS, "opportunity": DEAL_OUTPUTS}
REASONS_MAX = 255  # the shortest text field among the four CRMs' defaults (Salesforce Text(255))
FIELD_SET = "scores"  # one ledger entry per record for all its output fields: they change together


def outputs_for(entity: str, fields: Mapping[str, str]) -> dict[str, str]:
    """The configured outputs that apply to records of ``entity`` (output -> CRM field)."""
    return {out: fields[out] for out in OUTPUTS_OF.get(entity, ()) if out in fields}


def desired_values(conn: Connection, *, connection: str, object: str, entity: str,
                   fields: Mapping[str, str]) -> Iterator[Desired]:
    """One Desired per live record of the stream that has something to hold: a valid score, or (deals) a warning
    or a warning text to clear."""
    wanted = outputs_for(entity, fields)
    if not wanted:
        return
    now = datetime.now(UTC)
    if entity == "opportunity":
        yield from _deals(conn, connection=connection, object=object, wanted=wanted, now=now)
        return
    link, score = source_link.c, lead_score.c
    query: Select[Any] = select(link.source_id, score.score, score.grade, score.reasons).join(
        lead_score, and_(score.record_id == link.canonical_id, score.entity == entity))
    if entity == "lead":
        # A converted lead lives on as its contact (Salesforce refuses edits to it: CANNOT_UPDATE_CONVERTED_LEAD).
        query = query.join(lead, lead.c.id == link.canonical_id).where(or_(lead.c.converted.is_(None),
                                                                          lead.c.converted.is_(False)))
    query = query.where(link.connection == connection, link.object == object, link.is_deleted.is_(False),
                        score.valid_until > now).order_by(link.source_id)
    for row in conn.execute(query.execution_options(yield_per=5000)):
        produced = {"lead_score": round(float(row.score)), "lead_grade": str(row.grade),
                    "lead_reasons": str(row.reasons)[:REASONS_MAX]}
        yield Desired(row.source_id, {crm_field: produced[out] for out, crm_field in wanted.items()})


def _deals(conn: Connection, *, connection: str, object: str, wanted: Mapping[str, str],
           now: datetime) -> Iterator[Desired]:
    """A deal holds its win probability while its score is valid, and its warnings (analytics/pipeline) while it is
    open; a deal whose warnings went away — resolved, or the deal closed — gets an empty text once, so the CRM never
    shows a warning crmhub no longer gives. A deal with neither, never written, is not touched."""
    link, score, opp = source_link.c, deal_score.c, opportunity.c
    warned = "deal_warnings" in wanted
    texts = _warning_texts(conn) if warned else {}
    written = exists().where(writeback_ledger.c.connection == link.connection, writeback_ledger.c.object == link.object,
                             writeback_ledger.c.source_id == link.source_id, writeback_ledger.c.field_set == FIELD_SET)
    query = (select(link.source_id, link.canonical_id, score.probability, score.reasons, opp.is_closed,
                    written.label("written"))
             .select_from(source_link)
             .outerjoin(deal_score, and_(score.opportunity_id == link.canonical_id, score.valid_until > now))
             .outerjoin(opportunity, opp.id == link.canonical_id)
             .where(link.connection == connection, link.object == object, link.is_deleted.is_(False))
             .order_by(link.source_id))
    for row in conn.execute(query.execution_options(yield_per=5000)):
        produced: dict[str, Any] = {}
        if row.probability is not None:
            produced.update(win_probability=round(float(row.probability) * 100, 1),
                            win_reasons=str(row.reasons)[:REASONS_MAX])
        if warned:
            text = texts.get(row.canonical_id, "") if not row.is_closed else ""
            if text or row.written or row.probability is not None:
                produced["deal_warnings"] = text
        values = {crm_field: produced[out] for out, crm_field in wanted.items() if out in produced}
        if values:
            yield Desired(row.source_id, values)


def _warning_texts(conn: Connection) -> dict[str, str]:
    """Each warned deal's reasons in one line, in a fixed order (by kind), cut to the shortest CRM text field."""
    rows = conn.execute(select(deal_warning.c.opportunity_id, deal_warning.c.reason)
                        .order_by(deal_warning.c.opportunity_id, deal_warning.c.kind))
    texts: dict[str, list[str]] = {}
    for opportunity_id, reason in rows:
        texts.setdefault(opportunity_id, []).append(str(reason))
    return {k: _cut("; ".join(v)) for k, v in texts.items()}


def _cut(text: str) -> str:
    return text if len(text) <= REASONS_MAX else text[:REASONS_MAX - 1] + "…"
