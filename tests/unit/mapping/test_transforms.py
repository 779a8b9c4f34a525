"""mapping/transforms.py: every transform, its blanks, its refusals, UTC conversion that keeps the instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from mapping.transforms import (
    TRANSFORMS,
    TransformError,
    t_boolean,
    t_const,
    t_country,
    t_date,
    t_datetime,
    t_email,
    t_integer,
    t_map,
    t_not,
    t_number,
    t_phone,
    t_string,
    t_text,
)

NO_ARGS: dict[str, Any] = {}
NO_RECORD: dict[str, Any] = {}
BLANKS = ["", None, "   ", "\t\n"]
VALUE_TRANSFORMS = [
    "string",
    "text",
    "integer",
    "number",
    "boolean",
    "datetime",
    "date",
    "email",
    "phone",
    "country",
    "map",
    "not",
]


@pytest.mark.parametrize("name", VALUE_TRANSFORMS)
@pytest.mark.parametrize("blank", BLANKS)
def test_blank_is_no_value_for_every_value_transform(name: str, blank: Any) -> None:
    assert TRANSFORMS[name](blank, {"region_from": "country"}, {"country": "DE"}) is None


def test_registry_names_every_transform() -> None:
    assert set(TRANSFORMS) == {
        "string",
        "text",
        "integer",
        "number",
        "boolean",
        "datetime",
        "date",
        "email",
        "phone",
        "country",
        "map",
        "const",
        "not",
    }


def test_string_trims_and_lowers_only_when_asked() -> None:
    assert t_string("  Acme Corp ", NO_ARGS, NO_RECORD) == "Acme Corp"
    assert t_string(" Acme.COM ", {"lower": True}, NO_RECORD) == "acme.com"
    assert t_string(42, NO_ARGS, NO_RECORD) == "42"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 1,234 ", 1234),
        ("1,234,567", 1234567),
        ("-7", -7),
        ("3.0", 3),
        (12, 12),
        ("1e3", 1000),
    ],
)
def test_integer_accepts_whole_numbers_with_separators(raw: Any, expected: int) -> None:
    result = t_integer(raw, NO_ARGS, NO_RECORD)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("raw", ["n/a", "3.5", "twelve", "NaN", "1,2.5"])
def test_integer_refuses_what_is_not_a_whole_number(raw: str) -> None:
    with pytest.raises(TransformError, match="expected a whole number") as info:
        t_integer(raw, NO_ARGS, NO_RECORD)
    assert info.value.expected == "a whole number"
    assert info.value.value == raw


@pytest.mark.parametrize("raw", ["inf", "Infinity"])
def test_integer_refuses_infinity_as_a_transform_error(raw: str) -> None:
    with pytest.raises(TransformError):
        t_integer(raw, NO_ARGS, NO_RECORD)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", 1234.5),
        (" 99.9 ", 99.9),
        ("-0.5", -0.5),
        (7, 7.0),
        ("1e3", 1000.0),
    ],
)
def test_number_accepts_numbers_with_commas(raw: Any, expected: float) -> None:
    result = t_number(raw, NO_ARGS, NO_RECORD)
    assert result == pytest.approx(expected)
    assert isinstance(result, float)


def test_number_refuses_text_naming_what_was_expected() -> None:
    with pytest.raises(TransformError, match=r"^expected a number, got 'n/a'$"):
        t_number("n/a", NO_ARGS, NO_RECORD)


def test_number_divides_by_a_unit_change() -> None:
    assert t_number("90", {"divide_by": 60}, NO_RECORD) == pytest.approx(1.5)  # seconds -> minutes
    assert t_number(None, {"divide_by": 60}, NO_RECORD) is None


@pytest.mark.parametrize("raw", ["nan", "inf", "-Infinity"])
def test_number_refuses_non_finite_values(raw: str) -> None:
    with pytest.raises(TransformError, match="expected a finite number"):
        t_number(raw, NO_ARGS, NO_RECORD)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("1", True),
        ("y", True),
        (True, True),
        (1, True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("n", False),
        (False, False),
        (0, False),
    ],
)
def test_boolean_reads_the_usual_spellings(raw: Any, expected: bool) -> None:
    assert t_boolean(raw, NO_ARGS, NO_RECORD) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "n/a"])
def test_boolean_refuses_anything_else(raw: str) -> None:
    with pytest.raises(TransformError, match="expected true or false"):
        t_boolean(raw, NO_ARGS, NO_RECORD)


def test_not_inverts_a_boolean_and_keeps_blanks() -> None:
    assert t_not("true", NO_ARGS, NO_RECORD) is False
    assert t_not("false", NO_ARGS, NO_RECORD) is True
    assert t_not("", NO_ARGS, NO_RECORD) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-10T12:00:00+02:00", datetime(2024, 3, 10, 10, 0, tzinfo=UTC)),
        ("2024-03-10T12:00:00-05:00", datetime(2024, 3, 10, 17, 0, tzinfo=UTC)),
        ("2024-03-10T23:30:00-05:00", datetime(2024, 3, 11, 4, 30, tzinfo=UTC)),  # crosses midnight
        ("2024-03-10T12:00:00Z", datetime(2024, 3, 10, 12, 0, tzinfo=UTC)),
        ("2024-03-10T12:00:00.123456+00:00", datetime(2024, 3, 10, 12, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_datetime_converts_offsets_to_utc_keeping_the_instant(raw: str, expected: datetime) -> None:
    result = t_datetime(raw, NO_ARGS, NO_RECORD)
    assert result == expected
    assert result.utcoffset() == timedelta(0)
    # The same instant shown in UTC, not the wall time relabelled as UTC.
    assert result.hour == expected.hour


def test_datetime_converts_an_aware_datetime_object() -> None:
    berlin_summer = timezone(timedelta(hours=2))
    result = t_datetime(datetime(2024, 6, 1, 9, 0, tzinfo=berlin_summer), NO_ARGS, NO_RECORD)
    assert result == datetime(2024, 6, 1, 7, 0, tzinfo=UTC)
    assert result.tzinfo == UTC


@pytest.mark.parametrize("raw", ["1700000000123", 1700000000123])
def test_datetime_reads_epoch_milliseconds(raw: Any) -> None:
    assert t_datetime(raw, NO_ARGS, NO_RECORD) == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)


def test_datetime_reads_epoch_zero_and_negative_milliseconds() -> None:
    assert t_datetime("0", NO_ARGS, NO_RECORD) == datetime(1970, 1, 1, tzinfo=UTC)
    assert t_datetime("-1000", NO_ARGS, NO_RECORD) == datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["2024-03-10T12:00:00", datetime(2024, 3, 10, 12, 0), "2024-03-10"])
def test_datetime_refuses_naive_values_by_default(raw: Any) -> None:
    with pytest.raises(TransformError, match=r"UTC offset.*assume_utc"):
        t_datetime(raw, NO_ARGS, NO_RECORD)


def test_datetime_assume_utc_reads_naive_values_as_utc() -> None:
    result = t_datetime("2024-03-10T12:00:00", {"assume_utc": True}, NO_RECORD)
    assert result == datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    assert result.tzinfo == UTC


def test_datetime_refuses_text() -> None:
    with pytest.raises(TransformError, match="an ISO-8601 date-time with a UTC offset"):
        t_datetime("n/a", NO_ARGS, NO_RECORD)


def test_datetime_refuses_an_out_of_range_epoch_as_a_transform_error() -> None:
    with pytest.raises(TransformError):
        t_datetime("99999999999999999", NO_ARGS, NO_RECORD)


def test_date_reads_iso_dates_and_date_times() -> None:
    assert t_date("2024-03-10", NO_ARGS, NO_RECORD) == date(2024, 3, 10)
    assert t_date("2024-03-10T12:00:00Z", NO_ARGS, NO_RECORD) == date(2024, 3, 10)
    assert t_date("1710072000000", NO_ARGS, NO_RECORD) == date(2024, 3, 10)  # epoch ms of 2024-03-10T12:00Z


def test_date_refuses_impossible_dates() -> None:
    with pytest.raises(TransformError, match="a date YYYY-MM-DD"):
        t_date("2024-13-45", NO_ARGS, NO_RECORD)
    with pytest.raises(TransformError):
        t_date("next week", NO_ARGS, NO_RECORD)


def test_email_is_trimmed_and_lower_cased_but_not_validated() -> None:
    assert t_email("  Ada.Lovelace@Example.COM ", NO_ARGS, NO_RECORD) == "ada.lovelace@example.com"
    assert t_email("not-an-email", NO_ARGS, NO_RECORD) == "not-an-email"  # validity is a quality rule


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("030 1234567", "Germany", "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("(212) 555-0100", "United States", "+12125550100"),
        ("+44 20 7946 0958", "US", "+442079460958"),  # an explicit prefix beats the record's country
    ],
)
def test_phone_is_e164_with_region_from_the_record(raw: str, country: str, expected: str) -> None:
    assert t_phone(raw, {"region_from": "country"}, {"country": country}) == expected


def test_phone_without_region_needs_a_country_prefix() -> None:
    assert t_phone("+1 212 555 0100", NO_ARGS, NO_RECORD) == "+12125550100"
    with pytest.raises(TransformError, match="expected a phone number"):
        t_phone("030 1234567", NO_ARGS, NO_RECORD)
    with pytest.raises(TransformError, match="expected a phone number"):
        t_phone("030 1234567", {"region_from": "country"}, {"country": ""})


def test_phone_refuses_impossible_numbers() -> None:
    with pytest.raises(TransformError, match="expected a possible phone number"):
        t_phone("+1 555", NO_ARGS, NO_RECORD)
    with pytest.raises(TransformError):
        t_phone("call me", NO_ARGS, NO_RECORD)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Germany", "DE"),
        ("germany", "DE"),
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("United States", "US"),
        ("USA", "US"),
        (" France ", "FR"),
        ("Netherlands", "NL"),
    ],
)
def test_country_by_name_or_code_is_iso_alpha2(raw: str, expected: str) -> None:
    assert t_country(raw, NO_ARGS, NO_RECORD) == expected


@pytest.mark.parametrize("raw", ["n/a", "Atlantis", "xyz"])
def test_country_refuses_what_is_no_country(raw: str) -> None:
    with pytest.raises(TransformError, match="expected a country name or ISO code"):
        t_country(raw, NO_ARGS, NO_RECORD)


@pytest.mark.parametrize("raw", ["-", "none", "other"])
def test_country_refuses_placeholder_text(raw: str) -> None:
    with pytest.raises(TransformError):
        t_country(raw, NO_ARGS, NO_RECORD)


def test_map_uses_the_table_then_the_default() -> None:
    args = {"values": {"1": "open", "2": "won"}}
    assert t_map("2", args, NO_RECORD) == "won"
    assert t_map(1, args, NO_RECORD) == "open"
    assert t_map("9", {**args, "default": "other"}, NO_RECORD) == "other"
    assert t_map("9", {**args, "default": "$same"}, NO_RECORD) == "9"
    assert t_map(" 2 ", args, NO_RECORD) == "won"  # a picklist value with stray spaces is the same value
    assert t_map(" 9 ", {**args, "default": "$same"}, NO_RECORD) == "9"
    with pytest.raises(TransformError, match=r"expected one of \['1', '2'\]"):
        t_map("9", args, NO_RECORD)


def test_const_ignores_the_value() -> None:
    assert t_const("anything", {"value": "call"}, NO_RECORD) == "call"
    assert t_const(None, {"value": None}, NO_RECORD) is None


def test_transform_error_carries_expected_and_value() -> None:
    err = TransformError("a number", "abc")
    assert (err.expected, err.value) == ("a number", "abc")
    assert str(err) == "expected a number, got 'abc'"
    assert isinstance(err, ValueError)


def test_text_keeps_the_value_as_sent_and_structures_as_json() -> None:
    assert t_text("  two\nlines ", NO_ARGS, NO_RECORD) == "  two\nlines "
    assert t_text({"b": 1, "a": [True, None]}, NO_ARGS, NO_RECORD) == '{"a": [true, null], "b": 1}'
    assert t_text(False, NO_ARGS, NO_RECORD) == "false"
    assert t_text(12.5, NO_ARGS, NO_RECORD) == "12.5"
    assert t_text("x" * 255, {"max_length": 255}, NO_RECORD) == "x" * 255
    with pytest.raises(TransformError, match="expected text of at most 255 characters \\(got 256\\)"):
        t_text("x" * 256, {"max_length": 255}, NO_RECORD)


def test_a_bare_date_is_midnight_utc_only_when_asked() -> None:
    assert t_datetime("2024-03-01", {"date_as_midnight": True}, NO_RECORD) == datetime(2024, 3, 1, tzinfo=UTC)
    assert t_datetime("2024-03-01T10:00:00+02:00", {"date_as_midnight": True}, NO_RECORD) == datetime(
        2024, 3, 1, 8, tzinfo=UTC)
    with pytest.raises(TransformError):
        t_datetime("2024-03-01", NO_ARGS, NO_RECORD)  # a naive value, refused as before
    with pytest.raises(TransformError, match="a date YYYY-MM-DD"):
        t_datetime("2024-13-01", {"date_as_midnight": True}, NO_RECORD)
