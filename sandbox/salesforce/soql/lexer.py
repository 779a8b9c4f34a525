"""SOQL tokens. Keywords stay identifiers (SOQL keywords are case-insensitive and context-dependent)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.salesforce.soql.errors import located

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\dT]))
  | (?P<number>[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?![\w.]))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?)
  | (?P<string>')
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),])
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ident, string, number, date, datetime, op, punct, eof
    text: str  # the value (strings unescaped, LIKE escapes kept as \\% and \\_)
    pos: int

    def upper(self) -> str:
        return self.text.upper() if self.kind == "ident" else ""

    def shown(self) -> str:
        return "<EOF>" if self.kind == "eof" else self.text if self.kind != "string" else f"'{self.text}'"


def tokenize(soql: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    while pos < len(soql):
        m = _TOKEN.match(soql, pos)
        if m is None:
            raise located("MALFORMED_QUERY", soql, pos, f"unexpected token: {soql[pos]}")
        kind = m.lastgroup or ""
        if kind == "string":
            text, end = _read_string(soql, pos)
            out.append(Token("string", text, pos))
            pos = end
            continue
        if kind != "ws":
            out.append(Token(kind, m.group(), pos))
        pos = m.end()
    out.append(Token("eof", "", len(soql)))
    return out


def _read_string(soql: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    i = start + 1
    while i < len(soql):
        char = soql[i]
        if char == "\\":
            if i + 1 >= len(soql):
                break
            nxt = soql[i + 1]
            if nxt in "%_":
                chars.append("\\" + nxt)  # only meaningful to LIKE, which interprets it
            elif nxt in _ESCAPES:
                chars.append(_ESCAPES[nxt])
            else:
                raise located("MALFORMED_QUERY", soql, i, f"Invalid string literal '{soql[start:i + 2]}'. "
                              "Illegal character sequence '\\" + nxt + "' in string literal.")
            i += 2
            continue
        if char == "'":
            return "".join(chars), i + 1
        chars.append(char)
        i += 1
    raise located("MALFORMED_QUERY", soql, start, f"unexpected token: {soql[start:start + 20]}")


def plain(text: str) -> str:
    """A string literal's value outside LIKE: the LIKE-only escapes stand for themselves."""
    return text.replace("\\%", "%").replace("\\_", "_")
