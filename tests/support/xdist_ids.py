"""``--dist loadgroup`` on pytest 9.2: put each test's xdist group back into its id.

pytest-xdist 3.8 tells its scheduler a test's group through the test id, ``<nodeid>@<group>``, by assigning the
item's ``_nodeid``. Since pytest 9.2 the id is derived from a structured ``_id`` instead, so that assignment does
nothing and every test is scheduled on its own, the groups silently ignored (pytest-dev/pytest-xdist#1386, fix not
released). ``with_group_ids`` sets the structured id the same way where xdist's suffix is missing, and does nothing
once xdist sets it itself; a test it cannot name with its group stops the run rather than letting the sandboxes
spread over both workers unnoticed.
"""

from __future__ import annotations

import pytest


def group_suffix(item: pytest.Item) -> str | None:
    """``@<group>`` as pytest-xdist spells it (several groups joined by ``_``), or None for a test without one."""
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                    for m in item.iter_markers("xdist_group")})
    return "@" + "_".join(names) if names else None


def with_group_ids(items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` (on a worker), make every grouped test's id end with its group."""
    for item in items:
        suffix = group_suffix(item)
        if suffix is None or item.nodeid.endswith(suffix):
            continue
        wanted = item.nodeid + suffix
        structured = getattr(item, "_id", None)
        if structured is not None and hasattr(structured, "parse"):
            item._id = type(structured).parse(wanted)  # pytest >= 9.2: nodeid is str(_id)
        else:
            item._nodeid = wanted  # how pytest < 9.2 stores it
        if item.nodeid != wanted:
            raise pytest.UsageError(f"{item.nodeid}: cannot give it its xdist group {suffix[1:]!r} (expected the id "
                                    f"{wanted!r}); --dist loadgroup would ignore the group")
