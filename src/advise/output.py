"""Writing files: atomically, never over an input, and (for new files) never over anything.

Both ways write the text to a temporary file in the target's folder, flushed to disk, and
only then give it the final name, so no reader (and no interrupted run) ever sees half a
file. `write_atomically` renames it over the target (a report, replaced whole);
`write_new_file` links it to a name that must not exist yet: the link fails if the name
exists, even if another program creates it meanwhile, so nothing is ever replaced.
"""

from __future__ import annotations

import os
import queue
import stat
import secrets
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

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


def _is_input(target: Path, status: os.stat_result | None, missing: bool, source: str | os.PathLike[str]) -> bool:
    """Whether writing `target` (its os.stat, or `missing` when it does not exist) would
    replace `source`: the same file, or a path that resolves to the same place.

    With one stat of the input in the usual cases: two files that exist are the same
    exactly when their device and inode are; an input that exists is never a target that
    does not (the target would resolve to the input's existing path, so it would exist;
    a `..` after a missing folder resolves otherwise, hence the full check for it). In any
    other case (an input that cannot be read, a target that cannot be looked at), the
    full check: the same file, or the same resolved path."""
    try:
        other = os.stat(source)
    except OSError:
        other = None
    if other is not None:
        if status is not None:
            return (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino)
        if missing and ".." not in target.parts:
            return False
    return _same_file(target, Path(source)) or target.resolve() == Path(source).resolve()


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
                      mode: int | None = None, *, renames: bool = False) -> None:
    """Write `text` to a temporary file beside `target`, flushed to disk, then `place(temporary)`
    gives it the name `target`. The temporary file never outlives the call. `renames`: once
    `place` returns, the temporary name is gone (renamed): it is not removed again."""
    directory = target.parent if str(target.parent) else Path(".")
    with _WRITING:  # remove_temporaries waits for a write in progress, then allows no other
        if _ENDING:
            raise SystemExit(1)  # the process is ending (remove_temporaries ran): no new file
        _write_and_place(target, text, field, place, mode, directory, renames)


def _write_and_place(target: Path, text: str, field: str | None, place: Callable[[str], None], mode: int | None,
                     directory: Path, renames: bool) -> None:
    data = text.encode("utf-8")  # what a text file in UTF-8 with "\n" line ends would hold
    # The name is recorded before the file exists: a stop (SIGTERM) is handled right after
    # the system call that creates it, and must find it recorded (tempfile.mkstemp would
    # return it a few steps later).
    for _ in range(100):
        temporary = os.path.join(directory, f".{target.name}.{secrets.token_hex(4)}.tmp")
        _TEMPORARIES.add(temporary)
        clash = placed = False
        try:
            try:
                descriptor = os.open(temporary, _CREATE, 0o600)
            except FileExistsError:
                clash = True  # another file's name: never touched
                continue
            try:
                view = memoryview(data)
                while view:  # os.write may write less than asked
                    view = view[os.write(descriptor, view):]
                # A file replaced keeps its permissions; a new one gets the umask's, not the 0600 it is made with.
                os.fchmod(descriptor, mode if mode is not None else 0o666 & ~_current_umask())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            place(temporary)
            placed = renames  # a renamed temporary is gone: removing it again would cost a failed unlink
            return
        except FileExistsError:  # only a new file's name can be taken
            raise InputError(Problem("file-exists", file=str(target), field=field)) from None
        except OSError as error:
            raise _failed(target, error, field) from None
        finally:
            if not clash and not placed:
                try:
                    os.unlink(temporary)  # linked into place, or never placed
                except OSError:
                    pass
            _TEMPORARIES.discard(temporary)
    raise _failed(target, FileExistsError("no free temporary name"), field)


_CREATE = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


_TEMPORARIES: set[str] = set()  # the temporary files being written, for remove_temporaries
_WRITING = threading.RLock()  # held while a temporary file exists (reentrant: a signal handler may write)
_ENDING = False


