"""Immutable records that cost nothing to define: what `@dataclass(frozen=True)` gave the
rule base, the trace and the report (equality, hash, repr, no assignment, `replace`),
without writing and compiling their methods at every import. Building some fifty
dataclasses was a quarter of the CPU of one `advise facts.yaml` before the report began.

A record is a class deriving from `Record` whose `__init__` takes its fields, in order,
and stores exactly those in `self.__dict__`:

    class Theme(Record):
        \"\"\"A heading of the report.\"\"\"

        def __init__(self, id: str, title: dict[str, str], order: int = 0) -> None:
            self.__dict__.update(id=id, title=title, order=order)

Its fields are the parameters of `__init__` (read from its code: nothing to keep in step).
`NOT_COMPARED` names fields left out of equality, hash and repr (as `field(compare=False,
repr=False)`), `NOT_HASHED` those left out of the hash only. Storage is the instance's
`__dict__`, as for a dataclass: pickle and copy work as they did, without calling
`__init__`. tests/test_records.py checks every record of advise against these rules.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, TypeVar


class FrozenRecordError(AttributeError):
    """An assignment to a record (as dataclasses.FrozenInstanceError, an AttributeError)."""


R = TypeVar("R", bound="Record")


class Record:
    """Base of advise's immutable records (see the module's docstring)."""

    FIELDS: tuple[str, ...] = ()
    NOT_COMPARED: tuple[str, ...] = ()
    NOT_HASHED: tuple[str, ...] = ()
    _compared: Callable[[Any], tuple] = staticmethod(lambda record: ())
    _hashed: Callable[[Any], tuple] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        code = cls.__init__.__code__
        cls.FIELDS = code.co_varnames[1:code.co_argcount + code.co_kwonlyargcount]
        compared = tuple(name for name in cls.FIELDS if name not in cls.NOT_COMPARED)
        hashed = tuple(name for name in compared if name not in cls.NOT_HASHED)
        cls._compared = staticmethod(_getter(compared))
        cls._hashed = staticmethod(_getter(hashed))

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._compared(self) == self._compared(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._hashed(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS if name not in self.NOT_COMPARED)
        return f"{type(self).__qualname__}({shown})"


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    """The values of `names` of a record, as a tuple (attrgetter gives a bare value for one name)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    if not names:
        return lambda record: ()
    return attrgetter(*names)


def replace(record: R, **changes: Any) -> R:
    """A copy of `record` with some fields changed (as dataclasses.replace)."""
    unknown = set(changes) - set(record.FIELDS)
    if unknown:
        raise TypeError(f"{type(record).__qualname__} has no field {sorted(unknown)[0]!r}")
    values = {name: getattr(record, name) for name in record.FIELDS}
    values.update(changes)
    return type(record)(**values)


def as_dict(record: Record) -> dict[str, Any]:
    """The fields of `record` and their values (the values themselves, not copies)."""
    return {name: getattr(record, name) for name in record.FIELDS}
