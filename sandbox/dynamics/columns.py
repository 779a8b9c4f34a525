"""Column constructors: the kinds of Dataverse columns, with the defaults the platform gives each."""

from __future__ import annotations

from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.schema import Attr, OptionSet


def text(name: str, label: str, length: int, *, required: str = "None", create: bool = True,
         update: bool = True, fmt: str | None = None) -> Attr:
    return Attr(name, "string", label, max_length=length, required=required, create=create, update=update, fmt=fmt)


def memo(name: str, label: str, length: int = 2000) -> Attr:
    return Attr(name, "memo", label, max_length=length)


def choice(name: str, label: str, options: OptionSet) -> Attr:
    return Attr(name, "picklist", label, options=options)


def flag(name: str, label: str, options: OptionSet = os_.YES_NO) -> Attr:
    return Attr(name, "bool", label, options=options)


def money(name: str, label: str, lo: float = -922337203685477.0, hi: float = 922337203685477.0) -> Attr:
    return Attr(name, "money", label, min_value=lo, max_value=hi)


def calculated_money(name: str, label: str) -> Attr:
    """A money column the platform computes on save (IsValidForCreate and IsValidForUpdate are false)."""
    return Attr(name, "money", label, min_value=-922337203685477.0, max_value=922337203685477.0, create=False,
                update=False)


def number(name: str, label: str, lo: float = -100_000_000_000.0, hi: float = 100_000_000_000.0,
           required: str = "None") -> Attr:
    return Attr(name, "decimal", label, min_value=lo, max_value=hi, required=required)


def whole(name: str, label: str, lo: int = -2147483648, hi: int = 2147483647) -> Attr:
    return Attr(name, "int", label, min_value=lo, max_value=hi)


def lookup(name: str, label: str, target: str, nav: str | None = None, cascade: str = "removelink") -> Attr:
    return Attr(name, "lookup", label, targets=(target,), navs=(nav or name,), cascade=cascade)


def when(name: str, label: str) -> Attr:
    return Attr(name, "datetime", label, fmt="DateAndTime")


def day(name: str, label: str) -> Attr:
    return Attr(name, "date", label, fmt="DateOnly")


def crmhub_lead_columns() -> tuple[Attr, ...]:
    """Custom columns an org's maker added for crmhub's lead scores (publisher prefix ``crmhub_``)."""
    return (whole("crmhub_score", "crmhub Score", 0, 100), text("crmhub_grade", "crmhub Grade", 20),
            text("crmhub_reasons", "crmhub Reasons", 400))


def system(primary_id: str, owned: bool = True) -> tuple[Attr, ...]:
    """Columns every table has: audit stamps, row version and (for user-owned tables) the owner."""
    out = [
        Attr("createdon", "datetime", "Created On", create=False, update=False, fmt="DateAndTime"),
        Attr("modifiedon", "datetime", "Modified On", create=False, update=False, fmt="DateAndTime"),
        Attr("versionnumber", "bigint", "Version Number", create=False, update=False),
        Attr("createdby", "lookup", "Created By", targets=("systemuser",), navs=("createdby",), create=False,
             update=False),
        Attr("modifiedby", "lookup", "Modified By", targets=("systemuser",), navs=("modifiedby",), create=False,
             update=False),
    ]
    if owned:
        out.append(Attr("ownerid", "owner", "Owner", required="SystemRequired", targets=("systemuser", "team"),
                        navs=("owninguser", "owningteam")))
    return (Attr(primary_id, "guid", "Id", required="SystemRequired", update=False), *out)


def states(state: OptionSet, status: OptionSet) -> tuple[Attr, ...]:
    return (
        Attr("statecode", "state", "Status", required="SystemRequired", create=False, options=state),
        Attr("statuscode", "status", "Status Reason", options=status),
    )
