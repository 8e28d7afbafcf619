"""Attacks through the cache folder: a compiled rule base is a pickle and a compiled template
is marshalled code, so an entry file is loaded only if we own it and nobody else may write
it, whatever its folder. A refused, damaged or wrong entry is rebuilt and replaced, silently,
so the next run uses the cache again. The same holds for the report's texts and Babel's
locale data kept there (advise.explain.wording and advise.explain.cldr), and the compiled
rule texts (advise.explain.because)."""

from __future__ import annotations

import marshal
import os
import pickle
import stat
from pathlib import Path

import pytest
from babel import localedata
from jinja2.bccache import bc_magic

from advise.advisor import Advisor, default_rules_dir, default_templates_dir
from advise.engine import cache
from advise.explain import because, wording
from advise.explain.report import build_report
from advise.render import renderer as render
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES


class _Payload:
    """Unpickling this creates the marker file: what an attacker's entry would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(path))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "_BYTECODE", [])
    because._BECAUSE.clear()
    return path


def entry_path(folder: Path) -> Path:
    key = cache._key(default_rules_dir())
    assert key is not None
    return folder / f"rulebase-{key}.pickle"


def plant(path: Path, data: bytes, mode: int) -> None:
    path.write_bytes(data)
    path.chmod(mode)


def assert_rebuilt(folder: Path) -> None:
    """The entry now is ours, private, and loads to a rule base."""
    entry = entry_path(folder)
    status = entry.lstat()
    assert stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid()
    assert stat.S_IMODE(status.st_mode) & 0o022 == 0
    with open(entry, "rb") as handle:
        rulebook, program, text, index = pickle.load(handle)
    assert rulebook.rules and program.rules and isinstance(text, str) and text.startswith("{")
    assert isinstance(index, dict) and index["shapes"]


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_an_entry_others_may_write_is_never_loaded(folder: Path, tmp_path: Path, mode: int) -> None:
    marker = tmp_path / "pwned"
    plant(entry_path(folder), pickle.dumps(_Payload(marker)), mode)
    advisor = Advisor(None, cache=True)
    assert not marker.exists()
    assert advisor.rulebook.rules
    assert_rebuilt(folder)


def test_an_entry_owned_by_someone_else_is_never_loaded(folder: Path, tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    marker = tmp_path / "pwned"
    entry = entry_path(folder)
    plant(entry, pickle.dumps(_Payload(marker)), 0o644)
    os.chown(entry, 65534, 65534)
    Advisor(None, cache=True)
    assert not marker.exists()
    assert_rebuilt(folder)


def test_an_entry_that_is_a_symlink_is_not_followed(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    elsewhere = tmp_path / "elsewhere.pickle"
    plant(elsewhere, pickle.dumps(_Payload(marker)), 0o600)
    entry_path(folder).symlink_to(elsewhere)
    Advisor(None, cache=True)
    assert not marker.exists()
    assert_rebuilt(folder)


@pytest.mark.parametrize("data", [b"", b"\x80\x05garbage", pickle.dumps({"a": 1}), pickle.dumps((1, 2)),
                                  pickle.dumps((1, 2, 3)), pickle.dumps(None)],
                         ids=["empty", "damaged", "a dict", "a pair", "a triple", "none"])
def test_a_bad_entry_is_rebuilt_silently_once(folder: Path, data: bytes) -> None:
    entry = entry_path(folder)
    plant(entry, data, 0o600)
    Advisor(None, cache=True)
    assert_rebuilt(folder)
    rebuilt = entry.stat().st_mtime_ns
    Advisor(None, cache=True)  # the next run uses the new entry: not rebuilt every run
    assert entry.stat().st_mtime_ns == rebuilt


def test_compiled_templates_others_may_write_are_never_run(folder: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = load_fact_sheet(EXAMPLES / "fleuriste.yaml")

    def report() -> str:
        monkeypatch.setattr(cache, "_BYTECODE", [])
        because._BECAUSE.clear()
        result = Advisor(None).run(sheet)
        return render.Renderer(default_templates_dir()).render(build_report(result, "en"), "text")

    fresh = report()
    entries = sorted(path for path in folder.iterdir() if path.name.startswith("jinja-"))
    assert entries
    marker = tmp_path / "pwned"
    evil = compile(f"__import__('pathlib').Path({str(marker)!r}).touch()", "<evil>", "exec")
    for path in entries:  # each entry keeps its header and checksum, its code becomes the payload
        with open(path, "rb") as handle:
            assert handle.read(len(bc_magic)) == bc_magic
            checksum = pickle.load(handle)
        with open(path, "wb") as handle:
            handle.write(bc_magic)
            pickle.dump(checksum, handle, 2)
            marshal.dump(evil, handle)
        path.chmod(0o666)
    assert report() == fresh
    assert not marker.exists()
    for path in entries:  # replaced by our own, private entries
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) & 0o022 == 0


def _read_texts(monkeypatch: pytest.MonkeyPatch) -> object:
    loaded = render.Renderer(default_templates_dir())
    return loaded.messages, loaded.glossary


def _read_locale(monkeypatch: pytest.MonkeyPatch) -> object:
    memory: dict = {}
    monkeypatch.setattr(localedata, "_cache", memory)  # as in a new process: Babel has read nothing
    wording._prime_locale_data("fr_FR")
    return repr(memory["fr_FR"])  # Babel's patterns compare by identity, their repr by value


def _read_cldr(monkeypatch: pytest.MonkeyPatch) -> object:
    from advise.explain import cldr

    cldr.data.cache_clear()  # as in a new process
    try:
        return cldr.data()
    finally:
        cldr.data.cache_clear()


def _read_because(monkeypatch: pytest.MonkeyPatch) -> object:
    because._BECAUSE.clear()  # as in a new process
    result = Advisor(None).run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    return [step.because for step in build_report(result, "fr").steps]


@pytest.mark.parametrize("planted", ["writable by others", "a symlink"])
@pytest.mark.parametrize("kind, read", [("texts", _read_texts), ("locale", _read_locale), ("cldr", _read_cldr),
                                        ("because", _read_because)])
def test_cached_texts_and_locale_data_others_could_write_are_never_loaded(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, read, planted: str) -> None:
    fresh = read(monkeypatch)
    entries = list(folder.glob(f"{kind}-*.pickle"))
    assert len(entries) == 1
    entry = entries[0]
    assert read(monkeypatch) == fresh  # from the entry
    marker = tmp_path / "pwned"
    entry.unlink()
    if planted == "a symlink":
        elsewhere = tmp_path / "elsewhere.pickle"
        plant(elsewhere, pickle.dumps(_Payload(marker)), 0o600)
        entry.symlink_to(elsewhere)
    else:
        plant(entry, pickle.dumps(_Payload(marker)), 0o666)
    assert read(monkeypatch) == fresh
    assert not marker.exists()
    status = entry.lstat()  # replaced by our own, private entry
    assert stat.S_ISREG(status.st_mode) and stat.S_IMODE(status.st_mode) & 0o022 == 0


def test_cached_locale_data_is_babels_own(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_locale(monkeypatch)  # fills the entry
    cached = _read_locale(monkeypatch)
    monkeypatch.setattr(localedata, "_cache", {})
    whole = localedata.load("fr_FR")  # the part the wording reads; Babel reads the rest from its files if asked
    assert cached == repr({key: whole[key] for key in wording.LOCALE_KEYS})


def test_a_damaged_texts_entry_is_read_afresh(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _read_texts(monkeypatch)
    (entry,) = folder.glob("texts-*.pickle")
    plant(entry, pickle.dumps(("not", "texts")), 0o600)
    assert _read_texts(monkeypatch) == fresh
    with open(entry, "rb") as handle:
        assert pickle.load(handle) == fresh
