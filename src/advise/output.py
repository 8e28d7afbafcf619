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
import secrets
import sys
import threading
from collections import deque
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


def _is_input(target: str | Path, status: os.stat_result | None, missing: bool,
              source: str | os.PathLike[str]) -> bool:
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
        if missing and ".." not in _parts(target):
            return False
    target = Path(target)
    return _same_file(target, Path(source)) or target.resolve() == Path(source).resolve()


def _parts(target: str | Path) -> list[str] | tuple[str, ...]:
    """The names of `target`'s path, as far as ".." is concerned (Path(target).parts, without
    making a Path of every report's name)."""
    if isinstance(target, str) and os.sep == "/" and not os.altsep:
        return target.split("/")
    return Path(target).parts


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
_WRITING = threading.RLock()  # held while a temporary file is made or placed (reentrant: a signal handler may write)
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
    through, mode = _checked(target, text, inputs)
    if not through:
        _write_then_place(target, text, "--output", lambda temporary: os.replace(temporary, target), mode,
                          renames=True)


def _checked(target: str | Path, text: str, inputs: Iterable[str | os.PathLike[str]]) -> tuple[bool, int | None]:
    """What write_atomically checks before it writes `target` (raising InputError): not one of
    `inputs`, not a special file but a character device or a FIFO, which is written through
    here. Returns (written through, the mode of the file it replaces or None)."""
    try:
        existing: os.stat_result | None = os.stat(target)
        missing = False
    except OSError as error:
        existing, missing = None, isinstance(error, FileNotFoundError)
    for source in inputs:
        if source is not None and _is_input(target, existing, missing, source):
            raise InputError(Problem("output-is-input", file=str(target), field="--output"))
    if existing is None:
        return False, None
    if not stat.S_ISREG(existing.st_mode):
        if stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode):
            _write_through(target, text)
            return True, None
        raise InputError(Problem("output-special", file=str(target), field="--output"))
    return False, stat.S_IMODE(existing.st_mode)


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
    """Files written as `write_atomically` writes them, made durable a group at a time: a
    batch writes each report's temporary file as its sheet is advised, and once `group`
    files are written (or when asked for what became of them) makes them all durable with
    one flush of their file system, then renames each into place, in the order given.

    Same guarantees as write_atomically: the same checks; a file gets its name only once
    its text is on disk, so a reader (and a run stopped or cut off by a crash) never sees
    half a file, nor an empty one; the temporary files not yet placed are removed when the
    process is stopped (remove_temporaries) or the writer closed. Where the system cannot
    flush a whole file system (syncfs is Linux's), each file of the group is flushed on
    its own (fsync), as write_atomically does.

    Why a group: an fsync per report waits for the disk each time (threads that waited for
    it beside the advising cost as much again, in switches between them and the advising),
    while one flush for 64 reports waits about as long as for one: `advise batch --jobs 2`
    over 1,000 sheets in JSON took a fifth less time on ext4 without a journal, a quarter
    less on ext4 with one. A new file gets the permissions of the umask as the Writer starts.

    `results()` gives what became of each write, in the order the files were given: None
    when written, else the exception `write_atomically` would have raised (never raised
    here). `close()` removes the files not yet placed: call it before the outcomes are
    reported, even on error."""

    def __init__(self, group: int = 64) -> None:
        if group < 1:
            raise ValueError("a group has at least one file")
        self._group = group
        self._given: deque[_Job] = deque()  # every file given, until results() tells it
        self._held: list[_Job] = []  # temporary files written, not yet durable nor placed, in order
        # A new file's permissions: the umask's, read once (os.umask sets it to read it, two
        # system calls a file otherwise).
        self._new_mode = 0o666 & ~_current_umask()

    def write(self, path: str | os.PathLike[str], text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Write `text` to `path` as write_atomically(path, text, inputs=inputs) would, in turn."""
        job = _Job(_target(path))
        self._given.append(job)
        try:
            through, mode = _checked(job.target, text, inputs)
            if not through:
                _prepare(job, text, mode if mode is not None else self._new_mode)
        except Exception as error:  # the caller's to report, for this file
            job.error = error
        if job.descriptor is None:
            job.done = True
            return
        self._held.append(job)
        if len(self._held) >= self._group:
            self._place_held()

    def results(self, *, wait: bool = False) -> list[BaseException | None]:
        """What became of the writes finished since the last call, in order; `wait`: of every
        write given (the files held are made durable and placed first)."""
        if wait and self._held:
            self._place_held()
        found = []
        while self._given and self._given[0].done:
            found.append(self._given.popleft().error)
        return found

    def close(self) -> None:
        held, self._held = self._held, []
        for job in held:
            _discard(job)  # never made durable: never placed
        self._given.clear()

    def _place_held(self) -> None:
        held, self._held = self._held, []
        try:
            _flush(held)
            for job in held:
                if job.error is None:
                    _place(job)
                else:
                    _discard(job)
                job.done = True
        finally:
            for job in held:
                if not job.done:  # a stop (SystemExit) met on the way: never placed
                    _discard(job)
                    job.done = True


class _Job:
    """A file given to a Writer: its temporary file (name and open descriptor) until placed."""

    __slots__ = ("target", "temporary", "descriptor", "done", "error")

    def __init__(self, target: str) -> None:
        self.target = target
        self.temporary: str | None = None
        self.descriptor: int | None = None
        self.done = False  # placed, or failed: `error` says which
        self.error: BaseException | None = None


def _target(path: str | os.PathLike[str]) -> str:
    """`path` as Path(path) names it (a report's path as given, most often: its last name
    tells where the temporary file goes)."""
    path = os.fspath(path)
    if type(path) is not str or os.sep != "/" or os.altsep or path.endswith(("/", "/.")) or path in ("", "."):
        return str(Path(path))
    return path


def _prepare(job: _Job, text: str, mode: int) -> None:
    """The temporary file of `job` written (not yet flushed to disk) with permissions `mode`:
    as _write_and_place writes it, its name recorded before it exists. On error nothing is
    left of it."""
    target = job.target
    directory, name = os.path.split(target)
    directory = directory or "."
    data = text.encode("utf-8")
    with _WRITING:
        if _ENDING:
            raise SystemExit(1)  # the process is ending (remove_temporaries ran): no new file
        for _ in range(100):
            temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
            _TEMPORARIES.add(temporary)
            job.temporary = temporary
            clash = kept = False
            try:
                try:
                    job.descriptor = os.open(temporary, _CREATE, 0o600)
                except FileExistsError:
                    clash = True  # another file's name: never touched
                    continue
                written = os.write(job.descriptor, data)
                if written < len(data):  # os.write may write less than asked
                    view = memoryview(data)[written:]
                    while view:
                        view = view[os.write(job.descriptor, view):]
                os.fchmod(job.descriptor, mode)
                kept = True
                return
            except OSError as error:
                raise _failed(target, error, "--output") from None
            finally:
                if not kept:
                    _discard(job, unlink=not clash)
        raise _failed(target, FileExistsError("no free temporary name"), "--output")


def _flush(jobs: list[_Job]) -> None:
    """Make the temporary files of `jobs` durable: one flush of each file system they are on
    (syncfs, once per folder), else an fsync of each. A file whose flush failed gets the
    error write_atomically would have raised (job.error); the others keep None."""
    syncfs = file_system_flush()
    flushed: dict[str, OSError | None] = {}
    for job in jobs:
        try:
            if syncfs is None:
                os.fsync(job.descriptor)  # type: ignore[arg-type]
                continue
            folder = os.path.dirname(job.target)
            if folder not in flushed:
                flushed[folder] = syncfs(job.descriptor)  # type: ignore[arg-type]
            if flushed[folder] is not None:
                raise flushed[folder]  # type: ignore[misc]
        except OSError as error:
            job.error = _failed(job.target, error, "--output")  # type: ignore[arg-type]


def _place(job: _Job) -> None:
    """Rename the temporary file of `job`, durable already, into place, or remove it:
    job.error says what became of it (what write_atomically would have raised)."""
    placed = False
    try:
        descriptor, job.descriptor = job.descriptor, None
        os.close(descriptor)  # type: ignore[arg-type]
        with _WRITING:
            if _ENDING:
                raise SystemExit(1)  # the process is ending: its temporary files are removed
            os.replace(job.temporary, job.target)  # type: ignore[arg-type]
            placed = True
            _TEMPORARIES.discard(job.temporary)  # type: ignore[arg-type]
            job.temporary = None
    except OSError as error:
        job.error = _failed(job.target, error, "--output")  # type: ignore[arg-type]
    finally:
        if not placed:
            _discard(job)


_SYNCFS: list = []  # [the flush of a file system, or None], found once per process


def file_system_flush() -> Callable[[int], OSError | None] | None:
    """syncfs(descriptor) where the C library has it (Linux): the error it met or None; else
    None (then each file is flushed on its own). ctypes is imported here, once per process,
    by the first group written (about 2 ms): never by a command that writes no batch."""
    if not _SYNCFS:
        _SYNCFS.append(_find_syncfs())
    return _SYNCFS[0]  # type: ignore[no-any-return]


def _find_syncfs() -> Callable[[int], OSError | None] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int

    def syncfs(descriptor: int) -> OSError | None:
        if function(descriptor) == 0:
            return None
        code = ctypes.get_errno()
        return OSError(code, os.strerror(code))

    return syncfs


def _discard(job: _Job, *, unlink: bool = True) -> None:
    """Close and remove the temporary file of `job`, if any: it is never placed."""
    if job.descriptor is not None:
        try:
            os.close(job.descriptor)
        except OSError:
            pass
        job.descriptor = None
    if job.temporary is not None:
        if unlink:
            try:
                os.unlink(job.temporary)
            except OSError:
                pass
        _TEMPORARIES.discard(job.temporary)
        job.temporary = None


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
