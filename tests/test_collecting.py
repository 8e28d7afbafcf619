"""advise.collecting: a batch worker advises each sheet without garbage collections, and
freezes what lives on after its first sheet, once; its garbage is still collected."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
import textwrap

import pytest

from advise import collecting


def test_a_sheet_runs_without_collections_and_they_are_on_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collecting, "_FROZEN", [True])  # this process froze already: nothing to freeze
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with collecting.one_sheet(freeze=True):
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    with pytest.raises(ZeroDivisionError), collecting.one_sheet():
        1 / 0  # an error in the sheet's work still turns them on again
    assert gc.isenabled()


def test_collections_turned_off_by_the_caller_stay_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collecting, "_FROZEN", [])
    gc.disable()
    try:
        frozen = gc.get_freeze_count()
        with collecting.one_sheet(freeze=True):
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == frozen and collecting._FROZEN == []
    finally:
        gc.enable()


_WORKER = r"""
import gc, weakref
from advise import collecting

class Node:
    pass

def sheet():  # garbage in cycles, as rendering a report leaves some; and what lives on
    for _ in range(200):
        a, b = Node(), Node()
        a.other, b.other = b, a
    keep.append(Node())

keep = []
with collecting.one_sheet(freeze=True):
    sheet()
    probe = Node(); probe.self = probe; watch = weakref.ref(probe); del probe
first = gc.get_freeze_count()
print("first sheet's garbage freed:", watch() is None, "frozen:", first > 0)
watches = []
for _ in range(1000):  # later sheets: their garbage does not pile up, nothing more is frozen
    with collecting.one_sheet(freeze=True):
        sheet()
        probe = Node(); probe.self = probe; watches.append(weakref.ref(probe)); del probe
print("later garbage freed:", all(watch() is None for watch in watches[:-1]),
      "frozen once:", gc.get_freeze_count() <= first,
      "no garbage piled up:", sum(isinstance(o, Node) for o in gc.get_objects()) <= len(keep) + 401)
"""


def test_a_worker_freezes_once_after_its_first_sheet_and_its_garbage_is_still_collected() -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_WORKER)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [
        "first sheet's garbage freed: True frozen: True",
        "later garbage freed: True frozen once: True no garbage piled up: True"]


_ENDING = r"""
import gc, weakref
from advise import collecting

class Node:
    pass

with collecting.one_sheet(freeze=True, ending=True):
    probe = Node(); probe.self = probe; watch = weakref.ref(probe); del probe
print("collections on:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 0)
gc.collect()
print("its garbage frozen, not collected:", watch() is not None)
with collecting.one_sheet(freeze=True, ending=True):  # a later command in the same process
    probe = Node(); probe.self = probe; watch = weakref.ref(probe); del probe
gc.collect()
print("a later command's garbage collected:", watch() is None)
"""


def test_a_command_line_freezes_what_its_first_command_made_without_collecting_it() -> None:
    """`ending` (advise.cli.main: the process ends right after): the first command's objects,
    garbage included, are frozen as they are, as the end of the process would freeze them."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_ENDING)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["collections on: True frozen: True",
                                        "its garbage frozen, not collected: True",
                                        "a later command's garbage collected: True"]


_IMPORTS = r"""
import gc, sys
from advise import collecting

class Node:
    pass

ran = []
gc.callbacks.append(lambda phase, info: ran.append(info["generation"]) if phase == "start" else None)
frozen = gc.get_freeze_count()
if sys.argv[1] == "made":
    with collecting.long_lived_imports():
        print("collections on inside:", gc.isenabled())
        made = [Node() for _ in range(20000)]  # many young collections' worth
elif sys.argv[1] == "failed":
    try:
        with collecting.long_lived_imports():
            made = [Node() for _ in range(20000)]
            raise ImportError("no such module")
    except ImportError:
        pass
else:  # the command line's own imports
    import advise.cli.main
    import click, advise.errors
    made = [click.Command, click.Option, advise.errors.Problem]  # made by its imports
oldest = {id(item) for item in gc.get_objects(generation=2)}
print(gc.isenabled(), gc.get_freeze_count() - frozen, all(id(item) in oldest for item in made), frozen == 0, ran)
"""


@pytest.mark.parametrize("case", ["made", "failed", "cli"])
def test_long_lived_imports_are_made_without_collections_and_aged_at_once(case: str) -> None:
    """What the command line's imports make is made without collections and moved into the
    oldest generation, nothing frozen; collections are on after, even when an import failed.
    Python 3.12 starts with objects frozen: unfreezing would release them, so then the
    imports' objects stay young (and a young collection follows, as before)."""
    done = subprocess.run([sys.executable, "-c", _IMPORTS, case], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    if case == "made":
        assert lines.pop(0) == "collections on inside: False"
    enabled, frozen, oldest, aged, ran = ast.literal_eval(lines[0].replace(" ", ", ", 4))
    assert enabled and frozen == 0 and oldest == aged
    if aged:  # no collection walked them; the command line's module, after its imports, may make a young one
        assert ran == [] if case != "cli" else set(ran) <= {0} and len(ran) <= 2


def test_long_lived_imports_leave_collections_turned_off_by_the_caller_off() -> None:
    gc.disable()
    try:
        frozen, counts = gc.get_freeze_count(), gc.get_count()
        with collecting.long_lived_imports():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == frozen and gc.get_count()[0] >= counts[0]
    finally:
        gc.enable()
