"""Small typed transforms from a CRM's raw value to a canonical one, libraries over hand-written parsers.

Each takes ``(value, args, record)`` and returns the canonical value or None for "no value"; a value that cannot be
what the field needs raises ``TransformError`` naming what was expected, and the record goes to quarantine with it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import phonenumbers
import pycountry

from mapping.plus_numbers import plus_e164


class TransformError(ValueError):
    def __init__(self, expected: str, value: Any) -> None:
        self.expected, self.value = expected, value
        super().__init__(f"expected {expected}, got {value!r}")


Transform = Callable[[Any, Mapping[str, Any], Mapping[str, Any]], Any]
_EMPTY = ("", None)


def _blank(value: Any) -> bool:
    return value in _EMPTY or (isinstance(value, str) and not value.strip())


def t_string(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    return text.lower() if args.get("lower") else text


def t_text(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """Text as the CRM sent it (not trimmed): structures (addresses, JSON fields) as JSON, booleans as true/false;
    ``max_length`` refuses longer text (a column that would cut it)."""
    if _blank(value):
        return None
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, default=str)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    limit = args.get("max_length")
    if limit is not None and len(text) > int(limit):
        raise TransformError(f"text of at most {limit} characters (got {len(text)})", value)
    return text


def t_integer(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> int | None:
    if _blank(value):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
        if not number.is_finite() or number != number.to_integral_value():
            raise TransformError("a whole number", value)
        return int(number)
    except (InvalidOperation, OverflowError, ValueError):
        raise TransformError("a whole number", value) from None


def t_number(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        raise TransformError("a number", value) from None
    if math.isnan(number) or math.isinf(number):
        raise TransformError("a finite number", value)
    # ``divide_by``: a unit change the CRM's field needs (Salesforce's CallDurationInSeconds -> minutes: 60).
    divisor = args.get("divide_by")
    # ``multiply_by``: a scale change (HubSpot's stage probability 0.2 -> 20), in decimal: 0.2 x 100 is 20 exactly.
    factor = args.get("multiply_by")
    if factor:
        number = float(Decimal(repr(number)) * Decimal(str(factor)))
    return number / float(divisor) if divisor else number


def t_boolean(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n"):
        return False
    raise TransformError("true or false", value)


def t_datetime(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> datetime | None:
    """ISO-8601 with any UTC offset, or epoch milliseconds -> aware UTC. A time with no offset is refused; with
    ``date_as_midnight`` a bare date (a Dataverse DateOnly column) is its midnight UTC: a date names no zone to
    misread, a time without an offset does."""
    if _blank(value):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if args.get("date_as_midnight") and len(text) == 10 and text[4:5] == "-":
            try:
                return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            except ValueError:
                raise TransformError("a date YYYY-MM-DD or an ISO-8601 date-time with a UTC offset", value) from None
        if text.lstrip("-").isdigit():
            try:
                return datetime.fromtimestamp(int(text) / 1000, UTC)
            except (OverflowError, OSError, ValueError):
                raise TransformError("epoch milliseconds within years 1-9999", value) from None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise TransformError("an ISO-8601 date-time with a UTC offset", value) from None
    if parsed.tzinfo is None:
        if not args.get("assume_utc"):
            raise TransformError("a date-time with a UTC offset (set assume_utc for this field if the CRM omits it)",
                                 value)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def t_date(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> date | None:
    if _blank(value):
        return None
    text = str(value).strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise TransformError("a date YYYY-MM-DD", value) from None
    stamp = t_datetime(value, args, record)
    return stamp.date() if stamp else None


def t_email(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """Normalised (trimmed, lower case); whether it is a valid address is a quality rule, not a transform."""
    if _blank(value):
        return None
    return str(value).strip().lower()


def _e164(raw: str, region: str | None) -> str:
    """A number already written +<country code> needs no region: its answer is cached once for every region."""
    fast = _plus_e164(raw)
    return fast if fast is not None else _parsed_e164(raw, region)


@lru_cache(maxsize=65536)  # contacts of one company share its number
def _plus_e164(raw: str) -> str | None:
    found = plus_e164(raw)  # phonenumbers' own answer without its parser's cost, or None: not certain, parse it
    if found is None:
        return None
    e164, possible = found
    if not possible:
        raise TransformError("a possible phone number", raw)
    return e164


@lru_cache(maxsize=65536)
def _parsed_e164(raw: str, region: str | None) -> str:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise TransformError("a phone number", raw) from None
    return _possible_e164(number, raw)


def _possible_e164(number: phonenumbers.PhoneNumber, raw: str) -> str:
    if not phonenumbers.is_possible_number(number):
        raise TransformError("a possible phone number", raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def t_phone(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """E.164 with phonenumbers; numbers without a country prefix take the record's country as region."""
    if _blank(value):
        return None
    region = None
    if args.get("region_from"):
        region = _country_code(str(record.get(args["region_from"]) or "")) or None
    return _e164(str(value).strip(), region)


