"""Type-check a ``$filter`` AST against a table and compile it to a row predicate with SQL Server semantics.

Dataverse evaluates filters in SQL Server, so the predicate does what SQL does: string comparisons ignore case,
accents and trailing spaces (the ``CI_AI`` collation), and a comparison with a NULL column is *unknown* rather than
false, which ``not`` keeps unknown (three-valued logic). ``eq null`` / ``ne null`` are ``IS [NOT] NULL``. Type errors
are reported with ODataLib's messages.
"""

from __future__ import annotations

import operator
import unicodedata
from collections.abc import Callable
from typing import Any, Protocol

from sandbox.dynamics.errors import odata_error
from sandbox.dynamics.guids import sql_key
from sandbox.dynamics.odata_filter import COMPARISONS, Call, Compare, Literal, Logical, Node, Not, Path, parse_filter

Getter = Callable[[Any], Any]
NUMERIC = frozenset({"Edm.Int32", "Edm.Int64", "Edm.Decimal", "Edm.Double", "Edm.Single", "Edm.Byte"})
STRING_FUNCTIONS: dict[str, Callable[[str, str], bool]] = {
    "contains": operator.contains, "startswith": str.startswith, "endswith": str.endswith}
UNSUPPORTED_FUNCTIONS = frozenset({
    "tolower", "toupper", "trim", "length", "indexof", "substring", "concat", "year", "month", "day", "hour",
    "minute", "second", "date", "time", "now", "round", "floor", "ceiling", "cast", "isof", "fractionalseconds",
    "totaloffsetminutes", "maxdatetime", "mindatetime", "totalseconds", "matchesPattern",
})
_OPS = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "ge": operator.ge, "lt": operator.lt,
        "le": operator.le}


class Resolver(Protocol):
    type_name: str

    def resolve(self, segments: tuple[str, ...]) -> tuple[str, Getter]:
        """The Edm type of a property path and a getter of its stored value; raises for unknown properties."""
        ...


def fold(text: str) -> str:
    """The comparison form of a string under a case- and accent-insensitive collation."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_eq(text: str) -> str:
    return fold(text).rstrip(" ")


def _category(edm: str | None) -> str:
    if edm is None:
        return "null"
    if edm in NUMERIC:
        return "number"
    if edm.startswith("enum:"):
        return "enum"
    return edm


def compile_filter(text: str, resolver: Resolver) -> Callable[[Any], bool]:
    edm, fn = _bind(parse_filter(text), resolver)
    if edm != "Edm.Boolean":
        raise odata_error("The $filter expression must evaluate to a single boolean value.")
    return lambda row: fn(row) is True


def _bind(node: Node, resolver: Resolver) -> tuple[str | None, Getter]:
    if isinstance(node, Literal):
        value = node.value
        return node.edm, lambda _row: value
    if isinstance(node, Path):
        return resolver.resolve(node.segments)
    if isinstance(node, Compare):
        return _compare(node, resolver)
    if isinstance(node, Logical):
        return _logical(node, resolver)
    if isinstance(node, Not):
        edm, fn = _bind(node.operand, resolver)
        if edm != "Edm.Boolean":
            raise odata_error(f"A unary operator with an incompatible type was detected. Found operand type "
                              f"'{edm}' for operator kind 'Not'.")
        return "Edm.Boolean", lambda row: None if (v := fn(row)) is None else not v
    assert isinstance(node, Call)
    return _call(node, resolver)


def _compare(node: Compare, resolver: Resolver) -> tuple[str, Getter]:
    left_edm, left = _bind(node.left, resolver)
    right_edm, right = _bind(node.right, resolver)
    lc, rc = _category(left_edm), _category(right_edm)
    if lc != rc and "null" not in (lc, rc):
        raise odata_error(f"A binary operator with incompatible types was detected. Found operand types "
                          f"'{left_edm}' and '{right_edm}' for operator kind '{COMPARISONS[node.op]}'.")
    op = node.op
    if "null" in (lc, rc):
        other = right if lc == "null" else left
        if op == "eq":
            return "Edm.Boolean", lambda row: other(row) is None
        if op == "ne":
            return "Edm.Boolean", lambda row: other(row) is not None
        return "Edm.Boolean", lambda row: None
    compare = _OPS[op]
    norm: Callable[[Any], Any] | None = None
    if lc == "Edm.String":
        norm = _fold_eq if op in ("eq", "ne") else fold
    elif lc == "Edm.Guid":
        norm = sql_key  # SQL Server compares uniqueidentifier in its own byte order, the order $orderby uses
    if isinstance(node.right, Literal):  # the common case: a column against a constant, normalised once
        constant = norm(node.right.value) if norm else node.right.value

        def against_constant(row: Any) -> bool | None:
            value = left(row)
            if value is None:
                return None
            return compare(norm(value) if norm else value, constant)

        return "Edm.Boolean", against_constant

    def general(row: Any) -> bool | None:
        a, b = left(row), right(row)
        if a is None or b is None:
            return None
        return compare(norm(a), norm(b)) if norm else compare(a, b)

    return "Edm.Boolean", general


def _logical(node: Logical, resolver: Resolver) -> tuple[str, Getter]:
    left_edm, left = _bind(node.left, resolver)
    right_edm, right = _bind(node.right, resolver)
    if left_edm != "Edm.Boolean" or right_edm != "Edm.Boolean":
        kind = "And" if node.op == "and" else "Or"
        raise odata_error(f"A binary operator with incompatible types was detected. Found operand types "
                          f"'{left_edm}' and '{right_edm}' for operator kind '{kind}'.")
    if node.op == "and":
        def both(row: Any) -> bool | None:
            a = left(row)
            if a is False:
                return False
            b = right(row)
            if b is False:
                return False
            return None if a is None or b is None else True

        return "Edm.Boolean", both

    def either(row: Any) -> bool | None:
        a = left(row)
        if a is True:
            return True
        b = right(row)
        if b is True:
            return True
        return None if a is None or b is None else False

    return "Edm.Boolean", either


def _call(node: Call, resolver: Resolver) -> tuple[str, Getter]:
    name = node.name
    if name in STRING_FUNCTIONS:
        bound = [_bind(arg, resolver) for arg in node.args]
        if len(bound) != 2 or any(edm not in ("Edm.String", None) for edm, _ in bound):
            raise odata_error(
                f"No function signature for the function with name '{name}' matches the specified arguments. The "
                f"function signatures considered are: {name}(Edm.String Nullable=true, Edm.String Nullable=true)."
            )
        test = STRING_FUNCTIONS[name]
        (_, subject), (_, needle) = bound

        def string_test(row: Any) -> bool | None:
            a, b = subject(row), needle(row)
            if a is None or b is None:
                return None
            return bool(test(fold(a), fold(b)))

        return "Edm.Boolean", string_test
    if name in UNSUPPORTED_FUNCTIONS or name in ("any", "all"):
        raise odata_error(f"The '{name}' function is not supported.")
    raise odata_error(f"An unknown function with name '{name}' was found. This may also be a function import or a "
                      "key lookup on a navigation property, which is not allowed.")
