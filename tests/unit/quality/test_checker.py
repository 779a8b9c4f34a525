"""quality/suite.py and quality/checker.py: suites parsed, errors naming their place; rows sorted by verdict.

Great Expectations takes seconds to import: the shipped-suite checker is the session's ``checker`` fixture
and the custom one below is built once for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mapping.model import ENTITIES
from quality.checker import QualityChecker, QualityFailure
from quality.suite import SEVERITIES, Rule, load_suites, parse_suites

NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"


def _contact(
    source_id: str, last_name: str | None = "Lovelace", email: str | None = "ada@example.com", **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"c-{source_id}",
        "source_id": source_id,
        "first_name": "Ada",
        "last_name": last_name,
        "email": email,
        **extra,
    }


# --- parse_suites ---
def test_parse_a_suite_with_defaults() -> None:
    suites = parse_suites(
        {
            "contact": [
                {"name": "ln", "expectation": NOT_NULL, "kwargs": {"column": "last_name"}},
                {
                    "name": "uniq",
                    "expectation": "expect_column_values_to_be_unique",
                    "kwargs": {"column": "source_id"},
                    "severity": "fail",
                },
                {"name": "rows", "expectation": "expect_table_row_count_to_be_between", "severity": "warn"},
            ]
        },
        source="s.yaml",
    )
    ln, uniq, rows = suites["contact"]
    assert ln == Rule("ln", NOT_NULL, {"column": "last_name"}, "quarantine")
    assert (uniq.column, uniq.severity) == ("source_id", "fail")
    assert (rows.column, rows.kwargs) == (None, {})


def test_parse_nothing_is_no_suites() -> None:
    assert parse_suites({}, source="s.yaml") == {}
    assert parse_suites({"contact": None}, source="s.yaml") == {"contact": ()}


def test_unknown_entity_is_named() -> None:
    with pytest.raises(
        ValueError, match=r"^s\.yaml: 'person' is not a canonical entity; expected one of account"
    ):
        parse_suites({"person": []}, source="s.yaml")


def test_bad_severity_is_named_with_its_place() -> None:
    with pytest.raises(
        ValueError,
        match=r"^s\.yaml: contact\[1\]\.severity: expected one of warn, quarantine, fail, "
        r"got 'panic'$",
    ):
        parse_suites(
            {
                "contact": [
                    {"name": "ok", "expectation": NOT_NULL, "kwargs": {"column": "email"}},
                    {
                        "name": "bad",
                        "expectation": NOT_NULL,
                        "kwargs": {"column": "email"},
                        "severity": "panic",
                    },
                ]
            },
            source="s.yaml",
        )


def test_a_column_that_is_not_in_the_entity_is_named() -> None:
    with pytest.raises(
        ValueError,
        match=r"^s\.yaml: account\[0\]\.kwargs\.column: 'last_name' is not a field of "
        r"account$",
    ):
        parse_suites(
            {"account": [{"name": "x", "expectation": NOT_NULL, "kwargs": {"column": "last_name"}}]},
            source="s.yaml",
        )


def test_identity_columns_are_allowed_on_every_entity() -> None:
    suites = parse_suites(
        {
            "account": [
                {"name": "a", "expectation": NOT_NULL, "kwargs": {"column": "id"}},
                {"name": "b", "expectation": NOT_NULL, "kwargs": {"column": "source_id"}},
            ]
        },
        source="s.yaml",
    )
    assert [r.column for r in suites["account"]] == ["id", "source_id"]


@pytest.mark.parametrize(
    "rule",
    [
        {"expectation": NOT_NULL},
        {"name": "x", "expectation": "column_values_to_not_be_null"},
        {"name": "x"},
    ],
)
def test_a_rule_needs_a_name_and_an_expectation(rule: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"^s\.yaml: lead\[0\]: needs 'name' and 'expectation'"):
        parse_suites({"lead": [rule]}, source="s.yaml")


def test_the_shipped_suites_load() -> None:
    suites = load_suites()
    assert set(suites) <= set(ENTITIES)
    assert {"contact", "account", "opportunity"} <= set(suites)
    for rules in suites.values():
        for rule in rules:
            assert rule.severity in SEVERITIES
            assert rule.expectation.startswith("expect_")
    contact_rules = {r.name: r for r in suites["contact"]}
    assert contact_rules["last_name_required"].severity == "quarantine"
    assert contact_rules["source_id_unique"].severity == "fail"


def test_an_admins_suite_file_loads_and_its_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text(
        "contact:\n  - {name: t, expectation: expect_column_values_to_not_be_null, "
        "kwargs: {column: title}, severity: warn}\n"
    )
    assert load_suites(good) == {"contact": (Rule("t", NOT_NULL, {"column": "title"}, "warn"),)}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "contact:\n  - {name: t, expectation: expect_column_values_to_not_be_null, severity: loud}\n"
    )
    with pytest.raises(ValueError, match=rf"^{bad}: contact\[0\]\.severity"):
        load_suites(bad)


# --- QualityChecker ---
@pytest.fixture(scope="module")
def custom_checker() -> QualityChecker:
    return QualityChecker(
        parse_suites(
            {
                "contact": [
                    {
                        "name": "last_name_required",
                        "expectation": NOT_NULL,
                        "kwargs": {"column": "last_name"},
                    },
                    {
                        "name": "title_wanted",
                        "expectation": NOT_NULL,
                        "kwargs": {"column": "title"},
                        "severity": "warn",
                    },
                ],
                "lead": [
                    {
                        "name": "company_required",
                        "expectation": NOT_NULL,
                        "kwargs": {"column": "company"},
                        "severity": "fail",
                    },
                ],
                "user": [  # an admin's typo: the regex does not compile, so the rule cannot run
                    {
                        "name": "broken_regex",
                        "expectation": REGEX,
                        "kwargs": {"column": "email", "regex": "(unclosed"},
                    },
                ],
            },
            source="test",
        )
    )


def test_good_rows_pass_untouched_in_order(checker: QualityChecker) -> None:
    rows = [_contact("1"), _contact("2", email=None), _contact("3")]
    verdict = checker.check("contact", rows)
    assert verdict.quarantined == []
    assert verdict.warnings == {}
    assert [id(r) for r in verdict.passed] == [id(r) for r in rows]
    assert verdict.seconds_in_gx == 0.0  # the shipped contact rules all run natively (quality/native.py)


def test_bad_rows_are_quarantined_with_reasons_naming_field_and_rule(checker: QualityChecker) -> None:
    rows = [
        _contact("1"),
        _contact("2", last_name=None),
        _contact("3", email="not-an-email"),
        _contact("4", last_name=None, email="also bad"),
        _contact("5"),
    ]
    verdict = checker.check("contact", rows)
    assert [r["source_id"] for r in verdict.passed] == ["1", "5"]
    quarantined = {row["source_id"]: reasons for row, reasons in verdict.quarantined}
    assert list(quarantined) == ["2", "3", "4"]
    assert quarantined["2"] == [
        {
            "field": "last_name",
            "rule": "last_name_required",
            "value": None,
            "message": "last_name: expected to not be null (got None); "
            "rule quality.contact.last_name_required in crmhub.yaml",
        }
    ]
    (email_reason,) = quarantined["3"]
    assert (email_reason["field"], email_reason["rule"], email_reason["value"]) == (
        "email",
        "email_format",
        "not-an-email",
    )
    assert email_reason["message"].startswith("email: expected to match regex")
    assert email_reason["message"].endswith("(got 'not-an-email'); rule quality.contact.email_format in crmhub.yaml")
    assert [(r["field"], r["rule"]) for r in quarantined["4"]] == [
        ("last_name", "last_name_required"),
        ("email", "email_format"),
    ]
    assert all(row is rows[int(row["source_id"]) - 1] for row, _ in verdict.quarantined)


def test_a_fail_rule_stops_the_batch(checker: QualityChecker) -> None:
    rows = [_contact("1"), _contact("2"), _contact("1", last_name="Byron")]
    with pytest.raises(
        QualityFailure,
        match=r"^contact: source_id_unique: 2 row\(s\) broke "
        r"expect_column_values_to_be_unique on source_id \(rule quality.contact.source_id_unique in crmhub.yaml\)$",
    ):
        checker.check("contact", rows)


def test_no_rows_or_no_rules_skip_great_expectations(checker: QualityChecker) -> None:
    assert checker.check("contact", []).passed == []
    rows = [{"id": "x", "source_id": "1"}]
    verdict = checker.check("nothing_declared", rows)
    assert verdict.passed == rows
    assert verdict.seconds_in_gx == 0.0


def test_warn_rules_are_counted_and_the_rows_land(custom_checker: QualityChecker) -> None:
    rows = [_contact("1", title=None), _contact("2", title="CTO"), _contact("3", title=None, last_name=None)]
    verdict = custom_checker.check("contact", rows)
    assert verdict.warnings == {"title_wanted": 2}
    assert [r["source_id"] for r in verdict.passed] == ["1", "2"]
    assert [(row["source_id"], [r["rule"] for r in reasons]) for row, reasons in verdict.quarantined] == [
        ("3", ["last_name_required"])
    ]  # a warning is never a quarantine reason


def test_a_custom_fail_rule_raises(custom_checker: QualityChecker) -> None:
    rows = [
        {"id": "l1", "source_id": "1", "company": "Acme"},
        {"id": "l2", "source_id": "2", "company": None},
    ]
    with pytest.raises(QualityFailure, match=r"^lead: company_required: 1 row\(s\) broke"):
        custom_checker.check("lead", rows)
    assert custom_checker.check("lead", rows[:1]).passed == rows[:1]


def test_a_rule_that_cannot_run_stops_the_batch(custom_checker: QualityChecker) -> None:
    rows = [{"id": "u1", "source_id": "1", "email": "a@example.com"}]
    with pytest.raises(QualityFailure, match="could not run"):
        custom_checker.check("user", rows)
