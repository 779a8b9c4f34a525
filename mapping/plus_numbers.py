"""E.164 for a phone number already written ``+<country code><number>``, with the answer ``phonenumbers`` gives
(``format_number(parse(text, region), E164)`` and ``is_possible_number``) but without its general parser.

Most numbers CRMs hold are typed that way (``+14155550123``, ``+1 415-555-0123``), and parsing them was most of the
mapping's CPU (54 µs a number). ``plus_e164`` accepts only text on which every step of ``parse`` is known to do
nothing beyond what is done here, and answers None for anything else: the caller then runs the full parser, so the
answer is always the library's. ``tests/unit/mapping/test_plus_numbers.py`` holds both to the same answer on every
region's example numbers and their mutations.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

# Longer text is refused by parse (it caps input at 250 characters) or holds more digits than any number; a short
# cap keeps this far from that limit.
_MAX_TEXT = 32
# parse's bounds on the national significant number (its _MIN_LENGTH_FOR_NSN, _MAX_LENGTH_FOR_NSN) and the longest
# country calling code (_MAX_LENGTH_COUNTRY_CODE); outside them parse raises, and the parser says which error.
_MIN_NSN, _MAX_NSN, _MAX_COUNTRY_CODE = 2, 17, 3


def plus_e164(text: str) -> tuple[str, bool] | None:
    """(the number in E.164, whether it is a possible number) as phonenumbers says for ``text`` under any region,
    or None where that is not certain.

    Accepted: ``+``, an ASCII digit, then ASCII digits, spaces and dashes only. On such text parse drops the
    separators (no extension pattern, vanity letters or second number can match them) and takes the country code
    after the plus whatever the region. It keeps the rest as the national number, unless a national prefix could be
    stripped: those numbers, and those parse refuses, are left to the parser. E.164 then writes the text's digits
    back unchanged (the national number's leading zeros are kept as Italian leading zeros), and a number is possible
    when its national number has one of the lengths its country's metadata lists.
    """
    if len(text) > _MAX_TEXT or text[:1] != "+" or text[1:2] in ("", " ", "-"):
        return None
    digits = text[1:].replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) <= _MIN_NSN:
        return None
    for width in range(1, _MAX_COUNTRY_CODE + 1):
        # A leading 0 is no country code: parse then retries without the plus, under the record's region.
        country = _country(digits[:width]) if digits[0] != "0" else None
        if country is not None:
            break
    else:  # an unknown code: parse retries without the plus too
        return None
    national_prefix, possible_lengths = country
    nsn = digits[width:]
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN or (national_prefix is not None and national_prefix.match(nsn)):
        return None
    return "+" + digits, len(nsn) in possible_lengths


@cache  # bounded by the country calling codes (about 250)
def _country(code: str) -> tuple[re.Pattern[str] | None, frozenset[int]] | None:
    """For a country calling code: the pattern of the national prefixes parse strips (None: none) and the lengths
    is_possible_number accepts (its general description's, nationally or only locally dialled); None for a code
    phonenumbers does not know."""
    if int(code) not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        int(code), phonenumbers.region_code_for_country_code(int(code)))
    if metadata is None or metadata.general_desc is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    desc = metadata.general_desc
    lengths = frozenset(desc.possible_length or ()) | frozenset(desc.possible_length_local_only or ())
    return (re.compile(prefix) if prefix else None), lengths
