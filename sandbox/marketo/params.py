"""Query-parameter checks shared by the REST operations, with Marketo's codes for each way to get them wrong."""

from __future__ import annotations

from sandbox.marketo.api import Call
from sandbox.marketo.envelope import bad_type, blank, invalid, missing

MAX_BATCH = 300


def required(call: Call, name: str) -> str:
    value = call.params.get(name)
    if value is None:
        raise missing(name)
    if not value.strip():
        raise blank(name)
    return value


def int_param(call: Call, name: str, default: int) -> int:
    """An optional integer parameter (``offset``, ``maxReturn``): absent or empty gives ``default``."""
    raw = call.params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise bad_type(raw, "Integer") from exc


def batch_size(call: Call) -> int:
    raw = call.params.get("batchSize")
    if raw is None or raw == "":
        return MAX_BATCH
    try:
        size = int(raw)
    except ValueError as exc:
        raise bad_type(raw, "Integer") from exc
    if not 1 <= size <= MAX_BATCH:
        raise invalid(f"batchSize must be between 1 and {MAX_BATCH}")
    return size


def int_list(values: list[str], name: str, *, limit: int | None = None) -> list[int]:
    out: list[int] = []
    for value in values:
        try:
            out.append(int(value))
        except ValueError as exc:
            raise bad_type(value, "Integer") from exc
    if limit is not None and len(out) > limit:
        raise invalid(f"Too many values for {name}: at most {limit} allowed")
    return out
