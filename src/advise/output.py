"""Writing files: atomically, never over an input, and (for new files) never over anything.

Both ways write the text to a temporary file in the target's folder, flushed to disk, and
only then give it the final name, so no reader (and no interrupted run) ever sees half a
file. `write_atomically` renames it over the target (a report, replaced whole);
`write_new_file` links it to a name that must not exist yet: the link fails if the name
exists, even if another program creates it meanwhile, so nothing is ever replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .errors import InputError, Problem, register_messages

register_messages({
    "output-special": {
        "en": "this is a special file (a device or a socket): advise writes reports to a file, a character "
              "device or a pipe, or to the standard output with -o -",
        "fr": "c'est un fichier spécial (un périphérique ou une socket) : advise écrit un rapport dans un fichier, "
              "un périphérique caractère ou un tube, ou sur la sortie standard avec -o -",
    },
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


class OutputError(InputError):
    """A report could not be written (a full disk, a folder that cannot be written)."""


def _failed(target: Path, error: OSError, field: str | None) -> InputError:
    return OutputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(target),
                               field=field))


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_then_place(target: Path, text: str, field: str | None, place: Callable[[str], None],
                      mode: int | None = None) -> None:
    """Write `text` to a temporary file beside `target`, flushed to disk, then `place(temporary)`
    gives it the name `target`. The temporary file never outlives the call."""
    directory = target.parent if str(target.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise _failed(target, error, field) from None
    _TEMPORARIES.add(temporary)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            # A file replaced keeps its permissions; a new one gets the umask's, not mkstemp's 0600.
            os.fchmod(handle.fileno(), mode if mode is not None else 0o666 & ~_current_umask())
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
        _TEMPORARIES.discard(temporary)


_TEMPORARIES: set[str] = set()  # the temporary files being written, for remove_temporaries


def remove_temporaries() -> None:
    """Remove the temporary files being written now: for a process that must end outright,
    in the middle of a write (a batch worker stopped; see advise.stopping)."""
    for temporary in list(_TEMPORARIES):
        try:
            os.unlink(temporary)
        except OSError:
            pass


def write_atomically(path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write `text` to `path` through a temporary file renamed into place, so a reader (or an
    interrupted run) never sees half a report. Refuses to replace any of `inputs`.

    A character device or a FIFO (/dev/null, /dev/stdout, a named pipe) is written through,
    never replaced by a regular file; any other special file (a block device, a socket) is
    refused. A report replacing a file keeps that file's permissions."""
    target = Path(path)
    for source in inputs:
        if source is not None and (_same_file(target, Path(source))
                                   or target.resolve() == Path(source).resolve()):
            raise InputError(Problem("output-is-input", file=str(target), field="--output"))
    try:
        existing = os.stat(target)
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        if stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode):
            _write_through(target, text)
            return
        raise InputError(Problem("output-special", file=str(target), field="--output"))
    _write_then_place(target, text, "--output", lambda temporary: os.replace(temporary, target),
                      stat.S_IMODE(existing.st_mode) if existing is not None else None)


def _write_through(target: Path, text: str) -> None:
    """Into a character device or a FIFO, as `cat > target` would: opened, never created."""
    try:
        descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise _failed(target, error, "--output") from None


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
