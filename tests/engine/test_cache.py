"""The rule-base cache: its key sees every source file of advise, subpackages included, so
that an edit anywhere in the code never serves a rule base compiled by older code."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from advise.engine import cache


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "advise"
    (root / "engine").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "engine" / "__init__.py").write_text("")
    (root / "engine" / "compiler.py").write_text("STRATA = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE", root)
    cache.code_stamp.cache_clear()
    yield root
    cache.code_stamp.cache_clear()


def test_the_real_stamp_lists_modules_of_the_subpackages() -> None:
    cache.code_stamp.cache_clear()
    stamp = cache.code_stamp()
    assert stamp is not None
    for module in ("advisor.py", "engine/cache.py", "sheet/facts.py", "render/renderer.py"):
        assert f"|{module}:" in stamp


def test_an_edit_in_a_subpackage_changes_the_key(package: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "10-a.yaml").write_text("rules: []\n")
    before = cache._key(rules)
    (package / "engine" / "compiler.py").write_text("STRATA = 22\n")
    cache.code_stamp.cache_clear()
    assert cache._key(rules) != before


def test_a_new_module_in_a_subpackage_changes_the_stamp(package: Path) -> None:
    before = cache.code_stamp()
    (package / "engine" / "trace.py").write_text("")
    cache.code_stamp.cache_clear()
    assert cache.code_stamp() != before


def test_the_stamp_lists_what_os_walk_finds(package: Path, tmp_path: Path) -> None:
    """code_stamp walks the package with os.scandir: the same files as os.walk (no
    __pycache__, links to folders not followed, only .py files), in the same order."""
    import os
    import sys

    from advise.version import __version__

    (package / "engine" / "__pycache__").mkdir()
    (package / "engine" / "__pycache__" / "compiler.py").write_text("cached\n")
    (package / "explain" / "deep").mkdir(parents=True)
    (package / "explain" / "deep" / "words.py").write_text("WORDS = 1\n")
    (package / "explain" / "notes.txt").write_text("not a module\n")
    (package / "a.py").write_text("")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hidden.py").write_text("")
    (package / "linked").symlink_to(elsewhere, target_is_directory=True)
    (package / "linked.py").symlink_to(package / "a.py")
    found = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = os.path.relpath(folder, package).replace(os.sep, "/")
        for name in names:
            if name.endswith(".py"):
                status = os.stat(os.path.join(folder, name))
                shown = name if relative == "." else f"{relative}/{name}"
                found.append(f"|{shown}:{status.st_size}:{status.st_mtime_ns}")
    stamp = cache.code_stamp()
    assert stamp == f"{__version__}|{sys.version}" + "".join(sorted(found))
    assert "|explain/deep/words.py:" in stamp and "hidden.py" not in stamp and "|linked.py:" in stamp


def test_the_test_run_keeps_its_cache_out_of_the_users_home(private_cache: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest.private_cache: nothing a test compiles lands in ~/.cache."""
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    folder = cache.cache_dir()
    assert folder is not None and folder.resolve() == private_cache.resolve()
    home = Path(os.path.expanduser("~")).resolve()
    assert not folder.resolve().is_relative_to(home / ".cache")


def test_a_cached_rule_base_keeps_what_its_texts_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """advise.rulebase.textreads: found while reading, loaded back with the rule base, so a
    run on the cached rule base parses none of its texts."""
    from advise.advisor import Advisor
    from advise.explain import because

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(folder))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    fresh = Advisor(cache=True).rulebook
    assert list(folder.glob("rulebase-*.pickle"))
    loaded = Advisor(cache=True).rulebook
    assert loaded is not fresh and loaded.text_reads == fresh.text_reads
    assert len(loaded.text_reads) == len({text for rule in loaded.rules for text in rule.because.values()})
    parsed: list[str] = []
    monkeypatch.setattr(because, "reads_of", lambda environment, text: parsed.append(text))
    renderer = because.Because(loaded, "fr").bound({})
    for rule in loaded.rules:
        try:
            renderer(rule)
        except Exception:  # noqa: BLE001 - facts missing from this empty context: only the parsing matters
            pass
    assert parsed == []


