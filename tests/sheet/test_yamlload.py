"""Safe YAML reading: refusals with their positions, and the positions of good data."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from advise.sheet import yamlload
from advise.errors import FactSheetError, Problem
from advise.sheet.yamlload import MAX_DEPTH, Positions, load_yaml, load_yaml_text


def load(text: str) -> tuple[object, Positions]:
    return load_yaml_text(text, filename="sheet.yaml", error=FactSheetError)


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(FactSheetError) as caught:
        load(text)
    return caught.value.problems


def file_problems(path: Path, **options: object) -> list[Problem]:
    with pytest.raises(FactSheetError) as caught:
        load_yaml(path, error=FactSheetError, **options)
    return caught.value.problems


def test_plain_data_with_positions() -> None:
    data, positions = load("# a comment\nbusiness:\n  name: Martin\n  local: true\nobjectives: [visibility, sales]\nhours: 1.5\nnothing: null\n")
    assert data == {
        "business": {"name": "Martin", "local": True},
        "objectives": ["visibility", "sales"],
        "hours": 1.5,
        "nothing": None,
    }
    assert positions.of(()) == (2, 1)
    assert positions.of(("business",)) == (2, 1)
    assert positions.of(("business", "local")) == (4, 3)
    assert positions.of(("objectives", 1)) == (5, 26)
    assert positions.of(("business", "size")) is None
    # line() falls back on the nearest ancestor that has a position
    assert positions.line(("business", "size")) == 2
    assert positions.line(("objectives", 1)) == 5


def test_timestamps_stay_text() -> None:
    data, _ = load("date: 2024-01-31\n")
    assert data == {"date": "2024-01-31"}


def test_yaml11_surprising_numbers_stay_text() -> None:
    # YAML 1.1 would read 1:30 as 90 (base 60) and 010 as 8 (octal)
    data, _ = load("hours: 1:30\nbudget: 010\nhex: 0x1F\nplain: 10\nfloat: 0.5\n")
    assert data == {"hours": "1:30", "budget": "010", "hex": "0x1F", "plain": 10, "float": 0.5}


def test_standard_explicit_tags_are_plain_data() -> None:
    data, _ = load("a: !!str 12\nb: !!float 1\nc: !!int '7'\nd: !!map {x: 1}\ne: !!seq [1]\n")
    assert data == {"a": "12", "b": 1.0, "c": 7, "d": {"x": 1}, "e": [1]}


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: Café\n".encode("utf-8"))
    data, positions = load_yaml(path, error=FactSheetError)
    assert data == {"name": "Café"}
    assert positions.of(("name",)) == (1, 1)


def test_missing_file_uses_display_name(tmp_path: Path) -> None:
    [problem] = file_problems(tmp_path / "nope.yaml", display_name="nope.yaml")
    assert (problem.code, problem.file) == ("file-missing", "nope.yaml")


def test_directory(tmp_path: Path) -> None:
    [problem] = file_problems(tmp_path)
    assert problem.code == "file-is-directory"
    assert problem.file == str(tmp_path)


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text("a: 1\n")

    def refuse(*args: object, **kwargs: object) -> None:  # chmod 0 does not stop root
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(yamlload.os, "open", refuse)
    [problem] = file_problems(path)
    assert problem.code == "file-unreadable"
    assert problem.params == {"reason": "Permission denied"}


def test_a_sheet_that_comes_in_pieces_is_read_whole_and_bounded(tmp_path: Path) -> None:
    """A named pipe has no size: its sheet is read until its end, in as many reads as it
    comes in, and refused once past the limit, as a file is."""
    import threading

    text = b"business:\n  name: Pipe\n" + b"# a comment\n" * 400 + b"objectives: []\n"
    for limit, expected in ((1024 * 1024, None), (len(text) - 1, "file-too-large")):
        pipe = tmp_path / f"sheet-{limit}.yaml"
        os.mkfifo(pipe, 0o600)

        def feed() -> None:
            try:
                with open(pipe, "wb", buffering=0) as stream:
                    for start in range(0, len(text), 1000):
                        stream.write(text[start:start + 1000])
            except BrokenPipeError:  # the reader stopped past the limit
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        if expected is None:
            data, _ = load_yaml(pipe, error=FactSheetError, max_bytes=limit)
            assert data == {"business": {"name": "Pipe"}, "objectives": []}
        else:
            [problem] = file_problems(pipe, max_bytes=limit)
            assert problem.code == expected and problem.params == {"size": limit + 1, "limit": limit}
        writer.join(timeout=5)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n# and another\n", "---\n"])
def test_empty(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    [problem] = file_problems(path)
    assert problem.code == "file-empty"


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as stream:
        stream.truncate(2**30)  # sparse: reading it all would take seconds and a gigabyte
    start = time.process_time()  # CPU time (reading counts as system time): not the machine's load
    [problem] = file_problems(path)
    assert time.process_time() - start < 1.0  # not read: a stat, however large the file
    assert problem.code == "file-too-large"
    assert problem.params == {"size": 2**30, "limit": 1024 * 1024}


def test_size_limit_boundary(tmp_path: Path) -> None:
    path = tmp_path / "sheet.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * 95)  # exactly 100 bytes
    assert load_yaml(path, error=FactSheetError, max_bytes=100)[0] == {"a": 1}
    path.write_bytes(b"a: 1\n" + b"#" * 96)
    [problem] = file_problems(path, max_bytes=100)
    assert problem.code == "file-too-large"
    assert problem.params == {"size": 101, "limit": 100}


def test_one_mib_limit_by_default(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (1024 * 1024) + b"\na: 1\n")
    [problem] = file_problems(path)
    assert problem.code == "file-too-large"


def test_not_utf8_gives_offset_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("business:\n  name: Café\n".encode("latin-1"))
    [problem] = file_problems(path)
    assert problem.code == "not-utf8"
    assert problem.params == {"offset": 21}
    assert (problem.line, problem.column) == (2, 12)


def test_not_utf8_column_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_bytes("# été\n".encode("utf-8") + "name: Café\n".encode("latin-1"))
    [problem] = file_problems(path)
    assert problem.params == {"offset": 17}
    assert (problem.line, problem.column) == (2, 10)


def test_syntax_error_has_line_and_column() -> None:
    [problem] = problems_of("business:\n  name: Martin\n  size: [tpe\nresources: {}\n")
    assert problem.code == "yaml-syntax"
    assert (problem.file, problem.line, problem.column) == ("sheet.yaml", 4, 10)
    assert "flow sequence on line 3" in problem.params["reason"]


def test_bad_indentation_is_a_syntax_error() -> None:
    [problem] = problems_of("a: 1\n  b: 2\n")
    assert (problem.code, problem.line, problem.column) == ("yaml-syntax", 2, 4)


def test_control_character_is_a_syntax_error() -> None:
    [problem] = problems_of("a: 1\nb: x\x00y\n")
    assert (problem.code, problem.line, problem.column) == ("yaml-syntax", 2, 5)


def test_several_documents_are_refused() -> None:
    [problem] = problems_of("a: 1\n---\nb: 2\n")
    assert (problem.code, problem.line) == ("yaml-syntax", 2)


def test_python_object_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    [problem] = problems_of(text)
    assert not marker.exists()
    assert (problem.code, problem.line, problem.column) == ("yaml-tag", 1, 4)
    assert problem.params == {"tag": "!!python/object/apply:os.system"}


@pytest.mark.parametrize(
    "text, tag",
    [
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !custom value\n", "!custom"),
        ("a: !!set {x}\n", "!!set"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!str [1]\n", "!!str"),  # a data tag on the wrong kind of node
        ("%TAG !! tag:evil.com,2000:\n---\na: !!str x\n", "tag:evil.com,2000:str"),
    ],
)
def test_other_tags_are_refused(text: str, tag: str) -> None:
    [problem] = problems_of(text)
    assert problem.code == "yaml-tag"
    assert problem.params == {"tag": tag}


def test_data_tag_on_a_value_it_does_not_fit() -> None:
    [problem] = problems_of("a: !!int abc\n")
    assert problem.code == "yaml-tag-mismatch"
    assert problem.params == {"value": "abc", "tag": "!!int"}


def test_anchor_and_alias_are_refused() -> None:
    problems = problems_of("base: &base 3\ncopy: *base\n")
    assert [(p.code, p.line, p.column) for p in problems] == [("yaml-alias", 1, 7), ("yaml-alias", 2, 7)]


def test_alias_bomb_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    start = time.process_time()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.process_time() - start < 1.0  # the contract: answered within a second
    assert {p.code for p in problems} == {"yaml-alias"}
    assert [p.line for p in problems] == list(range(1, 10))  # one per line, not one per alias


def test_duplicate_key() -> None:
    [problem] = problems_of("business:\n  name: A\n  size: tpe\n  name: B\n")
    assert problem.code == "yaml-duplicate-key"
    assert (problem.line, problem.column, problem.field) == (4, 3, "business.name")
    assert problem.params == {"key": "name", "first_line": 2}


@pytest.mark.parametrize(
    "text, found",
    [("1: a\n", "number 1"), ("true: a\n", "true/false value true"), ("? [a]\n: b\n", "a list or mapping")],
)
def test_keys_must_be_text(text: str, found: str) -> None:
    [problem] = problems_of(text)
    assert (problem.code, problem.line) == ("wrong-type", 1)
    assert problem.params["found"] == found


def test_deep_nesting_is_refused() -> None:
    [problem] = problems_of("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (problem.code, problem.line, problem.column) == ("yaml-too-deep", 1, MAX_DEPTH + 1)


def test_all_structural_problems_at_once() -> None:
    text = "a: 1\nb: !!python/object:os.system x\nc: &c 2\na: 3\nd: !x y\n"
    problems = problems_of(text)
    assert [(p.code, p.line) for p in problems] == [
        ("yaml-tag", 2),
        ("yaml-alias", 3),
        ("yaml-duplicate-key", 4),
        ("yaml-tag", 5),
    ]


def test_a_sheet_is_read_in_one_read_and_a_file_that_grows_meanwhile_is_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A regular file is read in one read of its size and a byte; once its size is read, no
    other read looks for its end. A file that grew since its size was taken is read on to
    its end (within the limit), and one that gives fewer bytes than its size at a time too."""
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text("business:\n  name: Zoé\n  size: tpe\n", encoding="utf-8")
    reads: list[int] = []
    read = os.read

    def counted(descriptor: int, size: int) -> bytes:
        reads.append(size)
        return read(descriptor, size)

    monkeypatch.setattr(os, "read", counted)
    assert load_yaml(sheet, error=FactSheetError)[0] == {"business": {"name": "Zoé", "size": "tpe"}}
    assert reads == [sheet.stat().st_size + 1]

    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *args, **kwargs: os.stat_result(
        (*real_stat(path)[:6], 10, *real_stat(path)[7:])) if str(path) == str(sheet) else real_stat(path, *args, **kwargs))
    reads.clear()  # grown since: its size says 10 bytes
    assert load_yaml(sheet, error=FactSheetError)[0] == {"business": {"name": "Zoé", "size": "tpe"}}
    assert reads[0] == 11 and len(reads) == 3  # 11 bytes, the rest, then its end

    monkeypatch.setattr(os, "stat", real_stat)
    monkeypatch.setattr(os, "read", lambda descriptor, size: read(descriptor, min(size, 7)))  # a few bytes at a time
    assert load_yaml(sheet, error=FactSheetError)[0] == {"business": {"name": "Zoé", "size": "tpe"}}


