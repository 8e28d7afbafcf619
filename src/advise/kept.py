"""Bounded memories of values kept for the next report.

`TwoGenerations`: values made from small inputs (a text's layout, a piece's typography, the
glossary terms in a text).

A batch asks the same things again and again (the templates' own sentences, the rules'
texts) among others that hold one sheet's values. Values live in two generations of at
most `size` entries: when the newer one is full it becomes the older one (the older one is
forgotten), and a value found in the older one comes back into the newer. So what every
report asks stays, what one sheet asked goes, and memory stays flat: at most `2 * size`
entries. (Emptying a single store when full, as before, lost the common values too.)

`PerRuleBook`: what is worked out once per rule book (and maybe language), whatever the
sheet (an index of its rules, its compiled texts, its words).
"""

from __future__ import annotations

import weakref
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

    def find(self, key: Hashable) -> V | None:
        """The value kept for `key` (brought back into the newer generation), else None."""
        value = self.newer.get(key)
        if value is None:
            value = self.older.get(key)
            if value is not None:
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

    def clear(self) -> None:
        """Forget every value."""
        self.newer, self.older = {}, {}


class PerRuleBook(Generic[V]):
    """The value `make(rulebook)`, or `make(rulebook, variant)` (a language), made once per
    rule book and variant.

    A rule book is told by identity, never by equality: two equal rule books read from two
    folders each get their own value. Each entry holds the rule book weakly and goes when
    it does, so a kept value never keeps a rule book alive (a value must not hold its rule
    book itself), and a new one allocated where a freed one was is never given the freed
    one's value. At most `size` entries: when full, the oldest goes."""

    __slots__ = ("make", "size", "entries")

    def __init__(self, make: Callable[..., V], size: int = 8):
        self.make = make
        self.size = size
        # (id(rulebook), variant) -> (a weak reference to the rule book, its value)
        self.entries: dict[tuple[int, Hashable], tuple[weakref.ref[Any], V]] = {}

    def get(self, rulebook: Any, variant: Hashable = None) -> V:
        """The value kept for `rulebook` and `variant`, else made, kept."""
        found = self.entries.get((id(rulebook), variant))
        if found is not None and found[0]() is rulebook:
            return found[1]
        return self._made(rulebook, variant)

    def _made(self, rulebook: Any, variant: Hashable) -> V:
        value = self.make(rulebook) if variant is None else self.make(rulebook, variant)
        key = (id(rulebook), variant)
        entries = self.entries
        entries.pop(key, None)  # a freed rule book's, if its reference has not told us yet
        while len(entries) >= self.size:
            entries.pop(next(iter(entries)), None)  # the oldest
        entries[key] = (weakref.ref(rulebook, lambda ref: self._forget(key, ref)), value)
        return value

    def _forget(self, key: tuple[int, Hashable], ref: weakref.ref[Any]) -> None:
        """The rule book of `ref` is gone: its entry goes too (unless it was replaced)."""
        found = self.entries.get(key)
        if found is not None and found[0] is ref:
            self.entries.pop(key, None)

    def clear(self) -> None:
        """Forget every value (as in a new process)."""
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)
