"""A recursive-descent parser for the SOQL subset, with Salesforce's syntax rules.

Notably: AND and OR cannot be mixed at one level without parentheses (``a AND b OR c`` is MALFORMED_QUERY),
``NOT`` prefixes a condition (``NOT Name LIKE 'a%'``), and ``x NOT IN (...)`` is the one infix negation.
"""

from __future__ import annotations

from sandbox.salesforce.soql.ast import (
    BoolOp,
    Comparison,
    Condition,
    CountCall,
    FieldRef,
    FieldsCall,
    Literal,
    Not,
    OrderItem,
    Query,
    SelectItem,
)
from sandbox.salesforce.soql.errors import located, unsupported
from sandbox.salesforce.soql.lexer import Token, tokenize

CLAUSES = {"FROM", "WHERE", "WITH", "GROUP", "ORDER", "LIMIT", "OFFSET", "FOR", "USING", "HAVING", "UPDATE"}
AGGREGATES = {"SUM", "AVG", "MIN", "MAX", "COUNT_DISTINCT"}


class Parser:
    def __init__(self, soql: str) -> None:
        self.soql = soql
        self.tokens = tokenize(soql)
        self.i = 0

    # ---- token helpers --------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def unexpected(self, tok: Token | None = None) -> Exception:
        tok = tok or self.tok
        return located("MALFORMED_QUERY", self.soql, tok.pos, f"unexpected token: {tok.shown()}")

    def keyword(self, *words: str) -> bool:
        return self.tok.upper() in words

    def expect_keyword(self, word: str) -> Token:
        if self.tok.upper() != word:
            raise self.unexpected()
        return self.advance()

    def expect_punct(self, char: str) -> Token:
        if self.tok.kind != "punct" or self.tok.text != char:
            raise self.unexpected()
        return self.advance()

    def at_punct(self, char: str) -> bool:
        return self.tok.kind == "punct" and self.tok.text == char

    # ---- statement ------------------------------------------------------------------------------------------
    def parse(self) -> Query:
        self.expect_keyword("SELECT")
        select = self.select_list()
        self.expect_keyword("FROM")
        if self.tok.kind != "ident":
            raise self.unexpected()
        obj_tok = self.advance()
        query = Query(self.soql, select, obj_tok.text, obj_tok.pos)
        if self.tok.kind == "ident" and self.tok.upper() not in CLAUSES:
            query.alias = self.advance().text
        if self.keyword("USING"):
            raise unsupported(self.soql, self.tok.pos, "USING SCOPE")
        if self.keyword("WHERE"):
            self.advance()
            query.where = self.condition()
        if self.keyword("WITH"):
            self.with_clause()
        if self.keyword("GROUP", "HAVING"):
            raise unsupported(self.soql, self.tok.pos, f"{self.tok.upper()} BY")
        if self.keyword("ORDER"):
            self.advance()
            self.expect_keyword("BY")
            query.order = self.order_list()
        if self.keyword("LIMIT"):
            self.advance()
            query.limit = self.integer()
        if self.keyword("OFFSET"):
            self.advance()
            query.offset = self.integer()
        if self.keyword("FOR"):
            self.advance()
            if not self.keyword("VIEW", "REFERENCE", "UPDATE"):
                raise self.unexpected()
            self.advance()
        if self.tok.kind != "eof":
            raise self.unexpected()
        return query

    def with_clause(self) -> None:
        self.advance()
        if not self.keyword("SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"):
            raise unsupported(self.soql, self.tok.pos, f"WITH {self.tok.text}")
        self.advance()

    def integer(self) -> int:
        tok = self.tok
        if tok.kind != "number" or not tok.text.lstrip("+").isdigit():
            raise self.unexpected()
        self.advance()
        return int(tok.text)

    # ---- SELECT list ----------------------------------------------------------------------------------------
    def select_list(self) -> list[SelectItem]:
        items = [self.select_item()]
        while self.at_punct(","):
            self.advance()
            items.append(self.select_item())
        return items

    def select_item(self) -> SelectItem:
        tok = self.tok
        if self.at_punct("("):
            raise unsupported(self.soql, tok.pos, "A parent-to-child subquery")
        if tok.kind != "ident" or tok.upper() in CLAUSES:
            raise self.unexpected()
        name = tok.upper()
        if name == "TYPEOF":
            raise unsupported(self.soql, tok.pos, "TYPEOF")
        if self.peek().kind == "punct" and self.peek().text == "(":
            if name == "COUNT":
                return self.count_call()
            if name == "FIELDS":
                self.advance()
                self.advance()
                kind = self.tok.upper()
                if kind not in ("ALL", "STANDARD", "CUSTOM"):
                    raise self.unexpected()
                self.advance()
                self.expect_punct(")")
                return FieldsCall(kind, tok.pos)
            if name in AGGREGATES:
                raise unsupported(self.soql, tok.pos, f"The aggregate function {name}()")
            raise located("MALFORMED_QUERY", self.soql, tok.pos, f"Unknown function {tok.text}")
        self.advance()
        return FieldRef(tok.text, tok.pos)

    def count_call(self) -> CountCall:
        start = self.advance()
        self.advance()
        field = None
        if not self.at_punct(")"):
            if self.tok.kind != "ident":
                raise self.unexpected()
            field = FieldRef(self.tok.text, self.tok.pos)
            self.advance()
        self.expect_punct(")")
        alias = None
        if self.tok.kind == "ident" and self.tok.upper() not in CLAUSES:
            alias = self.advance().text
        return CountCall(field, alias, start.pos)

    # ---- WHERE ----------------------------------------------------------------------------------------------
    def condition(self) -> Condition:
        first = self.term()
        op = self.tok.upper() if self.keyword("AND", "OR") else None
        if op is None:
            return first
        items = [first]
        while self.keyword("AND", "OR"):
            if self.tok.upper() != op:
                raise self.unexpected()  # mixing AND and OR needs parentheses in SOQL
            self.advance()
            items.append(self.term())
        return BoolOp(op, tuple(items))

    def term(self) -> Condition:
        if self.keyword("NOT"):
            self.advance()
            return Not(self.term())
        if self.at_punct("("):
            self.advance()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        tok = self.tok
        if tok.kind != "ident" or tok.upper() in CLAUSES or tok.upper() in ("AND", "OR", "NOT"):
            raise self.unexpected()
        if self.peek().kind == "punct" and self.peek().text == "(":
            raise unsupported(self.soql, tok.pos, f"The function {tok.text}() in WHERE")
        self.advance()
        field = FieldRef(tok.text, tok.pos)
        if self.tok.kind == "op":
            op = self.advance().text
            return Comparison(field, "!=" if op == "<>" else op, (self.value(),))
        word = self.tok.upper()
        if word == "LIKE":
            self.advance()
            return Comparison(field, "LIKE", (self.value(),))
        if word in ("INCLUDES", "EXCLUDES"):
            raise unsupported(self.soql, self.tok.pos, word)
        if word == "NOT" and self.peek().upper() == "IN":
            self.advance()
            self.advance()
            return Comparison(field, "NOT IN", self.value_list())
        if word == "IN":
            self.advance()
            return Comparison(field, "IN", self.value_list())
        raise self.unexpected()

    def value_list(self) -> tuple[Literal, ...]:
        self.expect_punct("(")
        if self.keyword("SELECT"):
            raise unsupported(self.soql, self.tok.pos, "A semi-join subquery")
        values = [self.value()]
        while self.at_punct(","):
            self.advance()
            values.append(self.value())
        self.expect_punct(")")
        return tuple(values)

    def value(self) -> Literal:
        tok = self.tok
        if tok.kind in ("string", "number", "date", "datetime"):
            self.advance()
            return Literal(tok.kind, tok.text, tok.pos)
        if tok.kind == "ident":
            word = tok.upper()
            if word in ("TRUE", "FALSE"):
                self.advance()
                return Literal("boolean", word, tok.pos)
            if word == "NULL":
                self.advance()
                return Literal("null", word, tok.pos)
            if "." not in word:
                self.advance()
                return Literal("dateliteral", word, tok.pos)
        raise self.unexpected()

    # ---- ORDER BY -------------------------------------------------------------------------------------------
    def order_list(self) -> list[OrderItem]:
        items = [self.order_item()]
        while self.at_punct(","):
            self.advance()
            items.append(self.order_item())
        return items

    def order_item(self) -> OrderItem:
        tok = self.tok
        if tok.kind != "ident" or tok.upper() in CLAUSES:
            raise self.unexpected()
        self.advance()
        descending = False
        if self.keyword("ASC", "DESC"):
            descending = self.advance().upper() == "DESC"
        nulls_first = None
        if self.keyword("NULLS"):
            self.advance()
            if not self.keyword("FIRST", "LAST"):
                raise self.unexpected()
            nulls_first = self.advance().upper() == "FIRST"
        return OrderItem(FieldRef(tok.text, tok.pos), descending, nulls_first)


def parse(soql: str) -> Query:
    return Parser(soql).parse()
