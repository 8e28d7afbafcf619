"""`TwoGenerations`: a bounded memory of values made from small inputs (a text's layout, a
piece's typography, the glossary terms in a text), kept for the next report.

A batch asks the same things again and again (the templates' own sentences, the rules'
texts) among others that hold one sheet's values. Values live in two generations of at
most `size` entries: when the newer one is full it becomes the older one (the older one is
forgotten), and a value found in the older one comes back into the newer. So what every
report asks stays, what one sheet asked goes, and memory stays flat: at most `2 * size`
entries. (Emptying a single store when full, as before, lost the common values too.)
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


class TwoGenerations(Generic[V]):
    """The values made by `make(*args)`, kept by key (see the module's docstring). A value is
    never None (None means "not kept")."""

    __slots__ = ("size", "newer", "older")

    def __init__(self, size: int):
        self.size = size  # entries in each generation
        self.newer: dict[Hashable, V] = {}
        self.older: dict[Hashable, V] = {}

    def get(self, key: Hashable, make: Callable[..., V], *args: Any) -> V:
        """The value kept for `key`, else `make(*args)`, kept."""
        value = self.newer.get(key)
        if value is None:
            value = self.older.get(key)
            if value is None:
                value = make(*args)
            self.keep(key, value)
        return value

    def keep(self, key: Hashable, value: V) -> None:
        """Keep `value` for `key` in the newer generation, which, if full, becomes the older."""
        if len(self.newer) >= self.size:
            self.older, self.newer = self.newer, {}
        self.newer[key] = value

    def __len__(self) -> int:
        """The values kept, in both generations (a key may be in both)."""
        return len(self.newer) + len(self.older)
