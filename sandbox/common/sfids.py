"""Salesforce record ids, shared by the sandboxes that must agree on them (Salesforce, and Marketo's sfdc*Id links).

A 15-character id is the key prefix (3), a pod marker ``5g`` (2) and the record number in base 62 (10); the 18-character
form appends Salesforce's case-safety suffix: for each 5-character chunk, a bit per upper-case letter, read
little-endian, indexes ``A-Z0-5``. Records drawn from the population use the person's key as the number, so every
sandbox derives the same id for the same person: lead ``sfdc_id("00Q", key)``, contact ``sfdc_id("003", key)``,
account ``sfdc_id("001", company_key)``.
"""

from __future__ import annotations

import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX = string.ascii_uppercase + "012345"


def _base62(n: int, width: int) -> str:
    out = []
    while n:
        n, rem = divmod(n, 62)
        out.append(_BASE62[rem])
    return "".join(reversed(out)).rjust(width, "0")


def case_safe_suffix(id15: str) -> str:
    suffix = ""
    for chunk in range(3):
        bits = 0
        for pos, char in enumerate(id15[chunk * 5:chunk * 5 + 5]):
            if char.isupper():
                bits |= 1 << pos
        suffix += _SUFFIX[bits]
    return suffix


def sfdc_id(prefix: str, n: int) -> str:
    """The 18-character id of record number ``n`` with key prefix ``prefix`` (e.g. ``"001"`` for Account)."""
    if len(prefix) != 3:
        raise ValueError(f"key prefix must be 3 characters, got {prefix!r}")
    id15 = f"{prefix}5g{_base62(n, 10)}"
    return id15 + case_safe_suffix(id15)
