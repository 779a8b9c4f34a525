"""Record keys in URLs: ``accounts(<guid>)`` and alternate keys ``accounts(accountnumber='A-1')``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.guids import is_guid
from sandbox.dynamics.schema import Table
from sandbox.dynamics.store import Store

_ENTITY = re.compile(r"^/?([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$")


@dataclass(frozen=True)
class Key:
    record_id: str | None = None  # a primary key
    key_name: str | None = None  # or an alternate key and its values
    values: tuple[Any, ...] = ()
    text: str = ""


def parse_key(table: Table, text: str) -> Key:
    text = text.strip()
    if is_guid(text):
        return Key(record_id=text.lower(), text=text)
    pairs = {}
    for part in _split(text):
        name, sep, raw = part.partition("=")
        if not sep:
            raise errors.odata_error(f"Bad Request - Error in query syntax. The key '{text}' is not valid.")
        pairs[name.strip()] = _key_value(raw.strip(), text)
    if list(pairs) == [table.primary_id] and isinstance(pairs[table.primary_id], str):
        return Key(record_id=pairs[table.primary_id].lower(), text=text)
    for key in table.keys:
        if set(key.attributes) == set(pairs):
            return Key(key_name=key.name, values=tuple(pairs[a] for a in key.attributes), text=text)
    raise errors.odata_error(
        f"The key '{text}' is not a primary key or a defined alternate key of the entity '{table.logical}'."
    )


def _split(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _key_value(raw: str, whole: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1].replace("''", "'")
    if is_guid(raw):
        return raw.lower()
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    raise errors.odata_error(f"Bad Request - Error in query syntax. The key '{whole}' is not valid.")


def resolve(store: Store, table: Table, key: Key) -> str | None:
    """The id the key names, or None when no row has it."""
    if key.record_id is not None:
        return key.record_id if store.get(table.logical, key.record_id) is not None else None
    assert key.key_name is not None
    return store.find_by_key(table.logical, key.key_name, key.values)


def missing(table: Table, key: Key) -> errors.DataverseError:
    if key.record_id is not None:
        return errors.not_found(table.logical, key.record_id)
    return errors.DataverseError(
        404, errors.KEY_NOT_FOUND,
        f"A record with the specified key values does not exist in {table.logical} entity",
    )


def parse_entity_url(catalog: Catalog, text: str) -> tuple[Table, str]:
    """``accounts(<key>)`` given relative, absolute (``/api/data/v9.2/...``) or as a full URL: (table, key text)."""
    marker = "/api/data/v9.2/"
    rest = text
    if "://" in text or text.startswith(marker):
        if marker not in text:
            raise errors.odata_error(f"The URI '{text}' is not valid because it is not based on the service root.")
        rest = text.split(marker, 1)[1]
    m = _ENTITY.match(rest)
    table = catalog.by_set(m.group(1)) if m else None
    if m is None or table is None:
        raise errors.odata_error(f"The URI '{text}' is not valid because it does not address a single entity.")
    return table, m.group(2)
