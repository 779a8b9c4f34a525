"""A hand-written OData v4 ``$filter`` lexer and parser producing a small AST.

No library fits: ``odata-query`` targets SQLAlchemy and its own error texts, while clients of Dataverse see the
messages of Microsoft's ODataLib (``Syntax error at position 9 in '...'``), which this parser reproduces. Grammar
and precedence follow the OData ABNF: ``or`` < ``and`` < comparison < ``not``. So ``not name eq 'x'`` is
``(not name) eq 'x'`` and is rejected, exactly as the real service rejects it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.dynamics.errors import odata_error
from sandbox.dynamics.values import parse_date, parse_datetime

COMPARISONS = {"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual",
               "lt": "LessThan", "le": "LessThanOrEqual"}

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?(?![\w:])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\w:-])")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?([lLmMdDfF])?(?![\w.])")
_IDENT = re.compile(r"[A-Za-z_$@][A-Za-z0-9_.]*")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ( ) , / string number guid datetime date ident enum end
    text: str
    pos: int
    value: Any = None


@dataclass(frozen=True, slots=True)
class Literal:
    edm: str | None  # None for the null literal; "enum:<Type>" for enum members
    value: Any
    text: str


@dataclass(frozen=True, slots=True)
class Path:
    segments: tuple[str, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # and | or
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    pos: int


Node = Literal | Path | Compare | Logical | Not | Call


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "(),/":
            tokens.append(Token(ch, ch, i))
            i += 1
            continue
        if ch == "'":
            value, end = _string(text, i)
            tokens.append(Token("string", text[i:end], i, value))
            i = end
            continue
        for kind, pattern in (("guid", _GUID), ("datetime", _DATETIME), ("date", _DATE), ("number", _NUMBER)):
            m = pattern.match(text, i)
            if m:
                tokens.append(Token(kind, m.group(0), i))
                i = m.end()
                break
        else:
            m = _IDENT.match(text, i)
            if not m:
                raise odata_error(f"Syntax error: character '{ch}' is not valid at position {i} in '{text}'.")
            end = m.end()
            if end < n and text[end] == "'":  # Namespace.EnumType'Member'
                value, after = _string(text, end)
                tokens.append(Token("enum", text[i:after], i, (m.group(0), value)))
                i = after
            else:
                tokens.append(Token("ident", m.group(0), i))
                i = end
    tokens.append(Token("end", "", n))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    i, out = start + 1, []
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        out.append(text[i])
        i += 1
    raise odata_error(f"There is an unterminated string literal at position {len(text)} in '{text}'.")


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def parse(self) -> Node:
        node = self._or()
        token = self._peek()
        if token.kind != "end":
            raise odata_error(f"Syntax error at position {token.pos} in '{self.text}'.")
        return node

    def _peek(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token.kind == "ident" and token.text in words:
            self.i += 1
            return token.text
        return None

    def _or(self) -> Node:
        node = self._and()
        while self._keyword("or"):
            node = Logical("or", node, self._and())
        return node

    def _and(self) -> Node:
        node = self._comparison()
        while self._keyword("and"):
            node = Logical("and", node, self._comparison())
        return node

    def _comparison(self) -> Node:
        node = self._unary()
        while True:
            token = self._peek()
            if token.kind == "ident" and token.text in COMPARISONS:
                self.i += 1
                node = Compare(token.text, node, self._unary())
            elif token.kind == "ident" and token.text in ("has", "in", "add", "sub", "mul", "div", "mod"):
                raise odata_error(f"The '{token.text}' operator is not supported.")
            else:
                return node

    def _unary(self) -> Node:
        if self._keyword("not"):
            return Not(self._unary())
        return self._primary()

    def _primary(self) -> Node:
        token = self._next()
        kind = token.kind
        if kind == "(":
            node = self._or()
            if self._next().kind != ")":
                raise odata_error(f"')' or operator expected at position {self.tokens[self.i - 1].pos} in "
                                  f"'{self.text}'.")
            return node
        if kind == "string":
            return Literal("Edm.String", token.value, token.text)
        if kind == "number":
            return _number(token, self.text)
        if kind == "guid":
            return Literal("Edm.Guid", token.text.lower(), token.text)
        if kind == "datetime":
            seconds = parse_datetime(token.text)
            if seconds is None:
                raise odata_error(f"Unrecognized 'Edm.DateTimeOffset' literal '{token.text}' at '{token.pos}' in "
                                  f"'{self.text}'.")
            return Literal("Edm.DateTimeOffset", seconds, token.text)
        if kind == "date":
            value = parse_date(token.text)
            if value is None:
                raise odata_error(f"Unrecognized 'Edm.Date' literal '{token.text}' at '{token.pos}' in "
                                  f"'{self.text}'.")
            return Literal("Edm.Date", value, token.text)
        if kind == "enum":
            type_name, member = token.value
            return Literal(f"enum:{type_name}", member, token.text)
        if kind == "ident":
            if token.text in ("true", "false"):
                return Literal("Edm.Boolean", token.text == "true", token.text)
            if token.text == "null":
                return Literal(None, None, token.text)
            if self._peek().kind == "(":
                return self._call(token)
            return self._path(token)
        if kind == "end":
            raise odata_error(f"Expression expected at position {token.pos} in '{self.text}'.")
        raise odata_error(f"Syntax error at position {token.pos} in '{self.text}'.")

    def _call(self, name: Token) -> Node:
        self._next()  # (
        args: list[Node] = []
        if self._peek().kind == ")":
            self._next()
            return Call(name.text, (), name.pos)
        while True:
            args.append(self._or())
            token = self._next()
            if token.kind == ")":
                return Call(name.text, tuple(args), name.pos)
            if token.kind != ",":
                raise odata_error(f"')' or ',' expected at position {token.pos} in '{self.text}'.")

    def _path(self, first: Token) -> Node:
        segments = [first.text]
        while self._peek().kind == "/":
            self._next()
            token = self._next()
            if token.kind != "ident":
                raise odata_error(f"Syntax error at position {token.pos} in '{self.text}'.")
            if self._peek().kind == "(":
                raise odata_error(f"The '{token.text}' lambda or function is not supported in $filter.")
            segments.append(token.text)
        return Path(tuple(segments), first.pos)


def _number(token: Token, text: str) -> Literal:
    raw = token.text
    suffix = raw[-1].lower() if raw[-1].isalpha() and raw[-1].lower() in "lmdf" else ""
    digits = raw[:-1] if suffix else raw
    if suffix == "l" or (not suffix and "." not in digits and "e" not in digits.lower()):
        value = int(digits)
        if suffix == "l" or not -(2**31) <= value < 2**31:
            return Literal("Edm.Int64", value, raw)
        return Literal("Edm.Int32", value, raw)
    if suffix in ("d", "f") or "e" in digits.lower():
        return Literal("Edm.Double", float(digits), raw)
    return Literal("Edm.Decimal", float(digits), raw)


def parse_filter(text: str) -> Node:
    return Parser(text).parse()
