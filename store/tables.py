"""The store's tables: canonical CRM entities and the sync engine's bookkeeping, all in one ``MetaData``.

Migrations in ``store/migrations/versions`` must create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
    text,
)

from store.types import UtcDateTime, json_type

# Named constraints let later SQLite migrations (batch mode) refer to them by name.
NAMING_CONVENTION: Mapping[str, str] = MappingProxyType(
    {
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ACTIVITY_TYPES: tuple[str, ...] = (
    "call",
    "email_sent",
    "email_open",
    "email_click",
    "meeting",
    "task",
    "note",
    "web_visit",
    "form_fill",
    "other",
)
RUN_STATUSES: tuple[str, ...] = ("running", "succeeded", "partial", "failed", "stopped", "cancelled")
# echoes: records read back whose only change is crmhub's own write-back (a sub-count of read, not a term of
# the reconciliation read = upserted + unchanged + quarantined + failed).
RUN_COUNT_FIELDS: tuple[str, ...] = ("read", "upserted", "unchanged", "quarantined", "failed", "deleted", "echoes")
# deleted: the CRM deleted the record while it sat in quarantine (found by a tombstone or an id listing).
QUARANTINE_STATUSES: tuple[str, ...] = ("open", "replayed", "dismissed", "deleted")

metadata = MetaData(naming_convention=dict(NAMING_CONVENTION))
# What an ``entity`` column holds: a canonical table's name or a raw table's (store/raw.py), at most PostgreSQL's
# 63-character identifier (migration 0014 widened them from 50).
ENTITY_LENGTH = 63


def _str(name: str) -> Column[Any]:
    return Column(name, String(255))


def _canonical(name: str, *typed: Column[Any]) -> Table:
    """A canonical entity table: identity and provenance first, the typed fields, then custom fields and times."""
    return Table(
        name,
        metadata,
        Column("id", String(36), primary_key=True),
        Column("source_connection", String(100), nullable=False),
        Column("source_object", String(100), nullable=False),
        Column("source_id", String(255), nullable=False),
        *typed,
        Column("custom", json_type()),
        Column("created_at", UtcDateTime()),
        Column("updated_at", UtcDateTime()),
        Column("deleted_at", UtcDateTime()),
        Column("synced_at", UtcDateTime(), nullable=False),
        Index(f"ix_{name}_source", "source_connection", "source_object", "source_id"),
    )


account = _canonical(
    "account",
    _str("name"),
    _str("domain"),
    _str("industry"),
    Column("employees", Integer),
    Column("annual_revenue", Float),
    _str("country"),
    _str("city"),
    _str("phone"),
    _str("owner_id"),
    _str("website"),
    _str("tier"),  # migration 0013
)

contact = _canonical(
    "contact",
    _str("first_name"),
    _str("last_name"),
    _str("email"),
    _str("phone"),
    _str("title"),
    _str("account_id"),
    _str("owner_id"),
    _str("country"),
    _str("city"),
    _str("lifecycle_stage"),
    _str("lead_source"),
)

lead = _canonical(
    "lead",
    _str("first_name"),
    _str("last_name"),
    _str("email"),
    _str("phone"),
    _str("title"),
    _str("company"),
    _str("status"),
    _str("lead_source"),
    _str("country"),
    _str("city"),
    _str("owner_id"),
    _str("industry"),
    Column("employees", Integer),
    Column("converted", Boolean),
    Column("converted_at", UtcDateTime()),
    _str("converted_contact_id"),
    _str("converted_account_id"),
    _str("converted_opportunity_id"),
    _str("account_id"),  # migration 0009
)

opportunity = _canonical(
    "opportunity",
    _str("name"),
    _str("account_id"),
    _str("contact_id"),
    _str("owner_id"),
    Column("amount", Float),
    Column("currency", String(3)),
    _str("stage"),
    _str("pipeline"),
    Column("probability", Float),
    Column("close_date", Date),
    Column("is_closed", Boolean),
    Column("is_won", Boolean),
    _str("loss_reason"),  # migration 0013
    _str("forecast_category"),
)

activity = _canonical(
    "activity",
    _str("type"),  # one of ACTIVITY_TYPES; checked by quality/, not by a constraint that would fail a whole batch
    _str("subject"),
    Column("body", Text),
    Column("occurred_at", UtcDateTime()),
    _str("status"),
    _str("direction"),
    _str("contact_id"),
    _str("lead_id"),
    _str("account_id"),
    _str("opportunity_id"),
    _str("owner_id"),
    _str("campaign_id"),
    Column("url", Text),  # web visits and form fills: the page, which intent scoring reads
    Column("duration_minutes", Float),  # migration 0013
    _str("outcome"),
)
# A deleted lead takes its activities with it (sync/land.py cascades by this link): migration 0009.
Index("ix_activity_lead_id", activity.c.lead_id)

crm_user = _canonical(
    "crm_user",
    _str("email"),
    _str("first_name"),
    _str("last_name"),
    _str("title"),
    Column("active", Boolean),
    _str("team"),
)

team = _canonical("team", _str("name"), _str("owner_id"), _str("business_unit"))

campaign = _canonical(
    "campaign",
    _str("name"),
    _str("type"),
    _str("status"),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("budget", Float),
    Column("actual_cost", Float),
    Column("expected_revenue", Float),
    _str("owner_id"),
    _str("parent_id"),
    Column("active", Boolean),
)

campaign_member = _canonical(
    "campaign_member",
    _str("campaign_id"),
    _str("contact_id"),
    _str("lead_id"),
    _str("status"),
    Column("responded", Boolean),
    Column("first_responded_at", Date),
)
Index("ix_campaign_member_lead_id", campaign_member.c.lead_id)  # migration 0009, as activity's

opportunity_stage = _canonical(
    "opportunity_stage",
    _str("opportunity_id"),
    _str("stage"),
    Column("amount", Float),
    Column("probability", Float),
    Column("close_date", Date),
    Column("changed_at", UtcDateTime()),
    _str("changed_by_id"),
)

# Products and opportunities' line items: migration 0011.
product = _canonical(
    "product",
    _str("name"),
    _str("product_code"),
    _str("sku"),
    _str("family"),
    Column("description", Text),
    Column("active", Boolean),
    Column("unit_price", Float),
    Column("currency", String(3)),
)

line_item = _canonical(
    "line_item",
    _str("opportunity_id"),
    _str("product_id"),
    _str("name"),
    Column("quantity", Float),
    Column("unit_price", Float),
    Column("list_price", Float),
    Column("discount_percent", Float),
    Column("discount_amount", Float),
    Column("total_price", Float),
    Column("currency", String(3)),
)
Index("ix_line_item_opportunity_id", line_item.c.opportunity_id)  # an opportunity's products, deal features


def _ref_indexes(table: Table, *refs: str) -> None:
    """Index the refs the analytics join on (deals, accounts, people), so a join does not scan the table."""
    for ref in refs:
        Index(f"ix_{table.name}_{ref}", table.c[ref])


# --- issue 17, migration 0013: the CRMs' standard objects ---
quota = _canonical(
    "quota",
    _str("owner_id"),
    _str("team_id"),
    Column("period_start", Date),
    Column("period_end", Date),
    _str("quota_type"),  # revenue | units | activities
    Column("amount", Float),
    Column("currency", String(3)),
)
_ref_indexes(quota, "owner_id", "team_id")

territory = _canonical(
    "territory",
    _str("name"),
    _str("parent_id"),
    Column("description", Text),
    _str("territory_type"),
)

territory_assignment = _canonical(
    "territory_assignment",
    _str("territory_id"),
    _str("user_id"),
    _str("account_id"),
    _str("role"),
    Column("effective_from", Date),
    Column("effective_to", Date),
)
_ref_indexes(territory_assignment, "territory_id", "user_id", "account_id")

competitor = _canonical(
    "competitor",
    _str("name"),
    _str("website"),
    Column("strengths", Text),
    Column("weaknesses", Text),
)

opportunity_competitor = _canonical(
    "opportunity_competitor",
    _str("opportunity_id"),
    _str("competitor_id"),
    _str("competitor_name"),
    Column("strengths", Text),
    Column("weaknesses", Text),
    Column("won_by_competitor", Boolean),
    _str("loss_reason"),
)
_ref_indexes(opportunity_competitor, "opportunity_id", "competitor_id")

opportunity_contact_role = _canonical(
    "opportunity_contact_role",
    _str("opportunity_id"),
    _str("contact_id"),
    _str("role"),
    Column("is_primary", Boolean),
)
_ref_indexes(opportunity_contact_role, "opportunity_id", "contact_id")

pipeline_stage = _canonical(
    "pipeline_stage",
    _str("pipeline"),
    _str("stage"),
    _str("label"),
    Column("display_order", Integer),
    Column("probability", Float),
    Column("is_closed", Boolean),
    Column("is_won", Boolean),
    _str("forecast_category"),
)

support_case = _canonical(  # the entity "case": a reserved word in SQL
    "support_case",
    _str("subject"),
    Column("description", Text),
    _str("status"),
    _str("priority"),
    _str("origin"),
    _str("case_type"),
    _str("account_id"),
    _str("contact_id"),
    _str("owner_id"),
    Column("opened_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    Column("is_closed", Boolean),
)
_ref_indexes(support_case, "account_id", "contact_id", "owner_id")

contract = _canonical(
    "contract",
    _str("account_id"),
    _str("owner_id"),
    _str("contract_number"),
    _str("name"),
    _str("status"),
    _str("contract_type"),  # contract | subscription | partner_agreement
    Column("start_date", Date),
    Column("end_date", Date),
    Column("renewal_date", Date),
    Column("term_months", Integer),
    Column("amount", Float),
    Column("currency", String(3)),
    Column("auto_renew", Boolean),
)
_ref_indexes(contract, "account_id", "owner_id")

quote = _canonical(
    "quote",
    _str("opportunity_id"),
    _str("account_id"),
    _str("name"),
    _str("quote_number"),
    _str("status"),
    Column("amount", Float),
    Column("discount_percent", Float),
    Column("currency", String(3)),
    Column("expires_on", Date),
    Column("accepted", Boolean),
)
_ref_indexes(quote, "opportunity_id", "account_id")

# --- issue 17, migration 0013: the seed's models that CRMs keep as custom objects ---
training_program = _canonical(
    "training_program",
    _str("name"),
    _str("program_type"),  # onboarding | product | skills | partner | customer
    _str("status"),
    _str("owner_id"),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("duration_hours", Float),
)
_ref_indexes(training_program, "owner_id")

training_enrolment = _canonical(
    "training_enrolment",
    _str("program_id"),
    _str("user_id"),
    _str("partner_id"),
    _str("status"),  # enrolled | completed | dropped
    Column("enrolled_on", Date),
    Column("completed_on", Date),
    Column("score", Float),
)
_ref_indexes(training_enrolment, "program_id", "user_id", "partner_id")

coaching_session = _canonical(
    "coaching_session",
    _str("coach_id"),
    _str("rep_id"),
    _str("opportunity_id"),
    Column("held_at", UtcDateTime()),
    Column("duration_minutes", Float),
    _str("topic"),
    Column("rating", Float),
)
_ref_indexes(coaching_session, "coach_id", "rep_id", "opportunity_id")

assessment = _canonical(
    "assessment",
    _str("user_id"),
    _str("program_id"),
    _str("name"),
    _str("skill"),
    Column("score", Float),
    Column("max_score", Float),
    Column("passed", Boolean),
    Column("taken_on", Date),
)
_ref_indexes(assessment, "user_id", "program_id")

channel_partner = _canonical(
    "channel_partner",
    _str("name"),
    _str("account_id"),
    _str("tier"),
    _str("status"),
    _str("country"),
    _str("owner_id"),
    Column("joined_on", Date),
)
_ref_indexes(channel_partner, "account_id", "owner_id")

partner_deal = _canonical(
    "partner_deal",
    _str("partner_id"),
    _str("opportunity_id"),
    _str("account_id"),
    Column("amount", Float),
    Column("currency", String(3)),
    _str("status"),  # registered | approved | rejected | won | lost
    Column("registered_on", Date),
    Column("closed_on", Date),
)
_ref_indexes(partner_deal, "partner_id", "opportunity_id", "account_id")

qbr = _canonical(
    "qbr",
    _str("account_id"),
    _str("owner_id"),
    Column("held_on", Date),
    _str("status"),
    _str("review_type"),  # qbr | strategic_review
    _str("health_rating"),
    Column("outcome", Text),
)
_ref_indexes(qbr, "account_id", "owner_id")

customer_health = _canonical(
    "customer_health",
    _str("account_id"),
    Column("recorded_on", Date),
    Column("score", Float),
    _str("status"),  # green | amber | red
    Column("churn_risk", Float),
)
_ref_indexes(customer_health, "account_id")

feedback = _canonical(
    "feedback",
    _str("account_id"),
    _str("contact_id"),
    Column("received_on", Date),
    _str("feedback_type"),  # nps | csat | enablement
    Column("score", Float),
    _str("channel"),
    Column("comment", Text),
)
_ref_indexes(feedback, "account_id", "contact_id")

product_usage = _canonical(
    "product_usage",
    _str("account_id"),
    _str("product_id"),
    Column("period_start", Date),
    Column("active_users", Integer),
    Column("licensed_users", Integer),
    Column("usage_events", Integer),
)
_ref_indexes(product_usage, "account_id", "product_id")

canonical_tables: Mapping[str, Table] = MappingProxyType(
    {
        t.name: t
        for t in (
            account,
            contact,
            lead,
            opportunity,
            activity,
            crm_user,
            team,
            campaign,
            campaign_member,
            opportunity_stage,
            product,
            line_item,
            quota,
            territory,
            territory_assignment,
            competitor,
            opportunity_competitor,
            opportunity_contact_role,
            pipeline_stage,
            support_case,
            contract,
            quote,
            training_program,
            training_enrolment,
            coaching_session,
            assessment,
            channel_partner,
            partner_deal,
            qbr,
            customer_health,
            feedback,
            product_usage,
        )
    }
)

source_link = Table(
    "source_link",
    metadata,
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("entity", String(ENTITY_LENGTH), nullable=False),
    Column("canonical_id", String(36), nullable=False),
    Column("source_modified_at", UtcDateTime()),
    Column("content_hash", String(64)),  # NULL for a tombstone of a record never read alive
    Column("is_deleted", Boolean, nullable=False, default=False, server_default=false()),
    Column("deleted_at", UtcDateTime()),
    Column("merged_into", String(255)),
    Column("first_run_id", Integer),
    Column("last_run_id", Integer),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("connection", "object", "source_id"),
    Index("ix_source_link_entity_canonical", "entity", "canonical_id"),
)

sync_cursor = Table(
    "sync_cursor",
    metadata,
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("watermark", UtcDateTime()),
    Column("state", json_type(), nullable=False),
    Column("run_id", Integer),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("connection", "object"),
)


def _count(name: str) -> Column[Any]:
    return Column(name, Integer, nullable=False, default=0, server_default=text("0"))


sync_run = Table(
    "sync_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("full_refresh", Boolean, nullable=False, default=False, server_default=false()),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    *(_count(name) for name in RUN_COUNT_FIELDS),
    _count("api_calls"),
    Column("error", Text),
    Column("errors", json_type()),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("entity", String(ENTITY_LENGTH), nullable=False),
    Column("payload", json_type(), nullable=False),
    Column("reasons", json_type(), nullable=False),
    Column("status", String(20), nullable=False, default="open", server_default=text("'open'")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime()),
    Index("ix_quarantine_connection_object_status", "connection", "object", "status"),
    # Each unit closes the open rows of the records it re-read: without this, a scan of the object's open rows.
    Index("ix_quarantine_connection_object_source_id", "connection", "object", "source_id"),
)

# --- scoring (analytics/): models, lead and deal scores, forecasts and their manual adjustments ---
# Scores are what write-back reads: per record a score, grade, short reasons, the model version and a validity time.
# Reasons/contributions are JSON held in Text so the 1,000,000-row bulk upsert stays plain tuples on both dialects.

# Per-record activity lookups (one lead's score in < 50 ms) and set-based feature aggregation read these.
Index("ix_activity_lead_id_occurred_at", activity.c.lead_id, activity.c.occurred_at)
Index("ix_activity_contact_id_occurred_at", activity.c.contact_id, activity.c.occurred_at)
Index("ix_activity_opportunity_id", activity.c.opportunity_id)
Index("ix_opportunity_stage_opportunity_id", opportunity_stage.c.opportunity_id)

score_model = Table(
    "score_model",
    metadata,
    Column("version", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),  # lead | deal | forecast
    Column("algorithm", String(50), nullable=False),
    Column("status", String(20), nullable=False),  # active | retired
    Column("features", json_type(), nullable=False),
    Column("training_from", UtcDateTime()),
    Column("training_to", UtcDateTime()),
    Column("n_train", Integer, nullable=False, default=0, server_default=text("0")),
    Column("metrics", json_type(), nullable=False),
    Column("params", json_type()),
    Column("artifact", LargeBinary),  # joblib of the fitted pipeline; NULL for the documented rule model
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_score_model_kind_status", "kind", "status"),
)

lead_score = Table(
    "lead_score",
    metadata,
    Column("entity", String(20), nullable=False),  # lead | contact
    Column("record_id", String(36), nullable=False),
    Column("score", Float, nullable=False),  # 0-100
    Column("grade", String(50), nullable=False),
    Column("engagement", Float, nullable=False),
    Column("intent", Float, nullable=False),
    Column("fit", Float, nullable=False),
    Column("probability", Float),  # calibrated conversion probability (trained model only)
    Column("reasons", Text, nullable=False),  # short text for a CRM field
    Column("contributions", Text, nullable=False),  # JSON [[reason, signed points], ...]
    Column("model_version", String(100), nullable=False),
    Column("scored_at", UtcDateTime(), nullable=False),
    Column("valid_until", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("entity", "record_id"),
)

deal_score = Table(
    "deal_score",
    metadata,
    Column("opportunity_id", String(36), primary_key=True),
    Column("probability", Float, nullable=False),  # calibrated win probability 0-1
    Column("reasons", Text, nullable=False),
    Column("contributions", Text, nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("scored_at", UtcDateTime(), nullable=False),
    Column("valid_until", UtcDateTime(), nullable=False),
)

forecast = Table(
    "forecast",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=False),
    Column("model_version", String(100), nullable=False),
    Column("period_kind", String(10), nullable=False),  # month | quarter
    Column("period_start", Date, nullable=False),
    Column("level", String(10), nullable=False),  # rep | team | company
    Column("key", String(255), nullable=False),
    Column("expected", Float, nullable=False),
    Column("p10", Float, nullable=False),
    Column("p50", Float, nullable=False),
    Column("p90", Float, nullable=False),
    Column("pipeline", Float, nullable=False),
    Column("run_rate", Float, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_forecast_period", "period_kind", "period_start", "level", "key"),
)

forecast_adjustment = Table(
    "forecast_adjustment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period_kind", String(10), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("level", String(10), nullable=False),
    Column("key", String(255), nullable=False),
    Column("previous_value", Float),
    Column("value", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("author", String(255), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_forecast_adjustment_period", "period_kind", "period_start", "level", "key"),
)

# Deal warnings (analytics/pipeline/): one row per open deal and kind, the whole set replaced by each run in one
# transaction (migration 0019). The deal's source record is copied so a write-back reads one table.
deal_warning = Table(
    "deal_warning",
    metadata,
    Column("opportunity_id", String(36), nullable=False),
    Column("kind", String(30), nullable=False),  # stalled | ghosted | overdue | pushed | few_contacts | ...
    Column("reason", Text, nullable=False),  # short text for a CRM field
    Column("value", Float),  # what was measured (days in stage, days of silence, pushes, contacts)
    Column("threshold", Float),  # what it was held against
    Column("source_connection", String(100)),
    Column("source_object", String(100)),
    Column("source_id", String(255)),
    Column("computed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("opportunity_id", "kind"),
)


# Write-back: what crmhub last sent per (connection, object, record, field set), and one result per record sent.
writeback_ledger = Table(
    "writeback_ledger",
    metadata,
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("field_set", String(100), nullable=False),
    Column("values_hash", String(64), nullable=False),
    Column("values", json_type(), nullable=False),
    Column("version", String(64)),  # the record's modified time after our write: our own edit, not a person's
    Column("run_id", Integer),
    Column("sent_at", UtcDateTime(), nullable=False),
    # When a sync read a person's value in a field we wrote (after our write): the next write-back is a conflict.
    Column("edited_at", UtcDateTime()),
    PrimaryKeyConstraint("connection", "object", "source_id", "field_set"),
)

writeback_result = Table(
    "writeback_result",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("field_set", String(100), nullable=False),
    Column("status", String(20), nullable=False),  # updated | created | skipped | conflict | failed
    Column("message", Text),
    Column("retryable", Boolean, nullable=False, default=False, server_default=false()),
    Column("values", json_type(), nullable=False),
    Column("attempts", Integer, nullable=False, default=1, server_default=text("1")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime()),  # set when a retry succeeds or an admin dismisses it
    Index("ix_writeback_result_open", "connection", "object", "status", "resolved_at"),
)

# OAuth tokens / sessions cached between processes, Fernet-encrypted (store/tokens.py); the fingerprint is an HMAC of
# the credentials that obtained the token, so a changed secret never reuses the old one's token.
token_cache = Table(
    "token_cache",
    metadata,
    Column("connection", String(100), nullable=False),
    Column("purpose", String(50), nullable=False),  # access_token | session | msal_cache | refresh_token
    Column("fingerprint", String(64), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("expires_at", UtcDateTime()),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("connection", "purpose"),
)


# --- identity resolution (identity/): one canonical person / account across connections, with an undoable audit ---
identity_cluster = Table(
    "identity_cluster",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),  # person | account
    Column("golden", json_type(), nullable=False),  # the surviving value per field
    Column("sources", json_type(), nullable=False),  # per field: the member record that supplied it
    Column("member_count", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_identity_cluster_kind", "kind"),
)

identity_member = Table(
    "identity_member",
    metadata,
    Column("entity", String(20), nullable=False),  # contact | lead | account
    Column("record_id", String(36), nullable=False),  # the canonical row id
    Column("cluster_id", String(36), nullable=False),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("rule", String(50), nullable=False),  # how it joined: email, crm_id, domain, probabilistic, seed
    Column("confidence", Float, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("entity", "record_id"),
    Index("ix_identity_member_cluster_id", "cluster_id"),
)

identity_merge = Table(
    "identity_merge",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("record_a", String(36), nullable=False),  # the pair whose link joined two groups (a < b)
    Column("record_b", String(36), nullable=False),
    Column("rule", String(50), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence", json_type(), nullable=False),
    Column("status", String(20), nullable=False),  # active | undone | retired (no longer made by a resolve)
    Column("created_at", UtcDateTime(), nullable=False),
    Column("undone_at", UtcDateTime()),
    Column("undone_by", String(255)),
    Index("ix_identity_merge_pair", "kind", "record_a", "record_b", unique=True),
)


# --- schema drift and data-quality scores (mapping/drift.py, quality/) ---
# One row per (connection, object) each time a run sees a schema different from the last one (by hash).
schema_snapshot = Table(
    "schema_snapshot",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("schema_hash", String(64), nullable=False),
    Column("fields", json_type(), nullable=False),  # {field name: CRM type}
    Column("run_id", Integer),
    Column("taken_at", UtcDateTime(), nullable=False),
    Index("ix_schema_snapshot_connection_object", "connection", "object", "id"),
)

# A mapped field whose CRM type changed: its records are quarantined until an admin accepts the new type.
schema_type_change = Table(
    "schema_type_change",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("field", String(255), nullable=False),
    Column("old_type", String(100), nullable=False),
    Column("new_type", String(100), nullable=False),
    Column("run_id", Integer),
    Column("detected_at", UtcDateTime(), nullable=False),
    Column("accepted_at", UtcDateTime()),
    Index("ix_schema_type_change_connection_object", "connection", "object", "accepted_at"),
)

# Per record: the share of its entity's expectations it passed, weighted by severity (0-1), as last checked.
record_quality = Table(
    "record_quality",
    metadata,
    Column("entity", String(ENTITY_LENGTH), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("score", Float, nullable=False),
    Column("failed", json_type(), nullable=False),  # the rule names it broke
    Column("run_id", Integer),
    Column("scored_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("entity", "record_id"),
)

# Per run and stream: the mean record score of what the run checked, so a source's quality is seen over time.
quality_score = Table(
    "quality_score",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("entity", String(ENTITY_LENGTH), nullable=False),
    Column("records", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("computed_at", UtcDateTime(), nullable=False),
    Index("ix_quality_score_connection_object", "connection", "object", "computed_at"),
)


# --- typed raw tables (store/raw.py): objects no canonical entity holds, one table per (connection, object) ---
# The tables themselves are created at run time; this registry says which table holds a stream and which column
# holds which CRM field, as [{field, column, type, crm_type}] in the order the columns were added.
raw_table = Table(
    "raw_table",
    metadata,
    Column("connection", String(100), nullable=False),
    Column("object", String(100), nullable=False),
    Column("table_name", String(ENTITY_LENGTH), nullable=False),
    Column("columns", json_type(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("connection", "object"),
    Index("ix_raw_table_table_name", "table_name", unique=True),
)


# --- the KPI registry (analytics/kpi): modules, KPIs and object models as loaded from their YAML, and KPI values ---
# Loaded by `analytics.kpi.store_load` from analytics/kpi/*.yaml and mapping/objectmodels (the files are the source;
# these tables are what SQL, the API and the console read). ``metadata_`` is the seed's name for a row's extra facts.
kpi_module = Table(
    "kpi_module",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("metadata_", json_type(), nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
)

kpi_definition = Table(
    "kpi_definition",
    metadata,
    Column("code", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("kpi_type", String(20), nullable=False),  # simple | ratio | derived | cumulative | conversion | as_of
    Column("status", String(20), nullable=False),  # computed | needs_data | not_computable
    Column("unit", String(20), nullable=False),
    Column("direction", String(10), nullable=False),  # higher | lower (is better)
    Column("definition_hash", String(64), nullable=False),  # a changed definition invalidates its kpi_value rows
    Column("metadata_", json_type(), nullable=False),  # modules, measures, anchor, dimensions, needs, reason …
    Column("loaded_at", UtcDateTime(), nullable=False),
    Index("ix_kpi_definition_status", "status"),
)

object_model_definition = Table(
    "object_model_definition",
    metadata,
    Column("code", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("held_as", String(20), nullable=False),  # entity | computed | custom_object
    Column("metadata_", json_type(), nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
)

kpi_module_member = Table(
    "kpi_module_member",
    metadata,
    Column("module_code", String(64), nullable=False),
    Column("kpi_code", String(100), nullable=False),
    PrimaryKeyConstraint("module_code", "kpi_code"),
    Index("ix_kpi_module_member_kpi_code", "kpi_code"),
)

module_object_model = Table(
    "module_object_model",
    metadata,
    Column("module_code", String(64), nullable=False),
    Column("model_code", String(100), nullable=False),
    Column("position", Integer, nullable=False),  # the seed's order within the module
    PrimaryKeyConstraint("module_code", "model_code"),
    Index("ix_module_object_model_model_code", "model_code"),
)

# One KPI at one grain: a dimension (``all``, rep, team, region, territory, company) and its member, a period kind
# (``all``, day, week, month, quarter, fiscal_quarter, year, fiscal_year) and its start. numerator and denominator
# are kept where the KPI is a ratio so additive parts roll up; value is what a dashboard shows.
kpi_value = Table(
    "kpi_value",
    metadata,
    Column("kpi_code", String(100), nullable=False),
    Column("dimension", String(20), nullable=False),
    Column("member", String(255), nullable=False),  # the rep's / account's / territory's id, a team or region name
    Column("period", String(20), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("value", Float),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("currency", String(3)),
    Column("definition_hash", String(64), nullable=False),
    Column("computed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("kpi_code", "dimension", "member", "period", "period_start"),
    Index("ix_kpi_value_dimension_period", "dimension", "period", "period_start"),
)

# One refresh of kpi_value: what it recomputed and why (the sync runs whose changes triggered it).
kpi_refresh = Table(
    "kpi_refresh",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    Column("status", String(20), nullable=False),  # running | succeeded | failed
    Column("kpis", Integer, nullable=False, server_default=text("0")),
    Column("rows", Integer, nullable=False, server_default=text("0")),
    Column("inputs", json_type(), nullable=False),  # {entity: last sync_run id seen} and the grains refreshed
    Column("error", Text),
)

# Exchange rates: how many units of ``iso_code`` one unit of the corporate currency buys from start_date (until the
# next start_date of the same code and source). Source: a connection (Salesforce DatedConversionRate, Dataverse
# exchangerate) or ``config`` (the table in crmhub.yaml for CRMs that keep none).
currency_rate = Table(
    "currency_rate",
    metadata,
    Column("source", String(100), nullable=False),
    Column("iso_code", String(3), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("rate", Float, nullable=False),
    Column("corporate", String(3), nullable=False),
    Column("synced_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("source", "iso_code", "start_date"),
)

# The web console's and the API's accounts (access/accounts.py). A manager's or rep's account sees what its
# crm_user sees (the KPI engine's as_user); admins, revenue_ops and auditors see everything. Secrets kept here are
# the argon2 hash (never the password) and the TOTP seed; totp_last_step is the last time step a code was accepted
# for, so a code cannot be replayed inside its window.
web_account = Table(
    "web_account",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", String(255)),  # Fernet-encrypted with CRMHUB_SECRET_KEY; NULL: no second factor
    Column("totp_last_step", Integer),
    Column("role", String(20), nullable=False),  # admin | revenue_ops | manager | rep | auditor
    Column("crm_user_id", String(36)),  # crm_user.id whose scope a manager or rep has
    Column("created_at", UtcDateTime(), nullable=False),
    Column("disabled_at", UtcDateTime()),
    Index("ix_web_account_username", "username", unique=True),
)

# API tokens: only the SHA-256 of the token is kept (it is shown once, at creation); a revoked token is refused.
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
    Index("ix_api_token_token_sha256", "token_sha256", unique=True),
    Index("ix_api_token_account_id", "account_id"),
)

# Signed-in browser sessions: the cookie carries a random session id, the store only its SHA-256, so signing out (or
# disabling the account) ends the session for every copy of the cookie (access/web_sessions.py).
web_session = Table(
    "web_session",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime()),  # signed out, timed out, or the account disabled
    Index("ix_web_session_account_id", "account_id"),
)

# Failed sign-ins per username within the current window, kept in the store so every process counts them together
# (access/throttle.py); a success deletes the row.
sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", UtcDateTime(), nullable=False),
    Column("locked_until", UtcDateTime()),
)

# What was done, as a hash chain (access/audit_chain.py): seq orders the trail, hash is SHA-256 over prev_hash and the
# canonical JSON of the event. Who and to whom are pseudonyms (audit_subject.ref), never names, so erasing a person
# deletes their audit_subject rows and leaves every hash intact. before/after carry no secrets and no personal values.
audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor_id", Integer),
    Column("actor_ref", String(32), nullable=False),
    Column("action", String(50), nullable=False),
    Column("target_ref", String(32), nullable=False),
    Column("before", json_type()),
    Column("after", json_type()),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_event_at", "at"),
    Index("ix_audit_event_seq", "seq", unique=True),
)

# The pseudonym of each name the trail refers to (an account, "cli", a display name): a random ref, so a copy of the
# trail without this table names nobody. Erasure deletes the row; the events keep their refs and their hashes.
audit_subject = Table(
    "audit_subject",
    metadata,
    Column("ref", String(32), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_audit_subject_name", "name", unique=True),
)

# The chain's head (one row, id 1): the last seq handed out and its hash. Appends update it first, which serialises
# them (a row lock on PostgreSQL, the write lock on SQLite), so concurrent writers never fork the chain. anchor_*:
# the last event pruned by retention (seq 0 and the genesis hash before any), whose hash the first kept event chains.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("anchor_seq", Integer, nullable=False),
    Column("anchor_hash", String(64), nullable=False),
)

# HMAC-SHA256-signed checkpoints of the chain (key CRMHUB_AUDIT_KEY, never stored here): the trail up to seq ended in
# hash at that time. Also appended to a JSON-lines file; verify uses both to catch a rewritten or truncated tail.
audit_checkpoint = Table(
    "audit_checkpoint",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("signature", String(64), nullable=False),
    Index("ix_audit_checkpoint_seq", "seq"),
)

# Lead routing (analytics/routing/): one row per decision, with everything it was decided from (``inputs``: the
# lead's routing fields, its probability, every member's eligibility, load, cap, effect and expected value, the
# round-robin state before) and the rule that fired, so ``analytics.routing.replay`` gives the same rep again. A NULL
# rep_id is a queued lead (every member full or ineligible). Write-back reads rep_id by lead_id; the lead's CRM ids
# are in source_link (entity 'lead').
routing_decision = Table(
    "routing_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(36), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("pool", String(100), nullable=False),
    Column("mode", String(10), nullable=False),  # online | batch
    Column("strategy", String(20), nullable=False),  # round_robin | weighted | value
    Column("lead_id", String(36), nullable=False),
    Column("rep_id", String(36)),
    Column("fired", String(255), nullable=False),  # the rule or strategy step that chose (or queued)
    Column("expected_value", Float),
    Column("inputs", json_type(), nullable=False),
    Column("state_after", json_type()),  # the pool's round-robin state after an online decision
    Index("ix_routing_decision_lead_id", "lead_id"),
    Index("ix_routing_decision_pool_id", "pool", "id"),
)
