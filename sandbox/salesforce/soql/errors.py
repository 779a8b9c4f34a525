"""SOQL errors shaped like Salesforce's: the statement, a caret under the culprit, its row and column."""

from __future__ import annotations


class SoqlError(Exception):
    """``code`` is the REST errorCode (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def located(code: str, soql: str, pos: int, message: str) -> SoqlError:
    """Salesforce quotes the offending line, points at the column, then explains."""
    pos = max(0, min(pos, len(soql)))
    row = soql.count("\n", 0, pos) + 1
    line_start = soql.rfind("\n", 0, pos) + 1
    line_end = soql.find("\n", pos)
    line = soql[line_start:line_end if line_end != -1 else len(soql)]
    column = pos - line_start
    return SoqlError(code, f"\n{line}\n{' ' * column}^\nERROR at Row:{row}:Column:{column + 1}\n{message}")


def unsupported(soql: str, pos: int, feature: str) -> SoqlError:
    """Valid SOQL this sandbox does not implement: said plainly, so nobody mistakes it for a real rejection."""
    return located("MALFORMED_QUERY", soql, pos, f"{feature} is not supported by the crmhub Salesforce sandbox")
