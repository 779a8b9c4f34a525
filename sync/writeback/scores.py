"""What the scores say each CRM record should hold: crmhub's outputs joined to the records they came from.

``fields`` is the connection's ``writeback.fields``: a crmhub output name -> the CRM field that receives it. Lead
outputs go to records of the lead and contact entities, the win probability to opportunities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, and_, or_, select

from store.tables import deal_score, lead, lead_score, source_link
from sync.writeback.plan import Desired

LEAD_OUTPUTS = ("lead_score", "lead_grade", "lead_reasons")
DEAL_OUTPUTS = ("win_probability", "win_reasons")
OUTPUTS_OF = {"lead": LEAD_OUTPUTS, "contact": LEAD_OUTPUTS, "opportunity": DEAL_OUTPUTS}
REASONS_MAX = 255  # the shortest text field among the four CRMs' defaults (Salesforce Text(255))


def outputs_for(entity: str, fields: Mapping[str, str]) -> dict[str, str]:
    """The configured outputs that apply to records of ``entity`` (output -> CRM field)."""
    return {out: fields[out] for out in OUTPUTS_OF.get(entity, ()) if out in fields}


def desired_values(conn: Connection, *, connection: str, object: str, entity: str,
                   fields: Mapping[str, str]) -> Iterator[Desired]:
    """One Desired per live record of the stream that has a valid score."""
    wanted = outputs_for(entity, fields)
    if not wanted:
        return
    now = datetime.now(UTC)
    link = source_link.c
    query: Select[*tuple[Any, ...]]  # the two branches select different columns
    if entity == "opportunity":
        score = deal_score.c
        query = select(link.source_id, score.probability, score.reasons).join(
            deal_score, score.opportunity_id == link.canonical_id)
    else:
        score = lead_score.c
        query = select(link.source_id, score.score, score.grade, score.reasons).join(
            lead_score, and_(score.record_id == link.canonical_id, score.entity == entity))
        if entity == "lead":
            # A converted lead lives on as its contact (Salesforce refuses edits to it: CANNOT_UPDATE_CONVERTED_LEAD).
            query = query.join(lead, lead.c.id == link.canonical_id).where(or_(lead.c.converted.is_(None),
                                                                              lead.c.converted.is_(False)))
    query = query.where(link.connection == connection, link.object == object, link.is_deleted.is_(False),
                        score.valid_until > now).order_by(link.source_id)
    for row in conn.execute(query.execution_options(yield_per=5000)):
        yield Desired(row.source_id, _values(row._mapping, wanted, entity))


def _values(row: RowMapping, wanted: Mapping[str, str], entity: str) -> dict[str, Any]:
    if entity == "opportunity":
        produced = {"win_probability": round(float(row["probability"]) * 100, 1),
                    "win_reasons": str(row["reasons"])[:REASONS_MAX]}
    else:
        produced = {"lead_score": round(float(row["score"])), "lead_grade": str(row["grade"]),
                    "lead_reasons": str(row["reasons"])[:REASONS_MAX]}
    return {crm_field: produced[out] for out, crm_field in wanted.items()}
