"""One lead record: its field values in schema order, plus what the sandbox knows about it beyond the API."""

from __future__ import annotations

from typing import Any

from sandbox.marketo.fields import BY_NAME, INDEX, LEAD_FIELDS, render


class Lead:
    """``values`` holds stored values in ``fields.LEAD_FIELDS`` order (datetimes as epoch seconds).

    ``modified`` is when any field last changed: the bulk export's ``updatedAt`` filter looks at it, while the
    visible ``updatedAt`` field only moves for standard fields, as in Marketo.
    """

    __slots__ = ("dirt", "duplicate", "id", "modified", "person_key", "values")

    def __init__(self, lead_id: int, values: list[Any], *, person_key: int | None, modified: int,
                 duplicate: bool = False, dirt: tuple[str, ...] = ()) -> None:
        self.id = lead_id
        values[0] = lead_id
        self.values = values
        self.person_key = person_key
        self.modified = modified
        self.duplicate = duplicate
        self.dirt = dirt

    @staticmethod
    def blank_values() -> list[Any]:
        return [None] * len(LEAD_FIELDS)

    def get(self, name: str) -> Any:
        return self.values[INDEX[name]]

    def set(self, name: str, value: Any) -> None:
        self.values[INDEX[name]] = value

    def render(self, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
        """The lead as Get Leads renders it: ``id`` always, and the requested fields that have a value."""
        out: dict[str, Any] = {"id": self.id}
        for name in names:
            value = self.values[INDEX[name]]
            if value is not None and name != "id":
                out[name] = render(BY_NAME[name], value)
        return out

    def render_all(self) -> dict[str, Any]:
        return {f.name: render(f, self.values[i]) for i, f in enumerate(LEAD_FIELDS)}

    def contact(self) -> tuple[str | None, str | None, str | None]:
        return self.get("firstName"), self.get("lastName"), self.get("email")
