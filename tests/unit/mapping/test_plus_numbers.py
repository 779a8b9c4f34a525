"""mapping/plus_numbers.py: the phone fast path gives phonenumbers' own answer, or steps aside.

A differential test: every region's example numbers of every type, written in E.164 and international format, and
mutations of them (too long, too short, leading zeros, unknown country codes, national prefixes, separators, other
characters), each under no region, a few fixed regions and the number's own. ``_e164`` (what ``t_phone`` calls
with the record's region, fast path first) must give exactly what the full parser gives: the same value, or the
same error with the same message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapping.plus_numbers import plus_e164
from mapping.transforms import TransformError, _e164, t_phone

REGIONS = (None, "US", "DE", "IT", "AR", "RU", "GB", "BR")  # AR, RU: national prefixes after +
TYPES = tuple(getattr(phonenumbers.PhoneNumberType, name) for name in (
    "FIXED_LINE", "MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOIP", "PERSONAL_NUMBER", "PAGER", "UAN",
    "VOICEMAIL"))
FORMATS = (phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _examples() -> Iterator[tuple[str, str]]:
    """(text, its region) for every example number phonenumbers ships, in E.164 and international format."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                for fmt in FORMATS:
                    yield phonenumbers.format_number(number, fmt), region
    for code in sorted(phonenumbers.supported_calling_codes()):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            for fmt in FORMATS:
                yield phonenumbers.format_number(number, fmt), "001"


def _mutations(text: str) -> Iterator[str]:
    digits = text[1:].replace(" ", "").replace("-", "")
    yield text
    yield text.replace(" ", "-")
    yield "+" + digits
    yield "+" + digits + "7"  # one digit too long
    yield "+" + digits + "12345678"  # far too long
    yield "+" + digits[:-1]  # one too short
    yield "+" + digits[:-4]
    yield "+" + digits[:3]
    for at in (1, 2, 3):  # a zero or a national prefix after a country code of any width
        yield "+" + digits[:at] + "0" + digits[at:]
        yield "+" + digits[:at] + "1" + digits[at:]
        yield "+" + digits[:at] + "8" + digits[at:]
        yield "+" + digits[:at] + "00" + digits[at:]
    yield "+0" + digits  # no country code starts with 0
    yield "+00" + digits
    yield "+999" + digits  # unknown codes
    yield "+80" + digits[1:]
    yield "+ " + digits
    yield "+-" + digits
    yield "+" + digits[:2] + "  " + digits[2:] + " "
    yield "+" + digits[:2] + "--" + digits[2:] + "-"
    yield "++" + digits
    yield "\uff0b" + digits  # a full-width plus
    yield "+" + digits.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))  # Arabic-Indic digits
    yield "+" + digits[:2] + "." + digits[2:]
    yield "+" + digits[:2] + " (" + digits[2:5] + ") " + digits[5:]
    yield "+" + digits + " x12"
    yield "+" + digits + "#"
    yield digits
    yield "0" + digits[2:]


def _outcome(fn: Any, raw: str, region: str | None) -> tuple[str, Any]:
    try:
        return "value", fn(raw, region)
    except TransformError as exc:
        return type(exc).__name__, (str(exc), exc.expected, exc.value)


def _full_parser(raw: str, region: str | None) -> str:
    """What t_phone did before the fast path: the full parser for every number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise TransformError("a phone number", raw) from None
    if not phonenumbers.is_possible_number(number):
        raise TransformError("a possible phone number", raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _inputs() -> list[tuple[str, str]]:
    return sorted({(m, r) for text, r in _examples() for m in _mutations(text)})


def test_the_fast_path_gives_the_full_parsers_answer_on_every_regions_numbers() -> None:
    inputs = _inputs()
    answered = impossible = differences = 0
    diffs = []
    for i, (raw, own) in enumerate(inputs):
        found = plus_e164(raw)
        answered += found is not None
        impossible += found is not None and not found[1]
        # The fast path claims the same answer under any region: no region, the number's own and, in turn, each of
        # REGIONS. Where it steps aside, t_phone runs the parser: one region shows that.
        regions = {None, own if own != "001" else None, REGIONS[i % len(REGIONS)]} if found is not None else {own}
        for region in regions:
            expected = _outcome(_full_parser, raw, region)
            got = _outcome(_e164, raw, region)
            if got != expected:
                differences += 1
                diffs.append((raw, region, got, expected))
    assert diffs[:20] == [] and differences == 0
    # Not a vacuous comparison: the fast path answers for most inputs, possible and impossible numbers alike.
    assert len(inputs) > 20_000
    assert answered > len(inputs) // 3
    assert impossible > 1_000


def test_the_fast_path_answers_plain_plus_numbers_and_steps_aside_for_the_rest() -> None:
    assert plus_e164("+14155550123") == ("+14155550123", True)
    assert plus_e164("+1 415-555-0123") == ("+14155550123", True)
    assert plus_e164("+390612345678") == ("+390612345678", True)  # Italian leading zero kept
    assert plus_e164("+1415555012") == ("+1415555012", False)  # one digit short
    for text in ("+11415555012", "+0301234567", "+999123456", "(415) 555-0123", "+1 (415) 555-0123",
                 "+1 415 555 0123 x12", "\uff0b14155550123", "+", "+1", "+12", "+ 14155550123", ""):
        assert plus_e164(text) is None, text


@settings(derandomize=True, max_examples=1000, deadline=None)
@given(st.text(alphabet="+0123456789 -", min_size=1, max_size=24), st.sampled_from(REGIONS))
def test_the_fast_path_matches_the_full_parser_on_any_digits_and_separators(raw: str, region: str | None) -> None:
    assert _outcome(_e164, raw.strip(), region) == _outcome(_full_parser, raw.strip(), region)


@pytest.mark.parametrize("raw", ["+14155550123", " +1 415-555-0123 ", "+442079460958", "+4930123456"])
@pytest.mark.parametrize("country", ["", "Germany", "US", "Argentina", "nowhere"])
def test_a_plus_number_is_the_same_whatever_the_records_country(raw: str, country: str) -> None:
    assert t_phone(raw, {"region_from": "country"}, {"country": country}) == _full_parser(raw.strip(), None)