# Everyday names pycountry's exact lookup does not know. Fuzzy search is not used: it matches region names
# inside countries, turning placeholders such as "none" or "other" into real countries.
COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
                   "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
                   "south korea": "KR", "korea": "KR", "north korea": "KP", "russia": "RU", "holland": "NL",
                   "czech republic": "CZ", "ivory coast": "CI", "vietnam": "VN", "iran": "IR", "syria": "SY"}


@lru_cache(maxsize=4096)
def _country_code(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if text.lower() in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[text.lower()]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def t_country(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """A country name or code -> ISO 3166-1 alpha-2 (pycountry)."""
    if _blank(value):
        return None
    code = _country_code(str(value))
    if code is None:
        raise TransformError("a country name or ISO code", value)
    return code


def t_map(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> Any:
    """Picklist / option-set values -> canonical values via ``values:``; ``default:`` for the rest (``$same``: the
    value itself), else an error. The value is trimmed first: a picklist value is the same with stray spaces."""
    if _blank(value):
        return None
    table = args.get("values") or {}
    key = str(value).strip()
    if key in table:
        return table[key]
    if "default" in args:
        return args["default"] if args["default"] != "$same" else key
    raise TransformError(f"one of {sorted(table)}", value)


def t_const(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> Any:
    return args.get("value")


def t_not(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> bool | None:
    flag = t_boolean(value, args, record)
    return None if flag is None else not flag


def ref_source_id(value: Any, id_prefix: str | None = None) -> str | None:
    """The referenced record's source id, or None. With ``id_prefix`` (a polymorphic lookup such as Salesforce's
    WhoId, whose first three characters name the object: 003 Contact, 00Q Lead, 006 Opportunity, 001 Account), an
    id of another object is None, so each canonical reference only ever holds ids of the object it names."""
    if _blank(value):
        return None
    ref = str(value).strip()
    if id_prefix and not ref.startswith(id_prefix):
        return None
    return ref


def prepared(name: str, args: Mapping[str, Any]) -> Transform | None:
    """``TRANSFORMS.get(name)`` for rules with these ``args``, for the compiled mapper (mapping/compiled.py): what
    the transform reads from its arguments is read once, and a value that is plain text takes the short way. The
    answers are the transform's own (tests/unit/mapping/test_compiled.py holds them equal); any other value goes to
    the transform itself."""
    if name == "string":
        return _plain_text(t_string, lower=bool(args.get("lower")))
    if name == "email":
        return _plain_text(t_email, lower=True)
    if name == "phone":
        return _phone(args.get("region_from") or None)
    if name == "datetime":
        return _offset_datetime
    return TRANSFORMS.get(name)


def _plain_text(transform: Transform, *, lower: bool) -> Transform:
    """``t_string``/``t_email`` for a str: blank is None, else trimmed (and lower case when asked)."""

    def plain_text(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> Any:
        if type(value) is not str:
            return transform(value, args, record)
        text = value.strip()
        if not text:
            return None
        return text.lower() if lower else text

    return plain_text


def _phone(region_from: Any) -> Transform:
    """``t_phone`` for a str, with the field naming the record's country read once."""

    def phone(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
        if type(value) is not str:
            return t_phone(value, args, record)
        text = value.strip()
        if not text:
            return None
        region = (_country_code(str(record.get(region_from) or "")) or None) if region_from else None
        return _e164(text, region)

    return phone


def _offset_datetime(value: Any, args: Mapping[str, Any], record: Mapping[str, Any]) -> datetime | None:
    """``t_datetime`` for a str holding an ISO-8601 date-time with its offset, as CRMs send them; anything else (epoch
    milliseconds, no offset, so bare dates too, no date-time at all) goes to ``t_datetime`` itself."""
    if type(value) is not str:
        return t_datetime(value, args, record)
    text = value.strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return t_datetime(value, args, record)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return t_datetime(value, args, record)
    if parsed.tzinfo is None:
        return t_datetime(value, args, record)
    return parsed.astimezone(UTC)


TRANSFORMS: Mapping[str, Transform] = {
    "string": t_string, "text": t_text, "integer": t_integer, "number": t_number, "boolean": t_boolean,
    "datetime": t_datetime, "date": t_date, "email": t_email, "phone": t_phone, "country": t_country, "map": t_map,
    "const": t_const, "not": t_not,
}
# "ref" is applied by the mapper itself: it needs the connection to compute the referenced canonical id.
