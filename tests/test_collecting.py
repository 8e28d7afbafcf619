"""advise.collecting: a batch worker advises each sheet without garbage collections, and
freezes what lives on after its first sheet, once; its garbage is still collected."""

from __future__ import annotations

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
