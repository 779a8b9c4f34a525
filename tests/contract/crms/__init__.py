"""One module per CRM: how to start its sandbox and the Harness the contract suite runs against it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence

import pytest

from connectors.kinds import KINDS, Kind
from tests.contract.harness import Harness


def crm_names(kinds: Sequence[Kind]) -> list[str]:
    """The kinds the contract suite runs: every registered one (each has its ``tests/contract/crms/<kind>.py``)."""
    return [kind.name for kind in kinds]


CUSTOM = "_custom"


def custom_names(kinds: Sequence[Kind]) -> list[str]:
    """``<kind>_custom`` for each kind whose module also has ``start_custom(state, scale)``: the suite runs again
    with a custom object of that CRM as its edited object (its harness says which, and how it is mapped)."""
    return [kind.name + CUSTOM for kind in kinds
            if hasattr(importlib.import_module(f"tests.contract.crms.{kind.name}"), "start_custom")]


CUSTOM_CRMS = custom_names(KINDS)
CRMS = [*crm_names(KINDS), *CUSTOM_CRMS]


def started(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A small sandbox of ``kind`` (scale 400) and its harness, stopped afterwards; ``<kind>_custom``: the kind's
    custom-object harness on a sandbox of its own."""
    base = kind.removesuffix(CUSTOM)
    module = importlib.import_module(f"tests.contract.crms.{base}")
    start = module.start_custom if kind.endswith(CUSTOM) else module.start
    sb, harness = start(tmp_path_factory.mktemp(kind), 400)
    try:
        yield harness
    finally:
        sb.stop()