@pytest.mark.skipif(yamlload._CParser is None, reason="PyYAML without libyaml")
def test_plain_keys_and_values_kept_already_are_read_as_the_first_time() -> None:
    """A mapping's plain keys and values found among the words kept (_PLAIN) are read at
    once: the same data, positions and refusals as when they were not kept, and as PyYAML's
    pure-Python parser gives, in block and flow mappings, at every depth."""
    texts = ["a: 1\nb: yes\nc: ~\nd: text\ne: 1.5\nf: 010\ng: 1:30\n", "{a: 1, b: text, c: b?}\n",
             "x: b?\ny: {z: b?}\n", "a: {b: {c: [1, tpe, {d: true}]}}\n", "a: 'quoted'\nb: \"x\"\ntext: a\n",
             "a: x\u202ey\n", "a: x\u202ey\nb: {a: x\u202ey}\n", "x\u202ey: 1\n", "{x\u202ey: 1}\n", "tpe: 1\ntpe: 2\n", "1: a\ntrue: b\n", "a: null\nb: Null\n",
             "[" * 62 + "a: 1" + "]" * 62 + "\n", "[" * 63 + "a: 1" + "]" * 63 + "\n", "[" * 63 + "a: b" + "]" * 63 + "\n"]

    def read(text: str) -> object:
        try:
            found = yamlload._read_events(text)
        except yamlload._NotForLibyaml:
            return None
        return repr(found[0]), found[1]._marks

    def reference(text: str) -> object:
        found = yamlload._compose(yamlload._Loader, text, "f.yaml")
        return (repr(found[0]), found[1]._marks) if isinstance(found, tuple) else None

    for text in texts:
        yamlload._PLAIN.clear()
        cold = read(text)
        warm = read(text)  # its words kept now
        assert warm == cold, text
        if cold is not None:
            assert cold == reference(text), text
        for other in texts:  # with another text's words kept
            yamlload._PLAIN.clear()
            read(other)
            assert read(text) == cold, (other, text)
