"""The routing file: a valid one loads; mistakes name the key path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.routing.match import resolve
from analytics.routing.spec import load_routing
from errors import ConfigError

GOOD = """
default_pool: inbound
pools:
  inbound:
    strategy: value
    members:
      - {rep: u1, cap: 20, territories: [DE, AT], languages: [de]}
      - {rep: u2, weight: 2, hours: ["09:00", "17:00"], timezone: Europe/Berlin}
  enterprise:
    strategy: weighted
    members: [{rep: u3}]
rules:
  - {name: big-banks, when: {industry: Banking, custom.tier: [gold, platinum]}, pool: enterprise}
  - {name: austria, when: {country: AT}, rep: u1}
"""


def test_a_good_file_loads_and_rules_resolve_in_order(tmp_path: Path) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(GOOD)
    spec = load_routing(path)
    assert spec.pools["inbound"].members[0].territories == {"de", "at"}
    assert resolve(spec, {"industry": "banking", "custom": {"tier": "Gold"}, "country": "AT"})[0] == "enterprise"
    pool, rule = resolve(spec, {"industry": "Retail", "country": "at"})
    assert (pool, rule and rule.name) == ("inbound", "austria")
    assert resolve(spec, {"country": "FR"}) == ("inbound", None)


@pytest.mark.parametrize(("change", "message"), [
    (("rep: u3}]", "rep: u3, timezone: Mars/Base}]"), "pools.enterprise.members.0.timezone: Value error, unknown "
                                                     "time zone 'Mars/Base'"),
    (("rep: u1}", "rep: u9}"), "rule 'austria': rep 'u9' is not a member of pool 'inbound'"),
    (("strategy: weighted", "strategy: random"), "pools.enterprise.strategy: Input should be 'round_robin', "
                                                 "'weighted' or 'value'"),
    (("cap: 20", "cap: -1"), "pools.inbound.members.0.cap: Input should be greater than or equal to 0"),
    (("strategy: value", "strategy: value\n    segment_field: sector"), "pools.inbound.segment_field: Value error, "
                                                                       "'sector' is not a lead field"),
    (("{country: AT}", "{land: AT}"), "rules.1.when: Value error, 'land' is not a lead field"),
])
def test_mistakes_name_the_key_and_what_is_expected(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_routing(path)
    assert message in str(caught.value)
