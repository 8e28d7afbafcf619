"""Writing reports to files: atomically, and never over an input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import InputError, Problem


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def write_atomically(path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write `text` to `path` through a temporary file renamed into place, so a reader (or an
    interrupted run) never sees half a report. Refuses to replace any of `inputs`."""
    target = Path(path)
    for source in inputs:
        if source is not None and (_same_file(target, Path(source))
                                   or target.resolve() == Path(source).resolve()):
            raise InputError(Problem("output-is-input", file=str(target), field="--output"))
    directory = target.parent if str(target.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                                 field="--output")) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                                 field="--output")) from None
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
