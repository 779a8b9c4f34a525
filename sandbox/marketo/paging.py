"""Paging tokens: opaque base32 strings (with ``=`` padding, so callers must URL-encode them, as Marketo's).

A token is a kind tag, this sandbox instance's tag, two numbers and a CRC. Activity tokens hold a position in the
activity log (a date floor and the last activity id read); lead and job-list tokens hold a query hash and an
offset. A token from another instance, for another query, or tampered with does not decode.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from dataclasses import dataclass

_FORMAT = ">4sIqq"


@dataclass(frozen=True, slots=True)
class Position:
    """Activities after id ``after`` whose date is at least ``floor`` (epoch seconds)."""

    floor: int
    after: int


class TokenCodec:
    def __init__(self, instance_tag: int) -> None:
        self.tag = instance_tag & 0xFFFFFFFF

    def _encode(self, kind: bytes, first: int, second: int) -> str:
        body = struct.pack(_FORMAT, kind, self.tag, first, second)
        return base64.b32encode(body + struct.pack(">I", zlib.crc32(body))).decode()

    def _decode(self, kind: bytes, token: str) -> tuple[int, int] | None:
        try:
            raw = base64.b32decode(token.strip().upper())
        except (binascii.Error, ValueError):
            return None
        if len(raw) != struct.calcsize(_FORMAT) + 4:
            return None
        body, crc = raw[:-4], struct.unpack(">I", raw[-4:])[0]
        if zlib.crc32(body) != crc:
            return None
        found_kind, tag, first, second = struct.unpack(_FORMAT, body)
        if found_kind != kind or tag != self.tag:
            return None
        return first, second

    def activity(self, position: Position) -> str:
        return self._encode(b"ACT1", position.floor, position.after)

    def parse_activity(self, token: str) -> Position | None:
        decoded = self._decode(b"ACT1", token)
        return Position(*decoded) if decoded else None

    def offset(self, query_hash: int, offset: int) -> str:
        return self._encode(b"OFF1", query_hash, offset)

    def parse_offset(self, token: str, query_hash: int) -> int | None:
        decoded = self._decode(b"OFF1", token)
        if decoded is None or decoded[0] != query_hash or decoded[1] < 0:
            return None
        return decoded[1]


def query_hash(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())
