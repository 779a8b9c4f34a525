"""connectors/http/budget.py: calls counted, the CRM's figures observed, a clean stop at a share."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from connectors.errors import BudgetExhausted
from connectors.http.budget import Budget


def test_spend_counts_calls() -> None:
    budget = Budget(connection="hs")
    budget.spend()
    budget.spend(3)
    assert budget.usage.calls == 4


def test_spend_is_thread_safe() -> None:
    budget = Budget(connection="hs")

    def many() -> None:
        for _ in range(2000):
            budget.spend()

    threads = [threading.Thread(target=many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert budget.usage.calls == 8000


def test_observe_records_the_crms_figures_and_when() -> None:
    budget = Budget(connection="hs")
    before = datetime.now(UTC)
    budget.observe(daily_limit=1000, daily_remaining=250)
    assert (budget.usage.daily_limit, budget.usage.daily_remaining) == (1000, 250)
    assert budget.usage.used_share() == pytest.approx(0.75)
    assert budget.usage.updated_at >= before
    assert budget.usage.updated_at.tzinfo is not None
    budget.observe(daily_remaining=100)  # a header missing from one response keeps the last figure
    assert (budget.usage.daily_limit, budget.usage.daily_remaining) == (1000, 100)


def test_stops_at_the_configured_share_with_a_message_that_says_what_to_change() -> None:
    budget = Budget(connection="hs", max_daily_share=0.5)
    budget.observe(daily_limit=1000, daily_remaining=600)
    budget.spend()  # 40 % used: allowed
    budget.observe(daily_remaining=500)  # 50 % used: the share is reached
    with pytest.raises(BudgetExhausted) as info:
        budget.spend()
    assert budget.usage.calls == 1  # the refused call is not counted
    err = info.value
    assert err.connection == "hs"
    assert "50% of the daily API limit (1000)" in err.message
    assert "budget.max_daily_share" in err.message
    assert "crmhub.yaml" in err.message
    assert str(err).startswith("connection hs: stopped at 50%")


def test_check_alone_raises_too() -> None:
    budget = Budget(connection="hs", max_daily_share=0.9)
    budget.observe(daily_limit=100, daily_remaining=5)
    with pytest.raises(BudgetExhausted, match="95%"):
        budget.check()


@pytest.mark.parametrize(("limit", "remaining"), [(None, None), (None, 10), (1000, None), (0, 0)])
def test_no_known_limit_never_stops(limit: int | None, remaining: int | None) -> None:
    budget = Budget(connection="hs", max_daily_share=0.01)
    budget.observe(daily_limit=limit, daily_remaining=remaining)
    for _ in range(100):
        budget.spend()
    assert budget.usage.calls == 100


def test_no_configured_share_never_stops() -> None:
    budget = Budget(connection="hs")
    budget.observe(daily_limit=1000, daily_remaining=0)
    budget.spend()
    budget.check()
    assert budget.usage.calls == 1
