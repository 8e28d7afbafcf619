"""A cache of loaded and compiled rule bases, so that one `advise facts.yaml` does not parse
every rule file again (reading the YAML is most of a run's own work).

The key is a hash of: the rules folder as given, the content of every file in it, advise's
version, the size and time of each of advise's own source files, and the Python version.
Any change to any of them misses the cache. Entries live in $ADVISE_CACHE_DIR, else
$XDG_CACHE_HOME/advise, else ~/.cache/advise, in a folder only its owner may write: an
entry is a pickle, and a pickle is code, so one found in a folder others could write is
never read. ADVISE_NO_CACHE=1 turns the cache off. Only a rule base that loaded and
compiled without error is stored; errors are always found afresh.

The same folder holds, under the same rules (owner-only, keyed by `code_stamp()` and their
inputs): the compiled report templates (advise.render.renderer, advise.explain.because:
Jinja's bytecode cache), the report's texts as read from explanations/ (`cached_data`), and
Babel's locale data for the report languages, merged as Babel merges it (`cached_data`),
and the compiled `because` texts of a rule book, one entry per rule book and language
(`KeptMapping`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import marshal
import os
import pickle
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable

import jinja2
from jinja2.bccache import bc_magic

_PACKAGE = Path(__file__).resolve().parent.parent  # advise/, with every subpackage
_FORMAT = 1


def cache_dir() -> Path | None:
    if os.environ.get("ADVISE_NO_CACHE"):
        return None
    if os.environ.get("ADVISE_CACHE_DIR"):
        return Path(os.environ["ADVISE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "advise"


@functools.lru_cache(maxsize=1)
def code_stamp() -> str | None:
    """advise's version, Python's, and the size and time of each of advise's own source
    files: what compiled data kept in the cache depends on, besides its inputs."""
    from ..version import __version__

    parts = [f"{__version__}|{sys.version}"]
    try:
        found = []
        pending = [("", str(_PACKAGE))]
        while pending:  # what os.walk finds (links to folders not followed), in a third less time
            prefix, folder = pending.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir():
                        if name != "__pycache__" and not entry.is_symlink():
                            pending.append((f"{prefix}{name}/", entry.path))
                    elif name.endswith(".py"):
                        status = entry.stat()
                        found.append(f"|{prefix}{name}:{status.st_size}:{status.st_mtime_ns}")
        parts.extend(sorted(found))
    except OSError:
        return None
    return "".join(parts)


def private_folder() -> Path | None:
    """The cache folder, created if need be, if only its owner may write it; else None."""
    folder = cache_dir()
    if folder is None:
        return None
    if not _private(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        if not _private(folder):
            return None
    return folder


def _key(rules_dir: Path, folder: Path | None = None) -> str | None:
    """The rule base's key: a hash of advise's code stamp, the rules folder as given and
    resolved, and the name and content of every file in it. `folder`: the cache folder, in
    which the key is noted with each file's size, times and inode (`rulefiles-*.json`):
    while none of them has changed, the files are not read and hashed again (0.4 ms of
    every start). Writing a file always moves its change time (st_ctime, which no program
    can set), so a file whose content changed never matches its note; a note is only
    written when every file changed SETTLED_NS or more before (timestamps are coarse), and
    read only as the other entries are (open_entry: ours, and nobody else may write it)."""
    stamp = code_stamp()
    if stamp is None:
        return None
    head = f"{_FORMAT}|{stamp}|{rules_dir}|{rules_dir.resolve()}"
    try:
        files = _files(str(rules_dir))
    except OSError:
        return None
    noted = [[relative, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev]
             for relative, _, status in files]
    note = None
    if folder is not None and _private(folder):
        note = folder / f"rulefiles-{hashlib.sha256(head.encode()).hexdigest()}.json"
        found = _read_note(note)
        if found is not None and found[1] == noted:
            return found[0]
    digest = hashlib.sha256()
    digest.update(head.encode())
    try:
        for relative, path, _ in files:
            digest.update(b"|" + relative.encode() + b"|")
            digest.update(_content_digest(path))
    except OSError:
        return None
    key = digest.hexdigest()
    if note is not None:
        settled = time.time_ns() - SETTLED_NS
        if all(max(entry[2], entry[3]) < settled for entry in noted):
            _write(folder, "rulefiles", note, json.dumps({"key": key, "files": noted}).encode())
    return key


SETTLED_NS = 3_000_000_000  # coarser than any file system's timestamps (FAT's are 2 s)


def _content_digest(path: str) -> bytes:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).digest()


def _read_note(path: Path) -> tuple[str, list] | None:
    """(key, files) of the note at `path`, if we alone could have written it and it reads as one."""
    handle = open_entry(path)
    if handle is None:
        return None
    try:
        with handle:
            found = json.loads(handle.read())
        key, files = found["key"], found["files"]
    except (OSError, ValueError, TypeError, KeyError):  # a damaged note: hashed afresh, and replaced
        return None
    return (key, files) if isinstance(key, str) and isinstance(files, list) else None


def _files(root: str) -> list[tuple[str, str, os.stat_result]]:
    """(relative name with /, path, status) of every file under `root`, in a stable order:
    what Path.rglob("*") finds (links to folders not followed), several times faster."""
    found = []
    for folder, subfolders, names in os.walk(root, onerror=_raise):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in names:
            path = os.path.join(folder, name)
            try:
                status = os.stat(path)  # as os.path.isfile: links followed, a broken one skipped
            except (OSError, ValueError):
                continue
            if stat.S_ISREG(status.st_mode):
                found.append((tuple(relative.split("/")) + (name,) if relative != "." else (name,), path, status))
    found.sort(key=lambda item: item[:2])
    return [("/".join(parts), path, status) for parts, path, status in found]


def _raise(error: OSError) -> None:
    raise error


def _private(folder: Path) -> bool:
    """Owned by us and writable by nobody else."""
    try:
        status = folder.stat()
    except OSError:
        return False
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()
            and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def open_entry(path: str | os.PathLike[str]) -> BinaryIO | None:
    """The cache entry at `path`, opened for reading, if it is a regular file that we own and
    that nobody else may write (not only its folder: a file can be writable by all in a
    private folder). None otherwise, or if it does not exist: the caller builds afresh,
    and its new entry replaces the one refused."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not (stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid()
                and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
            os.close(descriptor)
            return None
        return os.fdopen(descriptor, "rb")
    except OSError:
        os.close(descriptor)
        return None


