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
    _GATE.enter()  # remove_temporaries waits for the writes in progress, then allows no other
    try:
        _write_and_place(target, text, field, place, mode, directory, renames)
    finally:
        _GATE.leave()


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


class _Gate:
    """The writes in progress in this process, counted, and whether the process is ending: a
    write starts only while it is not (remove_temporaries ends it, waiting a bounded time for
    the writes in progress). No lock is held while a file is written: several threads write
    at once (Writer), and a signal handler may write too."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.RLock())  # reentrant: a signal handler may take it
        self.writing = 0
        self.ending = False

    def enter(self) -> None:
        with self._changed:
            if self.ending:
                raise SystemExit(1)  # the process is ending (remove_temporaries ran): no new file
            self.writing += 1

    def leave(self) -> None:
        with self._changed:
            self.writing -= 1
            self._changed.notify_all()

    def end(self, wait: float) -> None:
        """No write starts any more; wait (at most `wait` seconds) for those in progress."""
        with self._changed:
            self.ending = True
            self._changed.wait_for(lambda: not self.writing, timeout=wait)


_TEMPORARIES: set[str] = set()  # the temporary files being written, for remove_temporaries
_GATE = _Gate()


def remove_temporaries(wait: float = 2.0) -> None:
    """For a process about to end outright (a batch worker stopped; see advise.stopping):
    allow no new write, let the writes in progress finish (at most `wait` seconds), and
    remove any temporary file still there. Call it from another thread than those writing."""
    _GATE.end(wait)
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
    costs more than the writing. `real_paths` are already resolved (os.path.realpath)."""
    resolved = str(target.resolve())
    try:
        status = os.stat(target)
    except OSError:
        status = None
    found = []
    for path in real_paths:
        if path == resolved:
            found.append(path)
        elif status is not None:
            try:
                other = os.stat(path)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino):
                found.append(path)
    return found


class Writer:
    """Files written by `write_atomically` in threads of their own while the caller goes on: a
    batch advises its next sheet while the disk makes the last reports durable (fsync) and
    renames them into place. One thread, and another (up to `threads`) each time a file finds
    `depth` files waiting already: on a slow disk (a few milliseconds an fsync) the writes
    would hold the batch back, and fsyncs at once take about the time of one; on a fast disk
    one thread keeps up, and more would only cost the system time of their contention. Same
    guarantees as `write_atomically`, which does each write; at most `depth` files wait their
    turn, so memory stays bounded.

    `results()` gives what became of each write, in the order the files were given: None
    when written, else the exception `write_atomically` raised (never raised here). `close()`
    starts no further write, waits for those in progress (their temporary files placed or
    removed) and ends the threads: call it before the outcomes are reported, even on error."""

    def __init__(self, depth: int = 2, threads: int = 4) -> None:
        self._jobs: queue.Queue[tuple[int, str | os.PathLike[str], str, tuple[str | os.PathLike[str], ...]] | None] = \
            queue.Queue(maxsize=depth)
        self._finished = threading.Condition()
        self._done: dict[int, BaseException | None] = {}  # by the order given, until results() takes it
        self._given = 0  # writes given
        self._taken = 0  # writes whose result results() gave
        self._closing = False
        self._most = threads
        self._threads: list[threading.Thread] = []
        self._add_thread()

    def _add_thread(self) -> None:
        thread = threading.Thread(target=self._run, name="advise-writer", daemon=True)
        self._threads.append(thread)
        thread.start()

    def write(self, path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Write `text` to `path` as write_atomically(path, text, inputs=inputs) would."""
        job = (self._given, path, text, tuple(inputs))
        try:
            self._jobs.put_nowait(job)
        except queue.Full:  # the disk is slower than the caller: one more thread, then wait
            if len(self._threads) < self._most:
                self._add_thread()
            self._jobs.put(job)
        self._given += 1

    def results(self, *, wait: bool = False) -> list[BaseException | None]:
        """What became of the writes finished since the last call, in the order given (a
        write finished before an earlier one waits for it); `wait`: of every write given."""
        found = []
        with self._finished:
            while self._taken < self._given:
                if self._taken not in self._done:
                    if not wait:
                        break
                    self._finished.wait()
                    continue
                found.append(self._done.pop(self._taken))
                self._taken += 1
        return found

    def close(self) -> None:
        self._closing = True
        while True:  # the files not started yet are never written
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._closing:
                continue
            index, path, text, inputs = job
            error: BaseException | None = None
            try:
                write_atomically(path, text, inputs=inputs)
            except BaseException as caught:  # the caller's to report, for this file
                error = caught
            with self._finished:
                self._done[index] = error
                self._finished.notify_all()


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
