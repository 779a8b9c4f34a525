"""YAML loading that refuses a key written twice in one mapping (PyYAML keeps the last one silently)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from analytics.kpi.errors import KpiDefinitionError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose mappings reject duplicate keys."""


def _mapping(loader: _StrictLoader, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise ConstructorError(None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})",
                                   key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_strict(path: Path) -> Any:
    """The YAML document in ``path``; a duplicate key or a syntax error is a KpiDefinitionError naming the file."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise KpiDefinitionError(f"{path}: {exc}") from None
