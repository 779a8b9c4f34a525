"""The demo's console accounts: an admin, and a rep linked to the crm_user owning the most live deals, who signs in
with the printed password and is scoped to that user; made twice in one store, they are refused, not reset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from access import AccountError, Accounts, SignIn, scope_of
from access.demo_accounts import ADMIN, REP, busiest_rep, make_demo_accounts
from tests.support.kpi_golden import add_many
from tests.support.web import CHEAP, Clock


def _deals(engine: Engine) -> None:
    add_many(engine, "crm_user", [{"id": "u1", "first_name": "Rita", "last_name": "Rep", "deleted_at": None},
                                  {"id": "u2", "first_name": "Sam", "last_name": "Seller", "deleted_at": None},
                                  {"id": "u3", "first_name": "Gone", "deleted_at": datetime(2025, 1, 1, tzinfo=UTC)}])
    owners = ["u1", "u2", "u2", "u3", "u3", "u3", None]  # u3 owns most, but is deleted
    add_many(engine, "opportunity", [{"id": f"o{i}", "owner_id": owner, "deleted_at": None}
                                     for i, owner in enumerate(owners)])


def test_the_rep_is_the_live_owner_of_most_deals_and_both_sign_in(engine: Engine) -> None:
    _deals(engine)
    assert busiest_rep(engine) == ("u2", "Sam Seller")
    accounts = Accounts(engine, hasher=CHEAP, clock=Clock())
    made = make_demo_accounts(engine, accounts)
    assert made.admin_password != made.rep_password and len(made.rep_password) >= 10
    sign_in = SignIn(engine, hasher=CHEAP, clock=Clock())
    admin = sign_in.password(ADMIN, made.admin_password)
    rep = sign_in.password(REP, made.rep_password)
    assert (admin.role, scope_of(admin)) == ("admin", None)
    assert (rep.role, scope_of(rep)) == ("rep", "u2")
    with pytest.raises(AccountError, match="is taken"):
        make_demo_accounts(engine, accounts)


def test_no_deal_owner_is_a_clear_refusal(engine: Engine) -> None:
    with pytest.raises(AccountError, match="no live crm_user owns an opportunity"):
        busiest_rep(engine)
