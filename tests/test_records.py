"""Records (advise.records) behave as the frozen dataclasses they replace: equality, hash,
repr, no assignment, replace, pickle; and every record of advise stores exactly the
parameters of its `__init__`, each under its own name."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil
from typing import Any

import pytest

import advise
from advise.records import FrozenRecordError, Record, as_dict, replace


class Point(Record):
    """A sample record."""

    NOT_COMPARED = ("note",)
    NOT_HASHED = ("tags",)

    def __init__(self, x: int, y: int = 0, tags: dict[str, int] | None = None, note: str = "") -> None:
        self.__dict__.update(x=x, y=y, tags=tags if tags is not None else {}, note=note)


class Other(Record):
    def __init__(self, x: int, y: int = 0, tags: dict[str, int] | None = None, note: str = "") -> None:
        self.__dict__.update(x=x, y=y, tags=tags if tags is not None else {}, note=note)


@dataclasses.dataclass(frozen=True)
class PointDataclass:
    x: int
    y: int = 0


class PointRecord(Record):
    def __init__(self, x: int, y: int = 0) -> None:
        self.__dict__.update(x=x, y=y)


def test_fields_are_the_parameters_of_init_in_order() -> None:
    assert Point.FIELDS == ("x", "y", "tags", "note")
    assert as_dict(Point(1, 2, {"a": 1}, "n")) == {"x": 1, "y": 2, "tags": {"a": 1}, "note": "n"}


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2, {"a": 1})) == hash(Point(1, 2, {"b": 2}))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2, note="a") == Point(1, 2, note="b")  # not compared
    assert Point(1, 2, {"a": 1}) != Point(1, 2, {"a": 2})  # compared, not hashed
    assert Point(1) != Other(1)  # another class, even with the same fields
    assert Point(1) != (1, 0, {}, "")
    assert {Point(1, 2): "p"}[Point(1, 2, note="other")] == "p"


def test_a_mutable_default_is_fresh_for_each_record() -> None:
    first, second = Point(1), Point(1)
    assert first.tags == {} and first.tags is not second.tags


def test_records_are_frozen() -> None:
    point = Point(1)
    with pytest.raises(FrozenRecordError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.y
    with pytest.raises(AttributeError):
        point.new = 1  # type: ignore[attr-defined]
    assert point.x == 1 and point.y == 0


def test_repr_is_a_dataclass_repr_without_the_fields_not_compared() -> None:
    assert repr(PointRecord(1, 2)) == repr(PointDataclass(1, 2)).replace("PointDataclass", "PointRecord")
    assert repr(Point(1, 2, {"a": 1}, "hidden")) == "Point(x=1, y=2, tags={'a': 1})"


def test_replace_changes_some_fields_and_refuses_unknown_ones() -> None:
    point = Point(1, 2, {"a": 1}, "n")
    moved = replace(point, y=5)
    assert (moved.x, moved.y, moved.tags, moved.note) == (1, 5, {"a": 1}, "n") and point.y == 2
    with pytest.raises(TypeError, match="'z'"):
        replace(point, z=1)


def test_pickle_and_copy_give_equal_records() -> None:
    point = Point(1, 2, {"a": 1}, "n")
    for again in (pickle.loads(pickle.dumps(point, protocol=pickle.HIGHEST_PROTOCOL)), copy.copy(point),
                  copy.deepcopy(point)):
        assert type(again) is Point and again == point and as_dict(again) == as_dict(point)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, x=1)  # type: ignore[misc]


# ---------------------------------------------------------------- every record of advise


def _records() -> list[type[Record]]:
    for module in pkgutil.walk_packages(advise.__path__, "advise."):
        importlib.import_module(module.name)
    found, todo = [], list(Record.__subclasses__())
    while todo:
        kind = todo.pop()
        todo.extend(kind.__subclasses__())
        if kind.__module__.startswith("advise."):
            found.append(kind)
    return sorted(found, key=lambda kind: (kind.__module__, kind.__qualname__))


RECORDS = _records()
# Fields whose value __init__ converts (a text given for an enum): a value it accepts.
CONVERTED: dict[str, dict[str, Any]] = {"advise.errors.Problem": {"severity": "warning"}}


def test_advise_has_its_records() -> None:
    names = {f"{kind.__module__}.{kind.__qualname__}" for kind in RECORDS}
    assert {"advise.explain.model.Report", "advise.rulebase.model.RuleBook", "advise.errors.Problem",
            "advise.engine.trace.Trace"} <= names


@pytest.mark.parametrize("kind", RECORDS, ids=lambda kind: f"{kind.__module__}.{kind.__qualname__}")
def test_each_record_stores_exactly_its_parameters(kind: type[Record]) -> None:
    converted = CONVERTED.get(f"{kind.__module__}.{kind.__qualname__}", {})
    given = {name: converted.get(name, object()) for name in kind.FIELDS}
    record = kind(**given)
    assert list(vars(record)) == list(kind.FIELDS)
    for name, value in given.items():
        assert getattr(record, name) is value or name in converted
    assert set(kind.NOT_COMPARED) <= set(kind.FIELDS) and set(kind.NOT_HASHED) <= set(kind.FIELDS)
    assert replace(record) == record
    with pytest.raises(AttributeError):
        setattr(record, kind.FIELDS[0], None)