def remove_temporaries(wait: float = 2.0) -> None:
    """For a process about to end outright (a batch worker stopped; see advise.stopping):
    let a write in progress finish (at most `wait` seconds), allow no new one, and remove
    any temporary file still there. Call it from another thread than the one writing."""
    global _ENDING
    _WRITING.acquire(timeout=wait)  # kept: the process ends holding it
    _ENDING = True
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
    try:
        existing: os.stat_result | None = os.stat(target)
        missing = False
    except OSError as error:
        existing, missing = None, isinstance(error, FileNotFoundError)
    for source in inputs:
        if source is not None and _is_input(target, existing, missing, source):
            raise InputError(Problem("output-is-input", file=str(target), field="--output"))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        if stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode):
            _write_through(target, text)
            return
        raise InputError(Problem("output-special", file=str(target), field="--output"))
    _write_then_place(target, text, "--output", lambda temporary: os.replace(temporary, target),
                      stat.S_IMODE(existing.st_mode) if existing is not None else None, renames=True)


def resolved_inputs_at(target: Path, real_paths: Sequence[str]) -> list[str]:
    """The inputs that write_atomically(target, ..., inputs=real_paths) would refuse to replace
    (the same file, or the same resolved path), found with one stat each: it checks every
    input it is given with several, which for thousands of sheets (advise.batch's summaries)
    costs more than the writing. `real_paths` are already resolved (os.path.realpath).

    A target with one link (st_nlink) has one name in one folder: another path reaches it
    only through that folder (a bind mount, another mount of its file system), so under the
    same name; only the inputs of that name are looked at then (a batch run again over its
    own output folder stats none)."""
    resolved = str(target.resolve())
    try:
        status = os.stat(target)
    except OSError:
        status = None
    name = os.path.basename(resolved)
    found = []
    for path in real_paths:
        if path == resolved:
            found.append(path)
        elif status is not None and (status.st_nlink != 1 or os.path.basename(path) == name):
            try:
                other = os.stat(path)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino):
                found.append(path)
    return found


class Writer:
    """Files written by `write_atomically` one after another, in a thread of its own, while
    the caller goes on: a batch advises its next sheet while the disk makes the last report
    durable (fsync) and renames it into place. Same guarantees as `write_atomically`, which
    does each write; at most `depth` files wait their turn, so memory stays bounded.

    `results()` gives what became of each write, in the order the files were given: None
    when written, else the exception `write_atomically` raised (never raised here). `close()`
    starts no further write, waits for the one in progress (its temporary file placed or
    removed) and ends the thread: call it before the outcomes are reported, even on error."""

    def __init__(self, depth: int = 2) -> None:
        self._jobs: queue.Queue[tuple[str | os.PathLike[str], str, tuple[str | os.PathLike[str], ...]] | None] = \
            queue.Queue(maxsize=depth)
        self._done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        self._given = 0  # writes given and not yet collected by results()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="advise-writer", daemon=True)
        self._thread.start()

    def write(self, path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Write `text` to `path` as write_atomically(path, text, inputs=inputs) would, in turn."""
        self._jobs.put((path, text, tuple(inputs)))  # waits while `depth` files wait already
        self._given += 1

    def results(self, *, wait: bool = False) -> list[BaseException | None]:
        """What became of the writes finished since the last call, in order; `wait`: of every
        write given (waiting for them)."""
        found = []
        while self._given:
            try:
                found.append(self._done.get(block=wait))
            except queue.Empty:
                break
            self._given -= 1
        return found

    def close(self) -> None:
        self._closing = True
        while True:  # the files not started yet are never written
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._closing:
                continue
            error: BaseException | None = None
            try:
                write_atomically(job[0], job[1], inputs=job[2])
            except BaseException as caught:  # the caller's to report, for this file
                error = caught
            self._done.put(error)


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
