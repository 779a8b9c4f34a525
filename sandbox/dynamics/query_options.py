"""System query options and ``Prefer`` preferences, parsed and validated the way the Web API validates them."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from sandbox.dynamics.errors import odata_error

MAX_PAGE = 5000
KNOWN = frozenset({"$select", "$filter", "$orderby", "$top", "$count", "$expand", "$skiptoken", "$deltatoken",
                   "$skip", "$search", "$apply", "$format"})


@dataclass
class Expand:
    nav: str
    select: list[str] | None = None
    expand: list[Expand] = field(default_factory=list)


@dataclass
class QueryOptions:
    raw: list[tuple[str, str]]
    select: list[str] | None = None
    filter: str | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    top: int | None = None
    count: bool = False
    expand: list[Expand] = field(default_factory=list)
    skiptoken: str | None = None
    deltatoken: str | None = None


def parse_query(query_string: str) -> QueryOptions:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    seen: set[str] = set()
    opts = QueryOptions(raw=pairs)
    for name, value in pairs:
        if not name.startswith("$"):
            continue
        if name not in KNOWN:
            raise odata_error(f"The query parameter {name} is not supported")
        if name in seen:
            raise odata_error(f"Query option '{name}' was specified more than once, but it must be specified at "
                              "most once.")
        seen.add(name)
        if name == "$skip":
            raise odata_error("Skip Clause is not supported in CRM")
        if name in ("$search", "$apply"):
            raise odata_error(f"The query parameter {name} is not supported")
        if name == "$select":
            opts.select = [s.strip() for s in value.split(",") if s.strip()]
        elif name == "$filter":
            opts.filter = value
        elif name == "$orderby":
            opts.orderby = _orderby(value)
        elif name == "$top":
            if not value.strip().isdigit():
                raise odata_error(f"Invalid value '{value}' for $top query option found. The $top query option "
                                  "requires a non-negative integer value.")
            opts.top = int(value)
        elif name == "$count":
            if value not in ("true", "false"):
                raise odata_error(f"'{value}' is not a valid count option.")
            opts.count = value == "true"
        elif name == "$expand":
            opts.expand = parse_expand(value)
        elif name == "$skiptoken":
            opts.skiptoken = value
        elif name == "$deltatoken":
            opts.deltatoken = value
    return opts


def _orderby(text: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for item in text.split(","):
        parts = item.split()
        if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("asc", "desc")):
            raise odata_error(f"Syntax error at position {len(text)} in '{text}'.")
        out.append((parts[0], len(parts) == 2 and parts[1] == "desc"))
    return out


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise odata_error(f"Syntax error at position {i} in '{text}'.")
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0:
        raise odata_error(f"')' or ',' expected at position {len(text)} in '{text}'.")
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_expand(text: str) -> list[Expand]:
    out: list[Expand] = []
    for item in _split_top(text, ","):
        nav, _, rest = item.partition("(")
        expand = Expand(nav.strip())
        if rest:
            if not rest.endswith(")"):
                raise odata_error(f"Syntax error at position {len(text)} in '{text}'.")
            for option in _split_top(rest[:-1], ";"):
                key, _, value = option.partition("=")
                if key == "$select":
                    expand.select = [s.strip() for s in value.split(",") if s.strip()]
                elif key == "$expand":
                    expand.expand = parse_expand(value)
                else:
                    raise odata_error(f"The query option {key} is not supported in $expand of a single-valued "
                                      "navigation property.")
        out.append(expand)
    return out


@dataclass
class Preferences:
    maxpagesize: int | None = None
    annotations: list[str] = field(default_factory=list)
    track_changes: bool = False
    return_representation: bool = False
    continue_on_error: bool = False

    def wants(self, annotation: str) -> bool:
        for pattern in self.annotations:
            if pattern == "*" or pattern == annotation:
                return True
            if pattern.endswith(".*") and annotation.startswith(pattern[:-1]):
                return True
        return False


def parse_prefer(values: list[str]) -> Preferences:
    prefs = Preferences()
    for header in values:
        for item in _split_quoted(header):
            key, _, value = item.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "odata.maxpagesize":
                if not value.isdigit():
                    raise odata_error(f"The value '{value}' of the odata.maxpagesize preference is not valid.")
                prefs.maxpagesize = int(value)
            elif key == "odata.include-annotations":
                prefs.annotations = [a.strip() for a in value.split(",") if a.strip()]
            elif key == "odata.track-changes":
                prefs.track_changes = True
            elif key == "return" and value == "representation":
                prefs.return_representation = True
            elif key == "odata.continue-on-error":
                prefs.continue_on_error = True
    return prefs


def _split_quoted(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]

