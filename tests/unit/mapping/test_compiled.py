"""mapping/compiled.py: the compiled mapping builds exactly the rows the per-rule path builds, and leaves every
record it cannot build to that path, so rejects keep exactly their reasons.

A differential test over every object of every shipped spec (mapping/specs/*.yaml), admin overrides, a raw table's
mapping and pending type changes: generated records mixing good values, bad values, None, empty and blank text,
numbers, booleans, structures and custom fields go through ``map_records`` (compiled) and ``map_records_by_rule``;
rows (keys in order, values with their types) and rejects (record, reasons in order) must be identical.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from typing import Any

import pytest

from mapping.apply import MapResult, map_records, map_records_by_rule
from mapping.compiled import row_builder
from mapping.raw import COERCE, ColumnRule, raw_mapping
from mapping.spec import ObjectMapping, load_spec, with_overrides
from mapping.transforms import TransformError

SPECS = sorted(p.name.removesuffix(".yaml") for p in resources.files("mapping.specs").iterdir()
               if p.name.endswith(".yaml"))
RECORDS = 240

# Any field may hold any of these: what a CRM, a person or a broken export puts in a field.
ANY_VALUE: tuple[Any, ...] = (
    None, "", "   ", "\t\n", 0, 1, -7, 2.5, -0.0, float("nan"), float("inf"), True, False, "true", "No", "y",
    "abc", " Mixed Case ", "12,345", "1e3", "-0", "0012", "99999999999999999999999", "3.75", "1,5", {"a": 1},
    [1, "b"], "2024-03-10T12:00:00Z", "2024-03-10T12:00:00.123+02:00", "2024-03-10", "2024-13-45",
    "2024-03-10T12:00:00", "1710072000000", "-86400000", "999999999999999999", "Germany", "DE", "uk", "nowhere",
    "+14155550123", "+1 415-555-0123", "030 1234567", "+1 555", "call me", "+0301234567", "+11415555012",
    "001000000000001AAA", "003000000000002BBB", "00Q000000000003CCC", " 006000000000004DDD ", "ü 名前 \x1f",
    "x" * 300, datetime(2024, 3, 10, 12, tzinfo=UTC), datetime(2024, 3, 10, 12),
    datetime(2024, 3, 10, 12, tzinfo=timezone(timedelta(hours=-5))), "OMIT", "COMMIT", "Closed Won", "gold",
)
# Values each transform reads well, so most records map and the compiled path builds most rows.
GOOD: dict[str, tuple[Any, ...]] = {
    "string": ("Ada", " Lovelace ", "VP Sales", "ACME GmbH", "example.com", 42),
    "text": ("Ada", "line one\nline two", {"street": "Main St"}, True, 3),
    "email": (" Ada@Example.com ", "bob@example.org", "not-an-email"),
    "phone": ("+14155550123", "+1 415-555-0123", "+44 20 7946 0958", "030 1234567", "(212) 555-0100",
              "+390612345678", "+7 912 345-67-89"),
    "country": ("Germany", "United States", "FR", "uk", "Brazil", "japan", "DEU"),
    "datetime": ("2024-03-10T12:00:00Z", "2024-03-10T12:00:00.000+02:00", "1710072000000", "2024-03-10"),
    "date": ("2024-03-10", "2024-03-10T23:30:00-05:00"),
    "integer": ("12", 7, "1,200", "0"),
    "number": ("12.5", 3, "0.2", "1,000.75"),
    "boolean": ("true", "false", True, False, "1"),
    "not": ("true", "false", True),
    "ref": ("001000000000001AAA", "003000000000002BBB", "00Q000000000003CCC", "42", 42, " 77 "),
    "const": ("whatever",),
}


def _value(rnd: random.Random, transform: str, args: dict[str, Any]) -> Any:
    draw = rnd.random()
    if draw < 0.08:
        return rnd.choice((None, "", "  "))
    if draw < 0.85:
        if transform == "map":
            return rnd.choice([*(args.get("values") or {}), " " + next(iter(args.get("values") or {"x": 0})), "?"])
        return rnd.choice(GOOD.get(transform, GOOD["string"]))
    return rnd.choice(ANY_VALUE)


def _records(om: ObjectMapping, seed: int, primary_key: str = "id") -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    fields = {r.source: (r.transform, dict(r.args)) for r in om.rules if r.source}
    fields |= {str(r.args["region_from"]): ("country", {}) for r in om.rules if r.args.get("region_from")}
    custom = [source for source, _ in om.custom] + [source for source, _, _ in om.type_changes]
    out = []
    for i in range(RECORDS):
        record: dict[str, Any] = {primary_key: rnd.choice((f"{1000 + i}", 1000 + i, f"00Q{i:015d}"))}
        for source, (transform, args) in fields.items():
            if rnd.random() < 0.93:  # a field may be missing from a record
                record[source] = _value(rnd, transform, args)
        for source in custom:
            if rnd.random() < 0.7:
                record[source] = rnd.choice(ANY_VALUE + GOOD["string"])
        record["not_mapped"] = rnd.choice(ANY_VALUE)
        out.append(record)
    return out


def _same(compiled: MapResult, by_rule: MapResult) -> None:
    # repr: keys in order, values with their types (a datetime's zone, an int that is not a float, NaN)
    assert repr(compiled.rows) == repr(by_rule.rows)
    assert len(compiled.rejects) == len(by_rule.rejects)
    for got, want in zip(compiled.rejects, by_rule.rejects, strict=True):
        assert got.source_id == want.source_id
        assert got.record is want.record
        assert repr(got.reasons) == repr(want.reasons)


def _mappings() -> list[tuple[str, ObjectMapping]]:
    return [(f"{kind}.{name}", om) for kind in SPECS for name, om in load_spec(kind).items()]


@pytest.mark.parametrize(("name", "om"), _mappings(), ids=[n for n, _ in _mappings()])
def test_compiled_rows_and_rejects_equal_the_per_rule_path_for_every_shipped_mapping(name: str,
                                                                                     om: ObjectMapping) -> None:
    records = _records(om, seed=len(name))
    compiled = map_records(om, records, connection="conn")
    _same(compiled, map_records_by_rule(om, records, connection="conn"))
    # Not vacuous: records map and records are refused, and the compiled function built the rows it could.
    assert compiled.rows
    build = row_builder(om, connection="conn", primary_key="id")
    built = 0
    for record in records:
        with contextlib.suppress(TransformError, ValueError, ArithmeticError):
            built += build(record) is not None
    assert built == len(compiled.rows)
    if any(r.transform not in ("string", "ref", "const") for r in om.rules):
        assert compiled.rejects, "bad values of typed fields must be refused"


def test_the_shipped_specs_are_all_covered() -> None:
    assert set(SPECS) >= {"hubspot", "salesforce", "dynamics", "marketo"}


def test_overrides_a_custom_primary_key_and_no_records() -> None:
    om = with_overrides(load_spec("hubspot")["contacts"], {
        "fields": {"hs_persona": "custom.persona", "mobilephone": "phone"},
        "exclude": ["city"],
        "transforms": {"jobtitle": "text"},
        "values": {"lifecyclestage": {"lead": "Lead", "customer": "Customer"}},
    }, connection="hs")
    records = _records(om, seed=11, primary_key="vid")
    _same(map_records(om, records, connection="hs", primary_key="vid"),
          map_records_by_rule(om, records, connection="hs", primary_key="vid"))
    assert map_records(om, [], connection="hs") == MapResult()


def test_pending_type_changes_reject_records_with_a_value_exactly_as_the_rules_do() -> None:
    base = load_spec("hubspot")["contacts"]
    om = replace(base, type_changes=(("jobtitle", "string", "enumeration"), ("hs_persona", "string", "number")))
    records = _records(om, seed=5)
    compiled = map_records(om, records, connection="hs")
    _same(compiled, map_records_by_rule(om, records, connection="hs"))
    assert any(reason["rule"] == "schema_type_change" for r in compiled.rejects for reason in r.reasons)
    assert compiled.rows  # records without a value in a changed field still land


def test_a_raw_tables_mapping_keeps_its_column_types_in_the_reasons() -> None:
    columns = [ColumnRule(f"f_{kind}", f"c_{kind}", kind, f"Crm{kind.title()}") for kind in COERCE]
    om = raw_mapping("things", "raw_x__things", columns, created="created", modified="modified",
                     type_changes=(("f_integer", "String", "Integer"),))
    records = _records(om, seed=3)
    compiled = map_records(om, records, connection="x")
    _same(compiled, map_records_by_rule(om, records, connection="x"))
    assert compiled.rows and all("custom" not in row for row in compiled.rows)
    assert any("expected_type" in reason for r in compiled.rejects for reason in r.reasons)


def test_a_mapping_is_compiled_once_and_a_reloaded_one_afresh() -> None:
    om = load_spec("hubspot")["contacts"]
    build = row_builder(om, connection="hs", primary_key="id")
    assert row_builder(om, connection="hs", primary_key="id") is build
    assert row_builder(om, connection="other", primary_key="id") is not build
    reloaded = with_overrides(load_spec("hubspot")["contacts"], {"exclude": ["city"]}, connection="hs")
    record = {"id": "1", "lastname": "Byron", "city": "London"}
    assert map_records(om, [record], connection="hs").rows[0]["city"] == "London"
    assert "city" not in map_records(reloaded, [record], connection="hs").rows[0]
    again = load_spec("hubspot")["contacts"]  # equal, but another object: compiled for itself
    assert again == om and row_builder(again, connection="hs", primary_key="id") is not build
