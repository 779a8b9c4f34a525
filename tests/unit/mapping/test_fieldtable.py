"""mapping/fieldtable.py: the docs' canonical field table is generated from the shipped specs."""

from __future__ import annotations

from pathlib import Path

from mapping.fieldtable import markdown
from mapping.model import ENTITIES
from mapping.spec import load_spec, parse_object


def test_every_canonical_field_has_a_row_and_cells_come_from_the_specs() -> None:
    text = markdown()
    lines = text.splitlines()
    assert lines[0] == "| entity | canonical field | type | Salesforce | HubSpot | Dynamics 365 | Marketo |"
    assert len(lines) == 3 + sum(len(f) for f in ENTITIES.values())
    assert "| contact | first_name | string | `FirstName` | `firstname` | `firstname` |  |" in lines
    assert any(line.startswith("| activity | lead_id | ref | `WhoId` (00Q…) |") for line in lines)


def test_objects_of_one_entity_mapping_different_fields_are_named() -> None:
    calls = parse_object("calls", {"entity": "activity", "fields": {"subject": "hs_call_title"}}, where="t")
    notes = parse_object("notes", {"entity": "activity", "fields": {"subject": "hs_note_body",
                                                                    "type": {"const": "note"}}}, where="t")
    table = markdown({"hubspot": {"calls": calls, "notes": notes}})
    assert "| activity | subject | string | `hs_call_title` (calls); `hs_note_body` (notes) |" in table
    assert "| activity | type | string | = note (notes) |" in table
    assert load_spec("hubspot")  # the shipped specs parse


def test_the_docs_show_the_table_the_specs_generate() -> None:
    page = (Path(__file__).resolve().parents[3] / "docs" / "reference" / "canonical-fields.md").read_text()
    assert markdown().strip() in page, "docs/reference/canonical-fields.md is stale: run `make docs-gen`"
