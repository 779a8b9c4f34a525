"""The view state: defaults, and every bad parameter refused with a message naming it and what was expected."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from analytics.dashboard import parse_view
from analytics.kpi.errors import KpiRequestError
from config.models.kpi import KpiSettings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_defaults_are_the_company_by_month_over_four_whole_fiscal_quarters() -> None:
    view = parse_view({}, now=NOW, settings=KpiSettings())
    assert (view.level, view.member, view.period) == ("company", None, "month")
    assert (view.start, view.end) == (date(2025, 1, 1), date(2026, 1, 1))


def test_a_member_above_the_level_is_not_a_filter() -> None:
    view = parse_view({"level": "region", "member": "FR", "team": "east"}, now=NOW, settings=KpiSettings())
    assert view.filters() == {"region": ("FR",)}


@pytest.mark.parametrize(("params", "message"), [
    ({"level": "country"}, "level 'country': expected one of company, region, team, rep"),
    ({"level": "team"}, "member: level team needs the member"),
    ({"member": "east"}, "member: the company level has no member"),
    ({"period": "day"}, "period 'day': expected one of week, month, quarter, fiscal_quarter"),
    ({"from": "2025-02-30"}, "from '2025-02-30': expected a date as YYYY-MM-DD"),
    ({"to": "soon"}, "to 'soon': expected a date as YYYY-MM-DD"),
    ({"from": "2025-06-01", "to": "2025-06-01"}, "the range [from, to) is empty"),
    ({"from": "2010-01-01", "to": "2026-01-01"}, "at most 1099 days"),
])
def test_bad_view_states_are_refused_by_name(params: dict[str, str], message: str) -> None:
    with pytest.raises(KpiRequestError) as refused:
        parse_view(params, now=NOW, settings=KpiSettings())
    assert message in refused.value.message
