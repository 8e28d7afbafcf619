"""Writing files: atomically, never over an input, and (for new files) never over anything.

Both ways write the text to a temporary file in the target's folder, flushed to disk, and
only then give it the final name, so no reader (and no interrupted run) ever sees half a
file. `write_atomically` renames it over the target (a report, replaced whole);
`write_new_file` links it to a name that must not exist yet: the link fails if the name
exists, even if another program creates it meanwhile, so nothing is ever replaced.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .errors import InputError, Problem, register_messages

register_messages({
    "file-exists": {
        "en": "the file already exists; advise never overwrites it: choose another name, or remove it first",
        "fr": "le fichier existe déjà ; advise ne l'écrase jamais : choisissez un autre nom, ou supprimez-le d'abord",
    },
})


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _failed(target: Path, error: OSError, field: str | None) -> InputError:
    return InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                              field=field))


def _write_then_place(target: Path, text: str, field: str | None, place: Callable[[str], None]) -> None:
    """Write `text` to a temporary file beside `target`, flushed to disk, then `place(temporary)`
    gives it the name `target`. The temporary file never outlives the call."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise _failed(target, error, field) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        place(temporary)
    except FileExistsError:  # only a new file's name can be taken
        raise InputError(Problem("file-exists", file=str(target), field=field)) from None
    except OSError as error:
        raise _failed(target, error, field) from None
    finally:
        try:
            os.unlink(temporary)  # gone already once renamed into place
        except OSError:
            pass


def write_atomically(path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write `text` to `path` through a temporary file renamed into place, so a reader (or an
    interrupted run) never sees half a report. Refuses to replace any of `inputs`."""
    target = Path(path)
    for source in inputs:
        if source is not None and (_same_file(target, Path(source))
                                   or target.resolve() == Path(source).resolve()):
            raise InputError(Problem("output-is-input", file=str(target), field="--output"))
    _write_then_place(target, text, "--output", lambda temporary: os.replace(temporary, target))


def refuse_existing(path: str | os.PathLike[str], option: str | None = None) -> None:
    """Raise the error `write_new_file` would, before any work is done (e.g. an interview)."""
    if os.path.lexists(path):
        raise InputError(Problem("file-exists", file=str(path), field=option))


def write_new_file(path: str | os.PathLike[str], text: str, *, option: str | None = None) -> None:
    """Write `text` to `path`, which must not exist: never replaces a file, even one another
    program creates while this one writes."""
    target = Path(path)
    refuse_existing(target, option)

    def link(temporary: str) -> None:
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive creation instead
            with open(target, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)

    _write_then_place(target, text, option, link)
