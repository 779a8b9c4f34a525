"""The registry reproduces the seed: 82 models, each module's models and counts, the 17 alias merges."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapping.objectmodels import get_module, get_object_model, shipped_registry
from tests.unit.mapping.objectmodels.seed_lists import ALIASES, SEED_COUNTS, SEED_MODULE_MODELS

REPO = Path(__file__).resolve().parents[4]
# ../shared/spec beside the repository (a worktree sits one level deeper: the nearest such folder above it).
SEED_FILE = next((p / "shared" / "spec" / "analytics-registry.md" for p in REPO.parents
                  if (p / "shared" / "spec" / "analytics-registry.md").is_file()), REPO.parent / "shared" / "spec")


def _spelled(name: str) -> str:
    """"Quarterly Business Review (QBR)" is how the seed writes the name QBR out: one name, not two."""
    match = re.fullmatch(r".+ \((\w+)\)", name)
    return match[1] if match else name


def test_the_seed_lists_189_memberships_over_99_names() -> None:
    names = [name for names in SEED_MODULE_MODELS.values() for name in names]
    assert len(names) == 189
    assert len({_spelled(n) for n in names}) == 99
    assert {code: len(names) for code, names in SEED_MODULE_MODELS.items()} == SEED_COUNTS


def test_82_models_and_each_module_keeps_the_seeds_count() -> None:
    registry = shipped_registry()
    assert len(registry) == 82
    assert list(registry.modules) == list(SEED_COUNTS)
    assert {code: len(module.object_models) for code, module in registry.modules.items()} == SEED_COUNTS


def test_every_seed_name_resolves_to_the_module_models_in_seed_order() -> None:
    registry = shipped_registry()
    for code, names in SEED_MODULE_MODELS.items():
        resolved = [registry.resolve(name).code for name in names]
        assert len(set(resolved)) == len(resolved), f"{code} lists two names of one model"
        assert resolved == registry.module(code).model_codes, code


def test_exactly_the_17_alias_merges() -> None:
    registry = shipped_registry()
    declared = {alias: model.code for model in registry for alias in model.aliases}
    assert declared == ALIASES
    seed_names = {_spelled(n) for names in SEED_MODULE_MODELS.values() for n in names}
    assert {m.name for m in registry} == seed_names - set(ALIASES)  # every other seed name is a model's own name


def test_codes_are_the_names_in_upper_snake() -> None:
    codes = {model.name: model.code for model in shipped_registry()}
    assert codes["Sales Representative"] == "SALES_REPRESENTATIVE"
    assert codes["Co-Marketing Campaign"] == "CO_MARKETING_CAMPAIGN"
    assert codes["QBR"] == "QBR" and codes["SLA"] == "SLA"
    assert get_object_model("QBR").long_name == "Quarterly Business Review"


def test_the_seeds_python_api_for_models() -> None:
    customer = get_object_model("CUSTOMER")
    assert customer.name == "Customer"
    assert len(customer.metadata_["modules"]) == 12  # "Most Shared Model: Customer - 12 modules"
    assert len(get_object_model("PRODUCT").metadata_["modules"]) == 10
    assert len(get_object_model("SALES_REPRESENTATIVE").metadata_["modules"]) == 9
    inside = get_module("INSIDE_SALES")
    assert inside.name == "Inside Sales" and len(inside.object_models) == 16
    assert inside.object_models[-1].name == "Lost Sale"
    assert get_object_model("Sales Rep").code == "SALES_REPRESENTATIVE"  # a name or alias finds it too


@pytest.mark.skipif(not SEED_FILE.is_file(), reason=f"{SEED_FILE} is absent (the shared spec folder)")
def test_the_lists_here_are_the_seeds_own() -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    for code, names in SEED_MODULE_MODELS.items():
        section = text.split(f"**Module Code**: `{code}`", 1)[1].split("## Key Object Models", 1)[1]
        section = section.split("## Focus Areas", 1)[0]
        found: list[str] = []
        for line in (raw.strip() for raw in section.splitlines()):
            if line.startswith("**Shared**:"):
                found += [n.strip() for n in line.removeprefix("**Shared**:").split(",")]
            elif re.match(r"\d+\. ", line):
                name = re.sub(r"^\d+\. ", "", line).split(" - ")[0].replace("**", "")
                found.append(re.sub(r"\s*\((Primary|Enhanced)\)", "", name).strip())
        assert found == names, code
