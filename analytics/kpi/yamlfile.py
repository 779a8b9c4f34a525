"""Read one registry YAML file into plain data, refusing duplicate keys.

PyYAML keeps the last of two equal keys silently: a KPI file with two ``numerator:`` lines would compute the second
and show nobody the first. Here a duplicate is an error naming both lines.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml


class YamlFileError(ValueError):
    """The text is not YAML, or holds a duplicate key: the message says where (no file name: the caller adds it)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):  # SafeLoader's own construct_mapping reports it
                continue
            if key in first:
                raise YamlFileError(f"duplicate key {key!r} at line {line} (first at line {first[key]}); the last "
                                    f"one would win silently")
            first[key] = line
        return super().construct_mapping(node, deep=deep)


def read_yaml(text: str) -> Any:
    """The document's data; YamlFileError for a syntax error or a duplicate key."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise YamlFileError(f"not valid YAML{where}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(f"not valid YAML: {exc}") from None
