"""The column-value expectations the shipped suites use, evaluated without Great Expectations' validation graph.

GX costs ~100 ms of fixed work per ``validate`` (metric graph, result objects) before it looks at a row; the rules
themselves are a pandas operation each. This module runs the very operations GX 1.x's pandas engine runs
(``great_expectations/expectations/metrics/column_map_metrics/*``) on the same DataFrame the checker hands GX:

- nulls (pandas ``isnull``: None, float NaN, NaT) are dropped before a rule looks at a column, except by
  ``not_be_null`` itself, which flags them;
- ``match_regex``: ``column.astype(str).str.contains(regex)``, i.e. ``re.search`` on the value's ``str()`` as
  pandas renders it (an int column with a null is float: 7 is searched as ``"7.0"``);
- ``be_in_set``: ``column.isin(value_set)``;
- ``be_unique``: ``~column.duplicated(keep=False)``: every occurrence of a repeated value is flagged, nulls never;
- ``be_between``: GX's own comparison, vectorised on int/float/datetime columns and value by value otherwise (a
  string among numbers is a TypeError there, so the rule cannot run, as under GX);
- ``mostly``: the rule holds, and flags nothing, when at least that share of the non-null rows (all rows for
  ``not_be_null``) pass.

GX stays the engine of record: a rule whose expectation or whose kwargs this module does not reproduce exactly
(``row_condition``, ``catch_exceptions``, a bound that is not a number, …) gets no native check and goes to GX
unchanged. tests/unit/quality/test_native_conformance.py runs both engines on fuzzed batches and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
MATCH_REGEX = "expect_column_values_to_match_regex"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"

# The kwargs each expectation may carry to be run natively; anything else sends the rule to GX.
_KWARGS: Mapping[str, frozenset[str]] = {
    NOT_NULL: frozenset({"column", "mostly"}),
    UNIQUE: frozenset({"column", "mostly"}),
    MATCH_REGEX: frozenset({"column", "mostly", "regex"}),
    IN_SET: frozenset({"column", "mostly", "value_set"}),
    BETWEEN: frozenset({"column", "mostly", "min_value", "max_value", "strict_min", "strict_max"}),
}
NATIVE_EXPECTATIONS = frozenset(_KWARGS)

# The column (as the checker's DataFrame holds it) -> the positions of the rows that break the rule.
NativeCheck = Callable[["pd.Series[Any]"], list[int]]
# The non-null values of the column -> True where a value meets the expectation.
_Condition = Callable[["pd.Series[Any]"], "pd.Series[bool]"]


def native_check(expectation: str, kwargs: Mapping[str, Any]) -> NativeCheck | None:
    """The native form of a rule, or None when only GX can run it exactly as written."""
    allowed = _KWARGS.get(expectation)
    if allowed is None or not set(kwargs) <= allowed or not isinstance(kwargs.get("column"), str):
        return None
    mostly = kwargs.get("mostly", 1.0)
    if not _is_number(mostly) or not 0 <= mostly <= 1:
        return None
    if expectation == NOT_NULL:
        return lambda column: _nulls(column, float(mostly))
    condition = _condition(expectation, kwargs)
    if condition is None:
        return None
    return lambda column: _unexpected(column, condition, float(mostly))


def _condition(expectation: str, kwargs: Mapping[str, Any]) -> _Condition | None:
    if expectation == UNIQUE:
        return lambda values: ~values.duplicated(keep=False)
    if expectation == MATCH_REGEX:
        regex = kwargs.get("regex")
        if not isinstance(regex, str):
            return None  # a suite parameter ({"$PARAMETER": …}) or GX's default pattern: GX's business
        return lambda values: values.astype(str).str.contains(regex)
    if expectation == IN_SET:
        value_set = kwargs.get("value_set")
        if not isinstance(value_set, list):
            return None
        return lambda values: values.isin(value_set)
    return _between(kwargs)


def _between(kwargs: Mapping[str, Any]) -> _Condition | None:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    strict_min, strict_max = kwargs.get("strict_min", False), kwargs.get("strict_max", False)
    if not all(v is None or _is_number(v) for v in (low, high)) or (low is None and high is None):
        return None  # dates, strings and suite parameters are parsed by GX's model first: leave them to it
    if not isinstance(strict_min, bool) or not isinstance(strict_max, bool):
        return None
    # GX's expectation model declares the bounds as float and pydantic converts them before the metric sees them.
    lo = None if low is None else float(low)
    hi = None if high is None else float(high)
    return lambda values: _between_condition(values, lo, hi, strict_min, strict_max)


def _between_condition(values: pd.Series[Any], low: float | None, high: float | None, strict_min: bool,
                       strict_max: bool) -> pd.Series[bool]:
    """GX's ColumnValuesBetween._pandas for numeric bounds, in its order of checks, comparisons and errors."""
    import pandas as pd

    if low is not None and high is not None and low > high:
        raise ValueError("min_value cannot be greater than max_value")
    if values.dtype in [int, float] or isinstance(values.dtype, pd.DatetimeTZDtype) \
            or pd.api.types.is_datetime64_ns_dtype(values.dtype):
        return _vectorised(values, low, high, strict_min, strict_max)
    return values.map(lambda value: _is_between(value, low, high, strict_min, strict_max))


def _vectorised(values: pd.Series[Any], low: float | None, high: float | None, strict_min: bool,
                strict_max: bool) -> pd.Series[bool]:
    if low is None:
        return values < high if strict_max else values <= high
    if high is None:
        return low < values if strict_min else low <= values
    return (low < values if strict_min else low <= values) & (values < high if strict_max else values <= high)


def _is_between(value: Any, low: float | None, high: float | None, strict_min: bool, strict_max: bool) -> bool:
    """One value of a column pandas keeps as objects; Python's ``and`` short-circuits as in GX."""
    if isinstance(value, str):  # the bounds are numbers here
        raise TypeError("Column values, min_value, and max_value must either be None or of the same type.")
    if low is not None and high is not None:
        return bool((value > low if strict_min else value >= low) and (value < high if strict_max else value <= high))
    if high is not None:
        return bool(value < high if strict_max else value <= high)
    return bool(value > low if strict_min else value >= low)


def _nulls(column: pd.Series[Any], mostly: float) -> list[int]:
    broken = column.isnull()
    bad = int(broken.sum())
    if not bad or (mostly < 1 and (len(column) - bad) / len(column) >= mostly):
        return []
    return [int(i) for i in column.index[broken.to_numpy()]]


def _unexpected(column: pd.Series[Any], condition: _Condition, mostly: float) -> list[int]:
    values = column[column.notnull()]
    broken = ~condition(values)
    bad = int(broken.sum())
    if not bad or (mostly < 1 and (len(values) - bad) / len(values) >= mostly):
        return []
    return [int(i) for i in values.index[broken.to_numpy(dtype=bool)]]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
