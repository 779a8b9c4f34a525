"""Create, update and delete with the platform's rules: stamps, owner, state and status, computed names, cascades.

Both the Web API and the admin's person-like edits go through here, so a record edited "in the UI" bumps
``modifiedon`` and ``versionnumber`` exactly as one written through the API does. Deleting a record follows the
relationship behaviours: parental relationships cascade (an account takes its contacts, opportunities and the
activities regarding it along), the others remove the link, which is itself an update of the child row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.schema import COMPANY_KEY, PERSON_KEY, Table, type_column
from sandbox.dynamics.store import Ref, Store

# a new row's state where it is not the first one: appointments are Scheduled, products Draft until published
CREATE_STATE = {"appointment": 3, "product": 2}


def default_state(table: Table) -> int:
    return CREATE_STATE.get(table.logical, 0)


def default_status(table: Table, state: object) -> int | None:
    status = table.by_name.get("statuscode")
    if status is None or status.options is None:
        return None
    return next((o.value for o in status.options.options if o.state == state), None)


class Records:
    def __init__(self, *, store: Store, now: Callable[[], int], system_user: str) -> None:
        self.store = store
        self.now = now
        self.system_user = system_user  # who the platform's own changes (removed links) are stamped with

    def create(
        self, logical: str, values: dict[str, Any], *, user: str, record_id: str | None = None,
        at: int | None = None,
    ) -> list[Any]:
        table = self.store.catalog[logical]
        if table.read_only:
            raise _unsupported("Create", logical)
        moment = self.now() if at is None else at
        row = table.new_row()
        col = table.col
        row[col[table.primary_id]] = (record_id or self.store.guids.new()).lower()
        row[col[table.stamp]] = moment
        for name in ("createdon",):
            if name in col:
                row[col[name]] = moment
        for name in ("createdby", "modifiedby"):
            if name in col:
                _set_ref(table, row, name, Ref("systemuser", user))
        if "ownerid" in table.by_name:
            _set_ref(table, row, "ownerid", Ref("systemuser", user))
        if table.is_activity:
            row[col["activitytypecode"]] = logical
        for name, value in values.items():
            _assign(table, row, name, value)
        if "statecode" in col:
            # statecode is not valid for create: a new row starts in the default state
            state = default_state(table)
            status = row[col["statuscode"]]
            if status is not None and _state_of(table, status) != state:
                raise _bad_status(table, status, state, row[col[table.primary_id]])
            row[col["statecode"]] = state
            if status is None:
                row[col["statuscode"]] = default_status(table, state)
        _compute(table, row)
        row[col["versionnumber"]] = self.store.next_version()
        return self.store.insert(logical, row)

    def update(
        self, logical: str, record_id: str, values: dict[str, Any], *, user: str, at: int | None = None,
    ) -> list[Any]:
        table = self.store.catalog[logical]
        if table.read_only or table.intersect:  # associations are created and deleted, never updated
            raise _unsupported("Update", logical)
        current = self.store.get(logical, record_id)
        if current is None:
            raise errors.not_found(logical, record_id.lower())
        row = list(current)
        col = table.col
        for name, value in values.items():
            _assign(table, row, name, value)
        if "statecode" in col:
            self._reconcile_state(table, row, current, values)
        _compute(table, row)
        row[col[table.stamp]] = self.now() if at is None else at
        if "modifiedby" in col:
            _set_ref(table, row, "modifiedby", Ref("systemuser", user))
        row[col["versionnumber"]] = self.store.next_version()
        return self.store.replace(logical, row)

    def _reconcile_state(self, table: Table, row: list[Any], before: list[Any], values: dict[str, Any]) -> None:
        col = table.col
        if "statuscode" in values and "statecode" not in values and row[col["statuscode"]] is not None:
            row[col["statecode"]] = _state_of(table, row[col["statuscode"]])
        elif "statecode" in values and "statuscode" not in values and (
            row[col["statecode"]] != before[col["statecode"]] or row[col["statuscode"]] is None
        ):
            row[col["statuscode"]] = default_status(table, row[col["statecode"]])
        status, state = row[col["statuscode"]], row[col["statecode"]]
        if status is not None and _state_of(table, status) != state:
            raise _bad_status(table, status, state, row[col[table.primary_id]])

    def delete(self, logical: str, record_id: str, *, tracked: bool = True) -> list[tuple[str, str]]:
        """Delete a row and what its relationships take along; returns every (table, id) deleted."""
        table = self.store.catalog[logical]
        if table.read_only or logical in ("systemuser", "team"):
            raise _unsupported("Delete", logical)
        if self.store.get(logical, record_id) is None:
            raise errors.not_found(logical, record_id.lower())
        deleted: list[tuple[str, str]] = []
        self._delete(logical, record_id.lower(), tracked, deleted, set())
        return deleted

    def _delete(
        self, logical: str, record_id: str, tracked: bool, deleted: list[tuple[str, str]],
        seen: set[tuple[str, str]],
    ) -> None:
        seen.add((logical, record_id))
        for child_logical, child_id in self.store.referencing(record_id):
            child = self.store.get(child_logical, child_id)
            if child is None or (child_logical, child_id) in seen:
                continue
            child_table = self.store.catalog[child_logical]
            links = [a for a in child_table.attrs if a.refers and child[child_table.col[a.name]] == record_id]
            if any(a.cascade == "cascade" for a in links):
                self._delete(child_logical, child_id, tracked, deleted, seen)
            elif links:
                self.update(child_logical, child_id, {a.name: None for a in links}, user=self.system_user)
        self.store.remove(logical, record_id, at=self.now(), tracked=tracked)
        deleted.append((logical, record_id))


def _set_ref(table: Table, row: list[Any], name: str, ref: Ref | None) -> None:
    row[table.col[name]] = ref.id if ref else None
    row[table.col[type_column(name)]] = ref.logical if ref else None


def _assign(table: Table, row: list[Any], name: str, value: Any) -> None:
    if name in (PERSON_KEY, COMPANY_KEY):  # generator truth, set by the admin when it creates "a person's" row
        row[table.col[name]] = value
        return
    attr = table.by_name[name]
    if attr.is_lookup:
        _set_ref(table, row, name, value)
    else:  # an intersect row's ids are plain uniqueidentifiers: the column alone names their table
        row[table.col[name]] = value.id if isinstance(value, Ref) else value


def _compute(table: Table, row: list[Any]) -> None:
    table.calculate(row)


def _state_of(table: Table, status: object) -> int | None:
    options = table.by_name["statuscode"].options
    assert options is not None
    return next((o.state for o in options.options if o.value == status), None)


def _bad_status(table: Table, status: object, state: int, record_id: object) -> errors.DataverseError:
    state_options = table.by_name["statecode"].options
    assert state_options is not None
    label = (state_options.label(state) or str(state)).replace(" ", "")
    return errors.DataverseError(
        400, errors.PICKLIST,
        f"{status} is not a valid status code for state code {table.display.replace(' ', '')}State.{label} on "
        f"{table.logical} with Id {record_id}.",
    )


def _unsupported(method: str, logical: str) -> errors.DataverseError:
    return errors.DataverseError(
        400, errors.NOT_SUPPORTED, f"The '{method}' method does not support entities of type '{logical}'.",
    )

