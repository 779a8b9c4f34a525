"""Union-find over record indices that refuses to join groups an admin has kept apart (undone merges)."""

from __future__ import annotations

from collections.abc import Iterable


class Components:
    def __init__(self, size: int, apart: Iterable[tuple[int, int]] = ()) -> None:
        self._parent = list(range(size))
        self._size = [1] * size
        # root -> records that must never share its group (both ends of each undone pair are listed)
        self._apart: dict[int, set[int]] = {}
        for a, b in apart:
            self._apart.setdefault(a, set()).add(b)
            self._apart.setdefault(b, set()).add(a)

    def find(self, i: int) -> int:
        parent = self._parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    def same(self, i: int, j: int) -> bool:
        return self.find(i) == self.find(j)

    def allowed(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        return not any(self.find(k) == rj for k in self._apart.get(ri, ()))

    def union(self, i: int, j: int) -> bool:
        """Join the groups of i and j; False when they already are one or must stay apart."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj or not self.allowed(ri, rj):
            return False
        if self._size[ri] < self._size[rj]:
            ri, rj = rj, ri
        self._parent[rj] = ri
        self._size[ri] += self._size[rj]
        moved = self._apart.pop(rj, None)
        if moved:
            self._apart.setdefault(ri, set()).update(moved)
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for i in range(len(self._parent)):
            out.setdefault(self.find(i), []).append(i)
        return out
