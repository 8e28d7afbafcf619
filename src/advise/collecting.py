"""Garbage collection in a process that advises sheet after sheet (a batch worker).

Python's cycle collector walks the container objects still alive, again and again as
new ones are made. In a worker most of them live as long as the process: the modules,
the rule base, the templates, and the caches its first sheet fills. So each sheet runs
without collections (its garbage, a few megabytes at most, is collected right after it,
instead of a dozen collections during it that walk everything it still uses), and after
the first sheet what lives on is frozen (gc.freeze), left out of every later collection.

A command-line process imports its modules the same way (`long_lived_imports`), and takes
the large blocks of memory it frees back for itself (`keep_large_blocks`).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Callable, Iterator

_FROZEN: list[bool] = []  # once per process


@contextlib.contextmanager
def long_lived_imports() -> Iterator[None]:
    """Around the imports of the command line (advise.cli.main: click, advise's own modules):
    what they make lives as long as the process, yet a dozen young collections and an older
    one walked it as it was made, about 1.5 ms of one `advise facts.yaml`. Made without
    collections, it is then moved at once into the oldest generation (gc.freeze, then
    gc.unfreeze: nothing stays frozen), where only a full collection looks at it, as it would
    after surviving the young ones; collections are on again after. When something is
    frozen already (Python 3.12 starts so), unfreezing would release it too: the imports'
    objects are left young then. A process whose collections are off is left as it is."""
    with _without_collections(_into_oldest):
        yield


def _into_oldest() -> None:
    if not gc.get_freeze_count():
        gc.freeze()
        gc.unfreeze()


@contextlib.contextmanager
def _without_collections(then: Callable[[], None]) -> Iterator[None]:
    """No collection inside; `then()` before collections are on again. A process whose
    collections are off already is left as it is (`then` is not called)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        then()
        gc.enable()


def keep_large_blocks() -> None:
    """The C library's malloc (glibc) maps a block of 128 KiB or more on its own and unmaps it
    when freed, and only then raises that threshold to the block's size. So durable's state
    for the first sheet (some 3 MB) is faulted in page by page and given back, and the
    second sheet's is faulted in again, from the heap, where later sheets reuse it: about
    650 page faults, 1 ms of CPU, in one `advise facts.yaml` (a run, and one re-run per
    hint); and Python's own large buffers while a command line imports its modules and
    reads its cache, another 190. Freeing one large block first raises the threshold at
    once; allocated with calloc (bytes), it is never written, so no page of it is faulted
    in. Once per process (advise.cli.main at its import, advise.engine.durable's Engine);
    elsewhere than glibc, only an allocation and a free."""
    if not _LARGE_BLOCKS_KEPT:
        _LARGE_BLOCKS_KEPT.append(True)
        block = bytes(8 << 20)  # below glibc's largest threshold (32 MiB); durable's blocks are smaller
        del block


_LARGE_BLOCKS_KEPT: list[bool] = []


class one_sheet:
    """Around the work on one sheet: no collection during it. `freeze` (a worker process):
    after its first sheet, that sheet's garbage is collected and what lives on is frozen.
    `ending` (one command line, whose process ends right after): what the sheet made is
    frozen with its garbage, uncollected, as the end of the process would freeze it (a
    collection then would walk it all for nothing). A process whose collections are off
    already is left as it is. (A class, not a generator: a batch enters it for every sheet.)"""

    __slots__ = ("freeze", "ending", "switched")

    def __init__(self, *, freeze: bool = False, ending: bool = False) -> None:
        self.freeze, self.ending = freeze, ending
        self.switched = False  # collections were on, and turned off here

    def __enter__(self) -> None:
        if gc.isenabled():
            gc.disable()
            self.switched = True

    def __exit__(self, *exception: object) -> None:
        if not self.switched:
            return
        try:
            if self.freeze and not _FROZEN:
                _FROZEN.append(True)
                if not self.ending:
                    gc.collect(0)  # the sheet's own garbage: made since the last collection
                gc.freeze()
        finally:
            gc.enable()
