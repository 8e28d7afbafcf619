"""Garbage collection in a process that advises sheet after sheet (a batch worker).

Python's cycle collector walks the container objects still alive, again and again as
new ones are made. In a worker most of them live as long as the process: the modules,
the rule base, the templates, and the caches its first sheet fills. So each sheet runs
without collections (its garbage, a few megabytes at most, is collected right after it,
instead of a dozen collections during it that walk everything it still uses), and after
the first sheet what lives on is frozen (gc.freeze), left out of every later collection.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

_FROZEN: list[bool] = []  # once per process


@contextlib.contextmanager
def one_sheet(*, freeze: bool = False, ending: bool = False) -> Iterator[None]:
    """Around the work on one sheet: no collection during it. `freeze` (a worker process):
    after its first sheet, that sheet's garbage is collected and what lives on is frozen.
    `ending` (one command line, whose process ends right after): what the sheet made is
    frozen with its garbage, uncollected, as the end of the process would freeze it (a
    collection then would walk it all for nothing). A process whose collections are off
    already is left as it is."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze and not _FROZEN:
            _FROZEN.append(True)
            if not ending:
                gc.collect(0)  # the sheet's own garbage: made since the last collection
            gc.freeze()
        gc.enable()
