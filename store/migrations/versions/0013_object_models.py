"""Issue 17's object models: the CRMs' standard objects (quota, territory and its assignments, competitors on deals,
contact roles, pipeline stage definitions, cases, contracts, quotes), the seed's models CRMs keep as custom objects
(training, coaching, assessments, channel partners and their deals, QBRs, customer health, feedback, product usage),
and new columns: activity duration and outcome, opportunity loss reason and forecast category, account tier.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08

Written out by hand (not imported from store.tables) so this revision stays what it was when tables.py moves on.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def _s(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=255), nullable=True)


def _f(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Float(), nullable=True)


def _i(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=True)


def _b(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Boolean(), nullable=True)


def _d(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Date(), nullable=True)


def _t(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=True)


def _dt(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def _currency() -> sa.Column[Any]:
    return sa.Column("currency", sa.String(length=3), nullable=True)


def _canonical(name: str, *typed: sa.Column[Any], refs: Sequence[str] = ()) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_connection", sa.String(length=100), nullable=False),
        sa.Column("source_object", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        *typed,
        sa.Column("custom", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_source", name, ["source_connection", "source_object", "source_id"], unique=False)
    for ref in refs:
        op.create_index(f"ix_{name}_{ref}", name, [ref], unique=False)


# Each new table and the refs indexed on it (the analytics join on them), in creation order.
TABLE_REFS: dict[str, tuple[str, ...]] = {
    "quota": ("owner_id", "team_id"),
    "territory": (),
    "territory_assignment": ("territory_id", "user_id", "account_id"),
    "competitor": (),
    "opportunity_competitor": ("opportunity_id", "competitor_id"),
    "opportunity_contact_role": ("opportunity_id", "contact_id"),
    "pipeline_stage": (),
    "support_case": ("account_id", "contact_id", "owner_id"),
    "contract": ("account_id", "owner_id"),
    "quote": ("opportunity_id", "account_id"),
    "training_program": ("owner_id",),
    "training_enrolment": ("program_id", "user_id", "partner_id"),
    "coaching_session": ("coach_id", "rep_id", "opportunity_id"),
    "assessment": ("user_id", "program_id"),
    "channel_partner": ("account_id", "owner_id"),
    "partner_deal": ("partner_id", "opportunity_id", "account_id"),
    "qbr": ("account_id", "owner_id"),
    "customer_health": ("account_id",),
    "feedback": ("account_id", "contact_id"),
    "product_usage": ("account_id", "product_id"),
}


def _columns() -> dict[str, tuple[sa.Column[Any], ...]]:
    return {
        "quota": (_s("owner_id"), _s("team_id"), _d("period_start"), _d("period_end"), _s("quota_type"),
                  _f("amount"), _currency()),
        "territory": (_s("name"), _s("parent_id"), _t("description"), _s("territory_type")),
        "territory_assignment": (_s("territory_id"), _s("user_id"), _s("account_id"), _s("role"),
                                 _d("effective_from"), _d("effective_to")),
        "competitor": (_s("name"), _s("website"), _t("strengths"), _t("weaknesses")),
        "opportunity_competitor": (_s("opportunity_id"), _s("competitor_id"), _s("competitor_name"),
                                   _t("strengths"), _t("weaknesses"), _b("won_by_competitor"), _s("loss_reason")),
        "opportunity_contact_role": (_s("opportunity_id"), _s("contact_id"), _s("role"), _b("is_primary")),
        "pipeline_stage": (_s("pipeline"), _s("stage"), _s("label"), _i("display_order"), _f("probability"),
                           _b("is_closed"), _b("is_won"), _s("forecast_category")),
        "support_case": (_s("subject"), _t("description"), _s("status"), _s("priority"), _s("origin"),
                         _s("case_type"), _s("account_id"), _s("contact_id"), _s("owner_id"), _dt("opened_at"),
                         _dt("closed_at"), _b("is_closed")),
        "contract": (_s("account_id"), _s("owner_id"), _s("contract_number"), _s("name"), _s("status"),
                     _s("contract_type"), _d("start_date"), _d("end_date"), _d("renewal_date"), _i("term_months"),
                     _f("amount"), _currency(), _b("auto_renew")),
        "quote": (_s("opportunity_id"), _s("account_id"), _s("name"), _s("quote_number"), _s("status"),
                  _f("amount"), _f("discount_percent"), _currency(), _d("expires_on"), _b("accepted")),
        "training_program": (_s("name"), _s("program_type"), _s("status"), _s("owner_id"), _d("start_date"),
                             _d("end_date"), _f("duration_hours")),
        "training_enrolment": (_s("program_id"), _s("user_id"), _s("partner_id"), _s("status"), _d("enrolled_on"),
                               _d("completed_on"), _f("score")),
        "coaching_session": (_s("coach_id"), _s("rep_id"), _s("opportunity_id"), _dt("held_at"),
                             _f("duration_minutes"), _s("topic"), _f("rating")),
        "assessment": (_s("user_id"), _s("program_id"), _s("name"), _s("skill"), _f("score"), _f("max_score"),
                       _b("passed"), _d("taken_on")),
        "channel_partner": (_s("name"), _s("account_id"), _s("tier"), _s("status"), _s("country"), _s("owner_id"),
                            _d("joined_on")),
        "partner_deal": (_s("partner_id"), _s("opportunity_id"), _s("account_id"), _f("amount"), _currency(),
                         _s("status"), _d("registered_on"), _d("closed_on")),
        "qbr": (_s("account_id"), _s("owner_id"), _d("held_on"), _s("status"), _s("review_type"),
                _s("health_rating"), _t("outcome")),
        "customer_health": (_s("account_id"), _d("recorded_on"), _f("score"), _s("status"), _f("churn_risk")),
        "feedback": (_s("account_id"), _s("contact_id"), _d("received_on"), _s("feedback_type"), _f("score"),
                     _s("channel"), _t("comment")),
        "product_usage": (_s("account_id"), _s("product_id"), _d("period_start"), _i("active_users"),
                          _i("licensed_users"), _i("usage_events")),
    }


# New columns on existing tables.
ADDED: dict[str, tuple[str, ...]] = {
    "activity": ("duration_minutes", "outcome"),
    "opportunity": ("loss_reason", "forecast_category"),
    "account": ("tier",),
}


def upgrade() -> None:
    with op.batch_alter_table("activity") as batch:  # batch mode: SQLite cannot ALTER every table shape in place
        batch.add_column(_f("duration_minutes"))
        batch.add_column(_s("outcome"))
    with op.batch_alter_table("opportunity") as batch:
        batch.add_column(_s("loss_reason"))
        batch.add_column(_s("forecast_category"))
    with op.batch_alter_table("account") as batch:
        batch.add_column(_s("tier"))
    columns = _columns()
    for name, refs in TABLE_REFS.items():
        _canonical(name, *columns[name], refs=refs)


def downgrade() -> None:
    for name, refs in reversed(TABLE_REFS.items()):
        for ref in refs:
            op.drop_index(f"ix_{name}_{ref}", table_name=name)
        op.drop_index(f"ix_{name}_source", table_name=name)
        op.drop_table(name)
    for table, added in ADDED.items():
        with op.batch_alter_table(table) as batch:
            for column in added:
                batch.drop_column(column)
