"""Column values between storage, JSON and the formatted strings of ``OData.Community.Display.V1.FormattedValue``.

Storage is compact: datetimes are UTC epoch seconds (Dataverse keeps seconds, no fractions), dates are proleptic
ordinals, money is a float rounded to the currency precision. Payload values are typed as strictly as the OData
reader types them: a JSON string is never an Int32, a number is never a String.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.guids import is_guid
from sandbox.dynamics.schema import Attr, Table


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def to_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def parse_datetime(text: str) -> float | None:
    """An ISO 8601 instant as epoch seconds (a missing offset means UTC); None when it is not one."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if "T" not in text and " " not in text:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def parse_date(text: str) -> int | None:
    try:
        return date.fromisoformat(text).toordinal() if len(text) == 10 else None
    except ValueError:
        return None


def to_json(attr: Attr, value: Any) -> Any:
    if value is None:
        return None
    if attr.kind == "datetime":
        return iso(value)
    if attr.kind == "date":
        return date_iso(value)
    return value


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_payload_value(table: Table, attr: Attr, value: Any) -> Any:
    """A JSON payload value as stored, or a DataverseError shaped like the real rejection."""
    if value is None:
        return None
    kind = attr.kind
    mismatch = errors.payload_error(
        table.entity_set, f"Cannot convert the literal '{_literal(value)}' to the expected type '{attr.edm}'."
    )
    if kind in ("string", "memo"):
        if not isinstance(value, str):
            raise errors.payload_error(
                table.entity_set,
                f"Cannot convert a primitive value to the expected type '{attr.edm}'. See the inner exception for "
                "more details.",
            )
        if attr.max_length is not None and len(value) > attr.max_length:
            raise errors.DataverseError(
                400, errors.VALIDATION,
                f"A validation error occurred.  The length of the '{attr.name}' attribute of the '{table.logical}' "
                f"entity exceeded the maximum allowed length of '{attr.max_length}'.",
            )
        return value
    if kind in ("int", "bigint", "picklist", "state", "status"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise mismatch
        if kind in ("picklist", "state", "status"):
            assert attr.options is not None
            if value not in attr.options.values():
                raise errors.DataverseError(
                    400, errors.PICKLIST,
                    f"A validation error occurred. The value {value} of '{attr.name}' on record of type "
                    f"'{table.logical}' is outside the valid range. Accepted Values: "
                    f"{','.join(str(v) for v in attr.options.values())}",
                )
        _check_range(table, attr, value)
        return value
    if kind in ("money", "decimal", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise mismatch
        _check_range(table, attr, value)
        return round(float(value), 2) if kind == "money" else float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise mismatch
        return value
    if kind == "datetime":
        seconds = parse_datetime(value) if isinstance(value, str) else None
        if seconds is None:
            raise mismatch
        return int(seconds)
    if kind == "date":
        ordinal = parse_date(value) if isinstance(value, str) else None
        if ordinal is None:
            raise mismatch
        return ordinal
    if kind == "guid":
        if not isinstance(value, str) or not is_guid(value):
            raise mismatch
        return value.lower()
    raise mismatch


def _check_range(table: Table, attr: Attr, value: float) -> None:
    too_low = attr.min_value is not None and value < attr.min_value
    too_high = attr.max_value is not None and value > attr.max_value
    if too_low or too_high:
        raise errors.DataverseError(
            400, errors.VALIDATION,
            f"A validation error occurred. The value {value} of '{attr.name}' on record of type '{table.logical}' "
            f"is outside the valid range. Accepted range: {attr.min_value} to {attr.max_value}",
        )


def formatted(attr: Attr, value: Any) -> str | None:
    """The en-US, UTC rendering a user would see; lookups are formatted by the renderer (they need the target)."""
    if value is None:
        return None
    kind = attr.kind
    if kind in ("picklist", "state", "status"):
        assert attr.options is not None
        return attr.options.label(value)
    if kind == "bool":
        assert attr.options is not None
        return attr.options.label(1 if value else 0)
    if kind == "money":
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.2f}"
    if kind in ("int", "bigint"):
        return f"{value:,}"
    if kind in ("decimal", "double"):
        return f"{value:,.2f}"
    if kind == "datetime":
        moment = datetime.fromtimestamp(value, UTC)
        return f"{moment.month}/{moment.day}/{moment.year} {moment.strftime('%I:%M %p').lstrip('0')}"
    if kind == "date":
        d = date.fromordinal(value)
        return f"{d.month}/{d.day}/{d.year}"
    return None