def cached(rules_dir: Path, build: Callable[[], Any], valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """`build()`'s result for this rule base, from the cache when it holds an entry that we
    alone could have written and that loads to a `valid` value; else built and stored."""
    folder = cache_dir()
    key = _key(rules_dir, folder) if folder is not None else None
    if folder is None or key is None:
        return build()
    return _through(folder, "rulebase", key, build, valid)


def cached_data(kind: str, inputs: str, files: list[Path], build: Callable[[], Any],
                valid: Callable[[Any], bool] = lambda value: True) -> Any:
    """`build()`'s result, cached as `cached` does for a rule base, in an entry named after
    `kind` and keyed by `inputs` (what else the value depends on), the content of `files`,
    advise's code and Python's version. For data that is slow to read and cheap to load
    back: the report's texts (advise.render.renderer), Babel's locale data
    (advise.explain.wording)."""
    folder = cache_dir()
    stamp = code_stamp() if folder is not None else None
    if folder is None or stamp is None:
        return build()
    digest = hashlib.sha256(f"{_FORMAT}|{stamp}|{kind}|{inputs}".encode())
    try:
        for path in files:
            digest.update(b"|" + str(path).encode() + b"|")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return build()
    return _through(folder, kind, digest.hexdigest(), build, valid)


def _through(folder: Path, kind: str, key: str, build: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
    """The entry `{kind}-{key}.pickle` if we alone could have written it and it loads to a
    `valid` value; else `build()`, stored there (atomically) for the next run."""
    entry = folder / f"{kind}-{key}.pickle"
    if _private(folder):
        handle = open_entry(entry)
        if handle is not None:
            try:
                with handle:
                    value = pickle.load(handle)
                if valid(value):
                    return value
            except Exception:  # a damaged or outdated entry: build again, and replace it
                pass
    value = build()
    _store(folder, kind, entry, value)
    return value


def _store(folder: Path, kind: str, entry: Path, value: Any) -> None:
    """`value` written to `entry` (atomically), in the folder if only we may write it."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # no cache then; the run goes on
    _write(folder, kind, entry, data)


def _write(folder: Path, kind: str, entry: Path, data: bytes) -> None:
    """`data` written to `entry` (atomically), in the folder if only we may write it; the
    latest few entries of `kind` are kept."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder):
            return
        suffix = entry.suffix
        for old in folder.glob(f"{kind}-*{suffix}"):  # keep the cache small: the latest few entries
            if old != entry and len(list(folder.glob(f"{kind}-*{suffix}"))) > 16:
                old.unlink(missing_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # no cache then; the run goes on


class KeptMapping:
    """A mapping a process adds to and keeps in the cache for the next ones (`keep`), in one
    entry named after `kind` and keyed by `inputs`, advise's code and Python's version: the
    compiled `because` texts of a rule book (advise.explain.because), which one entry loads
    far faster than one file each. Read only from an entry we alone could have written
    (open_entry), else empty; `values` is empty too without a private cache folder, and
    `keep` does nothing then."""

    def __init__(self, kind: str, inputs: str, valid: Callable[[Any, Any], bool]) -> None:
        self.values: dict[Any, Any] = {}
        self.changed = False
        self._entry: Path | None = None
        folder = cache_dir()
        stamp = code_stamp() if folder is not None else None
        if folder is None or stamp is None:
            return
        key = hashlib.sha256(f"{_FORMAT}|{stamp}|{kind}|{inputs}".encode()).hexdigest()
        self._folder, self._kind, self._entry = folder, kind, folder / f"{kind}-{key}.pickle"
        if not _private(folder):
            return
        handle = open_entry(self._entry)
        if handle is None:
            return
        try:
            with handle:
                found = pickle.load(handle)
        except Exception:  # a damaged or outdated entry: replaced at the next `keep`
            return
        if isinstance(found, dict) and all(valid(name, value) for name, value in found.items()):
            self.values = found

    def add(self, name: Any, value: Any) -> None:
        if self._entry is not None:
            self.values[name] = value
            self.changed = True

    def keep(self) -> None:
        """What was added since, written to the entry (the whole mapping, atomically)."""
        if self.changed and self._entry is not None:
            self.changed = False
            _store(self._folder, self._kind, self._entry, self.values)


_BYTECODE: list[jinja2.BytecodeCache | None] = []


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, in a private folder, keeping a bounded number of files."""

    KEEP = 512  # a few rule bases' `because` texts and the templates, in two languages

    def load_bytecode(self, bucket: Any) -> None:
        """Compiled code is code: only from a file we own that nobody else may write
        (open_entry); else compiled afresh, and the file replaced."""
        handle = open_entry(self._get_cache_filename(bucket))
        if handle is None:
            return
        try:
            with handle:
                data = handle.read()
            _load_bucket(bucket, data)
        except Exception:  # an unreadable or damaged entry: compile afresh (and replace it)
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        """Jinja's writing, then the oldest files dropped past KEEP (down to half of it)."""
        try:
            super().dump_bytecode(bucket)
            names = [name for name in os.listdir(self.directory) if name.startswith("jinja-")]
            if len(names) > self.KEEP:
                paths = [os.path.join(self.directory, name) for name in names]
                paths.sort(key=lambda path: os.stat(path).st_mtime_ns)
                for path in paths[: len(paths) - self.KEEP // 2]:
                    os.unlink(path)
        except OSError:
            pass


def _load_bucket(bucket: Any, data: bytes) -> None:
    """What jinja2.bccache.Bucket.load_bytecode reads from a file (Jinja's magic, the source's
    checksum pickled, the code marshalled), from the entry's bytes: marshal.load from a file
    reads it a few bytes at a time, 0.4 ms for the two templates of a text report, 0.07 ms
    with marshal.loads."""
    stream = io.BytesIO(data)
    if stream.read(len(bc_magic)) != bc_magic or pickle.load(stream) != bucket.checksum:
        bucket.reset()  # another Jinja's, or another source's: compiled afresh
        return
    bucket.code = marshal.loads(memoryview(data)[stream.tell():])


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The bytecode cache shared by every Jinja environment of advise, or None (no private
    cache folder, or ADVISE_NO_CACHE). Its file names carry `code_stamp()`: code compiled
    under other settings or filters (another version of advise) is never used."""
    if not _BYTECODE:
        folder, stamp = private_folder(), code_stamp()
        cache = None
        if folder is not None and stamp is not None:
            key = hashlib.sha256(f"{stamp}|{jinja2.__version__}".encode()).hexdigest()[:16]
            cache = _BytecodeCache(str(folder), f"jinja-{key}-%s.cache")
        _BYTECODE.append(cache)
    return _BYTECODE[0]
