"""``${NAME}`` references in string values, resolved from an environment mapping before validation.

``$${`` escapes a literal ``${``. Every reference that cannot be resolved becomes a problem at its key path,
so an admin sees all the variables to export at once rather than one per attempt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from config import keypath
from config.errors import ConfigProblem

# "$${" (escape) or "${NAME}"; a "${" not followed by a valid name and "}" is malformed.
_REFERENCE = re.compile(r"\$(?P<escape>\$)?\{(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)\})?")


@dataclass(slots=True)
class Resolution:
    """The document with references replaced, what went wrong, and which values came from the environment."""

    data: Any
    problems: list[ConfigProblem] = field(default_factory=list)
    # Values taken from the environment: the loader scrubs them from every message, whatever field they fill.
    substituted: set[str] = field(default_factory=set)


def resolve_references(data: Any, *, env: Mapping[str, str]) -> Resolution:
    resolution = Resolution(data=None)
    resolution.data = _walk(data, [], env, resolution)
    return resolution


def _walk(node: Any, path: list[str], env: Mapping[str, str], out: Resolution) -> Any:
    if isinstance(node, str):
        return _substitute(node, path, env, out)
    if isinstance(node, dict):
        return {name: _walk(value, [*path, keypath.key(name)], env, out) for name, value in node.items()}
    if isinstance(node, list):
        return [_walk(value, [*path, keypath.index(i)], env, out) for i, value in enumerate(node)]
    return node


def _substitute(text: str, path: list[str], env: Mapping[str, str], out: Resolution) -> str:
    if "${" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if match.group("escape"):
            # "$${X}" stays "${X}" verbatim: the escape only removes one "$".
            return match.group(0)[1:]
        if name is None:
            out.problems.append(
                ConfigProblem(
                    keypath.join(path),
                    "malformed ${...} reference; write ${NAME} with letters, digits and '_' "
                    "(or $${ for a literal ${)",
                )
            )
            return match.group(0)
        value = env.get(name)
        if value is None:
            out.problems.append(ConfigProblem(keypath.join(path), f"environment variable {name} is not set"))
            return match.group(0)
        out.substituted.add(value)
        return value

    return _REFERENCE.sub(replace, text)
