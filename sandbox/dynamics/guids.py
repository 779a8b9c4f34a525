"""Record ids as Dataverse makes them: sequential GUIDs, ordered the way SQL Server orders ``uniqueidentifier``.

Dataverse ids come from sequential GUID generation: the *first* byte of the string form ticks up with every record
(``d31ba648-…``, ``d41ba648-…``) while the last two groups stay fixed for a server. SQL Server does not compare GUIDs
as strings: it compares the last six bytes first, then the clock sequence, then the first three groups byte-reversed.
A client that sorts ids as text therefore disagrees with the server's default (primary key) order, as in production.
The sort key is a reversible permutation of the 16 bytes, so indexes hold plain ints and give the id back.
"""

from __future__ import annotations

import hashlib
import re

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(text: str) -> bool:
    return bool(GUID_RE.match(text))


def sql_key(guid: str) -> int:
    """The integer whose numeric order is SQL Server's order of ``guid``."""
    b = bytes.fromhex(guid.replace("-", ""))
    permuted = b[10:16] + b[8:10] + bytes((b[7], b[6], b[5], b[4], b[3], b[2], b[1], b[0]))
    return int.from_bytes(permuted, "big")


def from_sql_key(key: int) -> str:
    k = key.to_bytes(16, "big")
    b = bytes((k[15], k[14], k[13], k[12], k[11], k[10], k[9], k[8])) + k[6:8] + k[0:6]
    h = b.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class GuidFactory:
    """Sequential ids for one organisation: deterministic for a seed, never repeating within a process."""

    def __init__(self, seed: int, stream: str = "") -> None:
        # another stream has its own clock sequence and node, as ids minted on another server of the org have
        digest = hashlib.blake2b(f"dynamics-guids:{seed}{':' + stream if stream else ''}".encode(),
                                 digest_size=8).digest()
        self._clock_seq = digest[0:2].hex()
        self._node = "000d3a" + digest[2:5].hex()  # 00-0D-3A: the MAC prefix Azure hosts carry
        # start deep into the 48-bit counter so every group of the id varies, as production ids do
        self._next = int.from_bytes(digest[5:8], "big") << 24

    def new(self) -> str:
        n = self._next
        self._next += 1
        low = n.to_bytes(6, "little").hex()
        return f"{low[0:8]}-{low[8:12]}-ed11-{self._clock_seq}-{self._node}"