def test_a_cached_program_keeps_what_runs_compute_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Program's per-rule-base data (its cached properties) is computed before the rule
    base is stored, so a run on the cached one does not compute it again; the same values."""
    from functools import cached_property

    from advise.advisor import Advisor
    from advise.engine.compiler import Program

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(folder))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    names = [name for name, member in vars(Program).items() if isinstance(member, cached_property)]
    assert "tested_facts" in names
    Advisor(cache=True)
    loaded = Advisor(cache=True).program
    assert all(name in loaded.__dict__ for name in names)
    monkeypatch.setenv("ADVISE_NO_CACHE", "1")
    fresh = Advisor().program
    for name in names:
        fresh.__dict__.pop(name, None)
        assert getattr(loaded, name) == getattr(fresh, name), name


def test_a_cached_program_keeps_its_runs_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a run reads of its program at every firing (advise.engine.inference.plan_of) is
    made before the rule base is stored: a run on the cached one makes none, and runs as a
    program without a plan does."""
    from advise.advisor import Advisor
    from advise.engine import inference
    from advise.sheet.facts import load_fact_sheet

    from conftest import EXAMPLES

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(folder))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    Advisor(cache=True)
    loaded = Advisor(cache=True)
    assert "_plan" in loaded.program.__dict__
    made = []
    monkeypatch.setattr(inference, "_Plan", lambda program: made.append(program))
    sheets = [load_fact_sheet(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    traces = [loaded.run(sheet).trace for sheet in sheets]
    assert made == []
    monkeypatch.undo()
    monkeypatch.setenv("ADVISE_NO_CACHE", "1")
    fresh = Advisor()
    del fresh.program.__dict__["_plan"]
    assert [fresh.run(sheet).trace for sheet in sheets] == traces
    assert "_plan" in fresh.program.__dict__


def test_a_template_entry_loads_what_jinjas_own_reading_loads(tmp_path: Path) -> None:
    """advise.engine.cache._BytecodeCache reads an entry's bytes at once: the same code as
    Jinja's Bucket.load_bytecode reading the file; another source's entry, another Jinja's,
    or a cut one, is compiled afresh (the bucket is emptied)."""
    import io

    import jinja2
    from jinja2.bccache import Bucket

    environment = jinja2.Environment()
    source = "{% for x in items %}{{ x | upper }}, {% endfor %}{{ 'a' ~ 1 }}"
    written = Bucket(environment, "key", "checksum")
    written.code = environment.compile(source)
    stream = io.BytesIO()
    written.write_bytecode(stream)
    data = stream.getvalue()

    def loaded(data: bytes, checksum: str = "checksum") -> object:
        ours, jinjas = Bucket(environment, "key", checksum), Bucket(environment, "key", checksum)
        try:
            cache._load_bucket(ours, data)
        except Exception:  # as the cache does: a damaged entry is compiled afresh
            ours.reset()
        jinjas.load_bytecode(io.BytesIO(data))
        assert ours.code == jinjas.code
        return ours.code

    assert loaded(data) == written.code
    assert loaded(data, "another source") is None
    assert loaded(data[:3] + b"other magic" + data[3:]) is None
    for size in (0, 5, len(data) // 2, len(data) - 1):
        assert loaded(data[:size]) is None


def test_the_template_cache_keeps_a_bounded_number_of_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule base's `because` texts and the templates, in every language, leave files in
    the cache folder: past KEEP, the oldest are dropped (down to half of it), the newest stay."""
    import jinja2
    from jinja2.bccache import Bucket

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(cache._BytecodeCache, "KEEP", 8)
    store = cache._BytecodeCache(str(folder), "jinja-test-%s.cache")
    environment = jinja2.Environment()
    for number in range(20):
        bucket = Bucket(environment, f"template {number}", "checksum")
        bucket.code = environment.compile(f"{{{{ {number} }}}}")
        store.dump_bytecode(bucket)
        kept = [name for name in os.listdir(folder) if name.startswith("jinja-")]
        assert len(kept) <= 8
        written = store._get_cache_filename(bucket)
        if os.path.exists(written):  # one time a file, in the order written (not one clock tick for all)
            os.utime(written, ns=(10**18 + number, 10**18 + number))
    newest = Bucket(environment, "template 19", "checksum")
    store.load_bytecode(newest)
    assert newest.code is not None  # the last one written is still there


# --- the note of the rules' files (cache._key with a folder) -----------------------------------


@pytest.fixture
def noting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    """A private cache folder, a rules folder of three files, every file taken as settled
    (written long enough ago), and the list of the files read to hash them."""
    folder, rules = tmp_path / "cache", tmp_path / "rules"
    folder.mkdir(mode=0o700)
    (rules / "tables").mkdir(parents=True)
    (rules / "10-a.yaml").write_text("rules: []\n")
    (rules / "tables" / "t.yaml").write_text("name: t\n")
    (rules / "README.md").write_text("# rules\n")
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    read: list[str] = []
    digest = cache._content_digest
    monkeypatch.setattr(cache, "_content_digest", lambda path: read.append(os.path.basename(path)) or digest(path))
    return folder, rules, read


def test_the_noted_key_is_the_key_of_the_files_and_spares_reading_them(noting: tuple[Path, Path, list[str]]) -> None:
    folder, rules, read = noting
    plain = cache._key(rules)
    assert cache._key(rules, folder) == plain and len(read) == 6  # hashed twice: nothing was noted yet
    [note] = folder.glob("rulefiles-*.json")
    assert stat.S_IMODE(note.stat().st_mode) & 0o077 == 0
    read.clear()
    assert cache._key(rules, folder) == plain and read == []


@pytest.mark.parametrize("change", ["same size and times", "new file", "removed", "renamed", "replaced"])
def test_any_change_of_a_file_gives_the_key_of_its_new_content(noting: tuple[Path, Path, list[str]], change: str) -> None:
    folder, rules, read = noting
    cache._key(rules, folder)
    target = rules / "10-a.yaml"
    if change == "same size and times":  # what no timestamp shows but the change time
        before = target.stat()
        target.write_text("rules: {}\n")  # as long as "rules: []\n"
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    elif change == "new file":
        (rules / "tables" / "u.yaml").write_text("name: u\n")
    elif change == "removed":
        (rules / "README.md").unlink()
    elif change == "renamed":
        (rules / "README.md").rename(rules / "README.txt")
    else:  # another file of the same size moved in its place
        other = rules / "other.yaml"
        other.write_text("rules: {}\n")
        other.replace(target)
    read.clear()
    assert cache._key(rules, folder) == cache._key(rules) and read


def test_files_changed_just_now_are_hashed_until_they_settle(noting: tuple[Path, Path, list[str]],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder, rules, read = noting
    monkeypatch.setattr(cache, "SETTLED_NS", 3_000_000_000)
    assert cache._key(rules, folder) == cache._key(rules)
    assert list(folder.glob("rulefiles-*.json")) == []  # nothing noted: a second write might keep the times
    read.clear()
    cache._key(rules, folder)
    assert len(read) == 3


@pytest.mark.parametrize("damage", ["others may write it", "damaged", "wrong key", "not json"])
def test_a_note_that_is_not_ours_or_not_sound_is_never_trusted(noting: tuple[Path, Path, list[str]],
                                                                damage: str) -> None:
    folder, rules, read = noting
    plain = cache._key(rules, folder)
    [note] = folder.glob("rulefiles-*.json")
    if damage == "others may write it":
        note.write_text(note.read_text().replace(plain, "0" * 64))
        note.chmod(0o666)
    elif damage == "damaged":
        note.write_bytes(note.read_bytes()[:-5])
    elif damage == "wrong key":
        note.write_text(note.read_text().replace(plain, "0" * 64).replace('"files": [[', '"files": [["x", 1, 2, 3, 4, 5], ['))
    else:
        note.write_bytes(b"\x80\x04K\x01.")
    read.clear()
    assert cache._key(rules, folder) == plain and read
    read.clear()
    assert cache._key(rules, folder) == plain
    if damage != "others may write it":
        assert read == []  # replaced by a sound note
