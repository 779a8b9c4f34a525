"""Read the YAML text into plain data, turning syntax errors, duplicate keys and empty files into problems.

Messages are built from PyYAML's ``problem``/``context`` only: its full ``str()`` quotes the offending source
line, which may hold a secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from config import keypath
from config.errors import ConfigProblem


@dataclass(slots=True)
class Parsed:
    data: Any = None
    problems: list[ConfigProblem] = field(default_factory=list)


def parse_yaml(text: str) -> Parsed:
    if not text.strip():
        return Parsed(problems=[_empty()])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        return Parsed(problems=[ConfigProblem("", _syntax_message(exc))])
    except yaml.YAMLError as exc:
        return Parsed(problems=[ConfigProblem("", f"YAML error: {type(exc).__name__}")])
    if data is None:
        return Parsed(problems=[_empty()])
    # PyYAML keeps the last of two equal keys silently: a second `hubspot_main:` block would vanish unseen.
    problems = _duplicate_keys(root, []) if root is not None else []
    if not isinstance(data, dict):
        problems.append(
            ConfigProblem(
                "",
                "the file must be a mapping at the top level (version, store, connections, ...)",
            )
        )
    return Parsed(data=data, problems=problems)


def _empty() -> ConfigProblem:
    return ConfigProblem("", "the file is empty; `crmhub init` writes a commented example to start from")


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    what = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    return f"YAML syntax error{where}: {what}{context}"


def _duplicate_keys(node: yaml.Node, path: list[str]) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            name = key_node.value
            line = key_node.start_mark.line + 1
            if name in first_line:
                problems.append(
                    ConfigProblem(
                        keypath.join([*path, keypath.key(name)]),
                        f"duplicate key at line {line} (first at line {first_line[name]}); "
                        "the last one would win",
                    )
                )
            else:
                first_line[name] = line
            problems += _duplicate_keys(value_node, [*path, keypath.key(name)])
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems += _duplicate_keys(item, [*path, keypath.index(i)])
    return problems
