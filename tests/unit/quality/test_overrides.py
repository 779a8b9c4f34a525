"""The ``quality:`` section of crmhub.yaml: an admin changes the shipped rules (severity, parameters, weight, off)
and adds rules of their own without editing installed files; names are checked with key paths and suggestions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from config import ConfigFileError, CrmhubConfig, parse_config
from quality.checker import QualityChecker
from quality.suite import Rule, load_suites

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _quality(section: dict[str, Any]) -> CrmhubConfig:
    return parse_config(yaml.safe_dump({"version": 1, "quality": section}, sort_keys=False), env={})


def _contact(source_id: str, **values: Any) -> dict[str, Any]:
    return {"id": f"c-{source_id}", "source_id": source_id, "last_name": "Lovelace", "email": "ada@example.com",
            "country": "GB", "title": "Engineer", "updated_at": NOW - timedelta(days=10), **values}


def _rules(cfg: CrmhubConfig, entity: str) -> dict[str, Rule]:
    return {rule.name: rule for rule in load_suites(overrides=cfg.quality)[entity]}


def test_severity_parameters_weight_and_off_change_the_shipped_rules() -> None:
    cfg = _quality({"contact": {
        "email_format": {"severity": "warn", "weight": 5},
        "updated_at_fresh": {"kwargs": {"max_age_days": 7}, "severity": "quarantine"},
        "country_iso": {"enabled": False},
    }})
    rules = _rules(cfg, "contact")
    assert (rules["email_format"].severity, rules["email_format"].weight) == ("warn", 5)
    assert rules["updated_at_fresh"].kwargs == {"column": "updated_at", "max_age_days": 7}
    assert "country_iso" not in rules
    assert rules["last_name_required"] == {r.name: r for r in load_suites()["contact"]}["last_name_required"]


def test_the_checker_applies_the_overrides() -> None:
    cfg = _quality({"contact": {
        "email_format": {"severity": "warn"},
        "updated_at_fresh": {"kwargs": {"max_age_days": 7}, "severity": "quarantine"},
        "title_required": {"expectation": "expect_column_values_to_not_be_null", "kwargs": {"column": "title"}},
    }})
    checker = QualityChecker(load_suites(overrides=cfg.quality))
    rows = [_contact("1", email="not-an-email", updated_at=NOW - timedelta(days=1)), _contact("2", title=None),
            _contact("3"), _contact("4")]
    verdict = checker.check("contact", rows, now=NOW)
    assert [r["source_id"] for r in verdict.passed] == ["1"]  # a bad email is only a warning now
    assert verdict.warnings["email_format"] == 1
    reasons = {row["source_id"]: reasons for row, reasons in verdict.quarantined}
    assert sorted(reasons) == ["2", "3", "4"]  # 3 and 4 were updated 10 days ago: older than 7
    assert [r["rule"] for r in reasons["2"]] == ["updated_at_fresh", "title_required"]
    assert reasons["2"][1]["message"] == ("title: expected to not be null (got None); "
                                          "rule quality.contact.title_required in crmhub.yaml")


def test_shape_errors_are_pydantic_problems_at_their_key_paths() -> None:
    with pytest.raises(ConfigFileError) as caught:
        _quality({"contact": {"email_format": {"severity": "block", "wieght": 2},
                              "mine": {"expectation": "column_not_null"}}})
    assert [str(p) for p in caught.value.problems] == [
        "quality.contact.email_format.severity: expected 'warn', 'quarantine' or 'fail'",
        "quality.contact.email_format.wieght: unknown key; did you mean 'weight'?",
        "quality.contact.mine.expectation: expected a Great Expectations expectation name, "
        "e.g. expect_column_values_to_not_be_null",
    ]


def test_unknown_names_are_config_errors_naming_the_key_and_the_nearest_name() -> None:
    cfg = _quality({
        "contacts": {"email_format": {"severity": "warn"}},
        "contact": {
            "emial_format": {"severity": "warn"},
            "updated_at_fresh": {"kwargs": {"max_age_dayz": 7}},
            "email_format": {"kwargs": {"column": "title"}},
            "title_short": {"expectation": "expect_column_value_lengths_to_be_between",
                            "kwargs": {"column": "titel", "min_value": 5, "max_value": 2}},
            "bad_regex": {"expectation": "expect_column_values_to_match_regex", "kwargs": {"column": "email",
                                                                                          "regex": "(["}},
        },
    })
    with pytest.raises(ConfigFileError) as caught:
        load_suites(overrides=cfg.quality)
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith("quality.contacts: 'contacts' is not a canonical entity; did you mean 'contact'?")
    assert lines[1].startswith("quality.contact.emial_format: 'emial_format' is not a shipped rule of contact; "
                               "did you mean 'email_format'?")
    assert lines[2].startswith("quality.contact.updated_at_fresh.kwargs.max_age_dayz: "
                               "expect_column_values_to_be_fresh has no parameter 'max_age_dayz'; "
                               "did you mean 'max_age_days'?")
    assert lines[3].startswith("quality.contact.email_format.kwargs.column: the column of the shipped rule")
    assert lines[4].startswith("quality.contact.title_short.kwargs.column: 'titel' is not a field of canonical "
                               "contact; did you mean 'title'?")
    assert lines[5] == "quality.contact.title_short.kwargs.min_value: min_value 5 is above max_value 2"
    assert lines[6].startswith("quality.contact.bad_regex.kwargs.regex: not a valid regular expression")
    assert len(lines) == 7


def test_no_section_leaves_the_shipped_suites() -> None:
    assert load_suites(overrides=_quality({}).quality) == load_suites()
    assert _quality({"contact": {"email_format": None}}).quality.entities == {"contact": {"email_format": _empty()}}


def test_the_engine_is_native_unless_the_admin_chooses_gx() -> None:
    assert {r.engine for rules in load_suites(overrides=_quality({}).quality).values() for r in rules} == {"native"}
    cfg = _quality({"engine": "gx", "contact": {"title_required": {
        "expectation": "expect_column_values_to_not_be_null", "kwargs": {"column": "title"}}}})
    assert cfg.quality.engine == "gx"
    suites = load_suites(overrides=cfg.quality)
    assert {r.engine for rules in suites.values() for r in rules} == {"gx"}  # the admin's own rule too
    assert "title_required" in {r.name for r in suites["contact"]}


@pytest.mark.parametrize("engine", ["fast", None, ["gx"]])
def test_a_bad_engine_is_named_at_its_key_path(engine: Any) -> None:
    with pytest.raises(ConfigFileError) as caught:
        _quality({"engine": engine})
    assert [str(p) for p in caught.value.problems] == ["quality.engine: expected 'native' or 'gx'"]


def _empty() -> Any:
    from config import QualityRuleSettings

    return QualityRuleSettings()
