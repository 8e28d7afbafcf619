"""Writing files: whole or not at all, never over an input, and new files never over anything."""

from __future__ import annotations

import locale
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from advise.errors import InputError
from advise.output import refuse_existing, write_atomically, write_new_file


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_report_replaces_the_old_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old report\n")
    write_atomically(target, "new report\nsecond line\n")
    assert target.read_text() == "new report\nsecond line\n"
    assert leftovers(tmp_path) == []


def test_a_report_never_replaces_its_input(tmp_path: Path) -> None:
    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "." / "client.yaml", "report", inputs=[sheet])
    assert raised.value.problems[0].code == "output-is-input"
    assert sheet.read_text() == "business: {name: x}\n"


def test_a_report_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "nowhere" / "report.txt", "report")
    problem = raised.value.problems[0]
    assert (problem.code, problem.field) == ("output-failed", "--output")


def test_a_new_file_is_written_once_and_never_over_another(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    write_new_file(target, "first\n", option="--output")
    assert target.read_text() == "first\n"
    for attempt in (lambda: write_new_file(target, "second\n", option="--output"),
                    lambda: refuse_existing(target, "--output")):
        with pytest.raises(InputError) as raised:
            attempt()
        assert (raised.value.problems[0].code, raised.value.problems[0].field) == ("file-exists", "--output")
    assert target.read_text() == "first\n"
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- interrupted inside a write

ROOT = Path(__file__).resolve().parents[1]


def test_a_disk_that_fills_up_half_way_through_a_report_leaves_the_old_one_whole(tmp_path: Path) -> None:
    """The file system refuses the report after 4 KiB (as a full disk would): the command
    fails with exit 2 naming the file, the old report is intact, no temporary file is left."""
    target = tmp_path / "report.html"
    target.write_text("old report\n", encoding="utf-8")

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process

    env = dict(os.environ, ADVISE_NO_CACHE="1", PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run([sys.executable, "-m", "advise", str(ROOT / "examples" / "fleuriste.yaml"),
                             "--format", "html", "--output", str(target)],
                            capture_output=True, text=True, env=env, preexec_fn=small_disk, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "report.html" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert leftovers(tmp_path) == []
    # The same run without the limit writes the whole report: the limit was what stopped it.
    whole = subprocess.run([sys.executable, "-m", "advise", str(ROOT / "examples" / "fleuriste.yaml"),
                            "--format", "html", "--output", str(target)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert whole.returncode == 0, whole.stderr
    assert len(target.read_bytes()) > 4096 and target.read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError])
def test_a_write_interrupted_before_it_is_on_disk_leaves_the_old_file_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interruption: type[BaseException]) -> None:
    """Ctrl-C (or an I/O error) while the new text is being flushed to disk: the old file is
    still there, whole, and the temporary file is gone."""
    target = tmp_path / "report.txt"
    target.write_text("old report\n", encoding="utf-8")
    seen: list[str] = []

    def interrupted_fsync(descriptor: int) -> None:
        seen.append(target.read_text(encoding="utf-8"))  # what a reader sees meanwhile
        raise interruption(5, "Input/output error") if interruption is OSError else interruption()

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises((KeyboardInterrupt, InputError)) as raised:
        write_atomically(target, "new report\n" * 1000)
    assert isinstance(raised.value, interruption if interruption is KeyboardInterrupt else InputError)
    assert seen == ["old report\n"], "the target was touched before the new text was on disk"
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert leftovers(tmp_path) == []
    if interruption is OSError:
        problem = raised.value.problems[0]
        assert (problem.code, problem.file, problem.field) == ("output-failed", str(target), "--output")


def test_a_new_file_on_a_file_system_without_hard_links_is_still_written_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some file systems (FAT on a USB key, some network shares) refuse hard links: the new
    file is then created exclusively, whole, and still never over another."""
    def no_links(source: str, target: str) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "facts.yaml"
    write_new_file(target, "first\nsecond line\n", option="--output")
    assert target.read_text(encoding="utf-8") == "first\nsecond line\n"
    assert leftovers(tmp_path) == []
    with pytest.raises(InputError) as raised:
        write_new_file(target, "other\n", option="--output")
    assert (raised.value.problems[0].code, raised.value.problems[0].field) == ("file-exists", "--output")
    assert target.read_text(encoding="utf-8") == "first\nsecond line\n"


def test_a_new_file_whose_name_is_taken_meanwhile_is_not_replaced(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program creates the name between the check and the write: the link fails and
    its file is kept (no check-then-write race)."""
    import advise.output as output

    target = tmp_path / "facts.yaml"
    monkeypatch.setattr(output, "refuse_existing", lambda path, option=None: target.write_text("theirs\n"))
    with pytest.raises(InputError) as raised:
        write_new_file(target, "ours\n", option="--output")
    problem = raised.value.problems[0]
    assert (problem.code, problem.file, problem.field) == ("file-exists", str(target), "--output")
    assert target.read_text() == "theirs\n"
    assert leftovers(tmp_path) == []


def test_refusing_an_existing_name_names_the_file_and_option(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    refuse_existing(target, "--output")  # nothing there: no error
    target.touch()
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")  # a link to nothing still takes the name
    for taken in (target, tmp_path / "dangling"):
        with pytest.raises(InputError) as raised:
            refuse_existing(taken, "--output")
        problem = raised.value.problems[0]
        assert (problem.code, problem.file, problem.field) == ("file-exists", str(taken), "--output")


def test_a_write_that_fails_says_why_and_where(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "nowhere" / "report.txt", "report")
    problem = raised.value.problems[0]
    assert (problem.code, problem.file, problem.field) == ("output-failed", str(tmp_path / "nowhere" / "report.txt"),
                                                           "--output")
    assert problem.params["reason"] == "No such file or directory"
    with pytest.raises(InputError) as raised:
        write_new_file(tmp_path / "nowhere" / "facts.yaml", "x", option="--to")
    assert (raised.value.problems[0].code, raised.value.problems[0].field) == ("output-failed", "--to")


def test_a_report_beside_its_input_is_written_and_over_it_refused_naming_both(tmp_path: Path) -> None:
    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    write_atomically(tmp_path / "client.txt", "report\n", inputs=[sheet, None, tmp_path / "gone.yaml"])
    assert (tmp_path / "client.txt").read_text() == "report\n"  # another name: written
    for same in (sheet, tmp_path / "sub" / ".." / "client.yaml"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(InputError) as raised:
            write_atomically(same, "report", inputs=[str(sheet)])
        problem = raised.value.problems[0]
        assert (problem.code, problem.file, problem.field) == ("output-is-input", str(same), "--output")
    link = tmp_path / "link.yaml"
    link.symlink_to(sheet)  # another name for the same file
    hard = tmp_path / "hard.yaml"
    os.link(sheet, hard)  # another name for it, which no path resolution reveals
    for other_name in (link, hard):
        with pytest.raises(InputError):
            write_atomically(other_name, "report", inputs=[sheet])
    assert sheet.read_text() == "business: {name: x}\n"


def test_a_file_that_cannot_be_compared_is_not_taken_for_the_input(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """os.path.samefile can fail (a network share): the names then decide."""
    def cannot_compare(a: object, b: object) -> bool:
        raise OSError(95, "Operation not supported")

    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    (tmp_path / "client.txt").write_text("old\n")
    monkeypatch.setattr(os.path, "samefile", cannot_compare)
    write_atomically(tmp_path / "client.txt", "new\n", inputs=[sheet])
    assert (tmp_path / "client.txt").read_text() == "new\n"


def test_the_temporary_file_is_made_beside_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside it, on the same file system, so that the final rename is atomic."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "out"
    folder.mkdir()
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def watching_fsync(descriptor: int) -> None:
        seen.append(sorted(path.name for path in folder.iterdir()) + sorted(path.name for path in elsewhere.iterdir()))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", watching_fsync)
    write_atomically(folder / "report.txt", "report\n")
    write_new_file(folder / "facts.yaml", "facts\n")
    assert [[name.endswith(".tmp") and name.startswith((".report.txt.", ".facts.yaml.")) for name in names]
            for names in seen] == [[True], [True, False]]


def test_a_renamed_temporary_is_not_removed_again_and_a_linked_one_is(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A report renamed into place leaves no name to remove (no failed unlink a report); a new
    file linked into place leaves its temporary name, which is removed; nothing is left."""
    removed: list[str] = []
    real_unlink = os.unlink

    def watching_unlink(path: str, *args: object, **kwargs: object) -> None:
        removed.append(os.path.basename(path))
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", watching_unlink)
    write_atomically(tmp_path / "report.txt", "first\n")
    write_atomically(tmp_path / "report.txt", "second\n")
    assert removed == []
    write_new_file(tmp_path / "facts.yaml", "facts\n")
    assert len(removed) == 1 and removed[0].startswith(".facts.yaml.") and removed[0].endswith(".tmp")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["facts.yaml", "report.txt"]
    assert (tmp_path / "report.txt").read_text() == "second\n" and (tmp_path / "facts.yaml").read_text() == "facts\n"

    def refused(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refused)  # a rename that fails: its temporary is removed
    with pytest.raises(InputError):
        write_atomically(tmp_path / "report.txt", "third\n")
    assert leftovers(tmp_path) == [] and (tmp_path / "report.txt").read_text() == "second\n"


def test_an_error_without_a_system_message_still_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(source: str, target: str) -> None:
        raise OSError("the share went away")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "report.txt", "report")
    problem = raised.value.problems[0]
    assert (problem.params["reason"], problem.file, problem.field) == ("the share went away",
                                                                      str(tmp_path / "report.txt"), "--output")
    assert leftovers(tmp_path) == []


def test_a_new_file_without_an_option_name_is_refused_over_an_existing_one(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "facts.yaml"
    target.write_text("mine\n")
    with pytest.raises(InputError) as raised:
        write_new_file(target, "other\n")
    assert (raised.value.problems[0].code, raised.value.problems[0].field) == ("file-exists", None)
    monkeypatch.setattr(os, "link", lambda source, target: (_ for _ in ()).throw(PermissionError(1, "no links")))
    write_new_file(tmp_path / "accents.yaml", "name: Café Zoé\n")  # exclusive creation, UTF-8
    assert (tmp_path / "accents.yaml").read_bytes() == "name: Café Zoé\n".encode("utf-8")


def test_a_hard_link_to_the_input_is_the_input(tmp_path: Path) -> None:
    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    os.link(sheet, tmp_path / "report.txt")  # another name, the same file
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "report.txt", "report", inputs=[sheet])
    assert raised.value.problems[0].code == "output-is-input"
    assert sheet.read_text() == "business: {name: x}\n"


def test_files_are_written_in_utf_8_whatever_the_locale(tmp_path: Path) -> None:
    # A consultant's scheduled job may run in the plain C locale, whose encoding is ASCII:
    # reports and new files are UTF-8 all the same, never an encoding error.
    names = [tmp_path / "report.txt", tmp_path / "facts.yaml", tmp_path / "unlinked.yaml"]
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        write_atomically(names[0], "Café Zoé\n")
        write_new_file(names[1], "Café Zoé\n")
        with pytest.MonkeyPatch.context() as patch:  # a file system without hard links
            patch.setattr(os, "link", lambda source, target: (_ for _ in ()).throw(PermissionError(1, "no links")))
            write_new_file(names[2], "Café Zoé\n")
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    for name in names:
        assert name.read_bytes() == "Café Zoé\n".encode("utf-8")


def test_a_new_report_gets_the_permissions_the_umask_gives(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "report.txt", "report\n")
        write_new_file(tmp_path / "facts.yaml", "facts\n")
    finally:
        os.umask(previous)
    assert {stat.S_IMODE((tmp_path / name).stat().st_mode) for name in ("report.txt", "facts.yaml")} == {0o644}


def test_a_socket_is_refused_naming_the_file_and_option(tmp_path: Path) -> None:
    import socket

    target = tmp_path / "report.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(target))
        with pytest.raises(InputError) as raised:
            write_atomically(target, "report")
    problem = raised.value.problems[0]
    assert (problem.code, problem.file, problem.field) == ("output-special", str(target), "--output")


def test_a_named_pipe_gets_the_report_through_in_utf_8(tmp_path: Path) -> None:
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    previous = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        write_atomically(pipe, "Café Zoé\n")
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    reader.join(10)
    assert received == ["Café Zoé\n".encode("utf-8")]
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # written through, not replaced by a file


def test_a_device_that_refuses_the_report_says_why_and_where(tmp_path: Path) -> None:
    # A full disk as a device (Linux's /dev/full: every write fails with ENOSPC). As root a
    # private node stands for it: a broken write must never touch the system's /dev.
    if os.getuid() == 0:
        device = tmp_path / "full"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    else:
        device = Path("/dev/full")  # without root it cannot be replaced, whatever happens
    with pytest.raises(InputError) as raised:
        write_atomically(device, "report\n")
    problem = raised.value.problems[0]
    assert (problem.code, problem.file, problem.field) == ("output-failed", str(device), "--output")
    assert problem.params["reason"] == "No space left on device"
    assert stat.S_ISCHR(os.lstat(device).st_mode)  # still the device


def test_a_report_written_to_a_terminal_never_makes_it_the_controlling_terminal() -> None:
    # A session leader without a terminal that opened one for reading would take it as its
    # controlling terminal (signals from it, /dev/tty). A report written to a terminal (-o
    # naming a terminal) must leave the session as it was. A private pty pair, never /dev's.
    import select

    master, slave = os.openpty()
    terminal = os.ttyname(slave)
    pid = os.fork()
    if pid == 0:  # the child: a new session, without a controlling terminal
        code = 3
        try:
            os.setsid()
            write_atomically(terminal, "report\n")
            try:
                os.tcgetpgrp(slave)
                code = 1  # the terminal became the session's
            except OSError:
                code = 0
        finally:
            os._exit(code)
    try:
        for _ in range(600):  # a child stuck (it never should be) fails the test, never hangs the suite
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            select.select([], [], [], 0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the child writing to the terminal did not finish")
        assert os.waitstatus_to_exitcode(status) == 0
        assert select.select([master], [], [], 10)[0]
        assert os.read(master, 100) == b"report\r\n"  # the terminal turns \n into \r\n
    finally:
        os.close(master)
        os.close(slave)


@pytest.fixture
def fresh_output_state(monkeypatch: pytest.MonkeyPatch):
    """remove_temporaries ends a process's writing for good: on a copy of the state only."""
    import threading

    from advise import output

    monkeypatch.setattr(output, "_WRITING", threading.RLock())
    monkeypatch.setattr(output, "_ENDING", False)
    monkeypatch.setattr(output, "_TEMPORARIES", set())
    return output


def test_a_process_ending_removes_its_temporary_files_and_writes_no_more(tmp_path: Path, fresh_output_state) -> None:
    output = fresh_output_state
    halves = [tmp_path / ".report.html.0a1b2c3d.tmp", tmp_path / ".other.md.4e5f6a7b.tmp"]
    for half in halves:
        half.write_text("half a report")
        output._TEMPORARIES.add(str(half))
    output.remove_temporaries(wait=0.1)
    assert not any(half.exists() for half in halves)
    with pytest.raises(SystemExit) as ended:
        write_atomically(tmp_path / "report.html", "report")
    assert ended.value.code == 1  # the worker's exit status: it did not finish its work
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_stuck_write_does_not_keep_a_process_from_ending(tmp_path: Path, fresh_output_state) -> None:
    import threading

    output = fresh_output_state
    held, release = threading.Event(), threading.Event()

    def stuck_writer() -> None:  # holds the lock as a write in progress does, and never finishes
        with output._WRITING:
            held.set()
            release.wait()

    writer = threading.Thread(target=stuck_writer, daemon=True)
    writer.start()
    held.wait()
    ending = threading.Thread(target=output.remove_temporaries, kwargs={"wait": 0.1}, daemon=True)
    ending.start()
    ending.join(60)  # it gives up waiting after 0.1 s; a wait without end would never return
    stuck = ending.is_alive()
    release.set()
    assert not stuck


def test_the_temporary_file_is_private_named_at_random_and_recorded_while_it_exists(
        tmp_path: Path, fresh_output_state, monkeypatch: pytest.MonkeyPatch) -> None:
    # Private (0600) while the text is written: nobody else reads half a report. Recorded, so
    # that a stop while writing removes it; forgotten once it is placed.
    import re

    output = fresh_output_state
    seen: list[tuple[str, int, list[str]]] = []
    real_fchmod = os.fchmod

    def watching_fchmod(descriptor: int, mode: int) -> None:
        [temporary] = [path for path in tmp_path.iterdir() if path.name.endswith(".tmp")]
        seen.append((temporary.name, stat.S_IMODE(os.fstat(descriptor).st_mode), sorted(output._TEMPORARIES)))
        real_fchmod(descriptor, mode)

    monkeypatch.setattr(os, "fchmod", watching_fchmod)
    write_atomically(tmp_path / "report.html", "report")
    [(name, mode, recorded)] = seen
    assert re.fullmatch(r"\.report\.html\.[0-9a-f]{8}\.tmp", name)
    assert mode == 0o600 and recorded == [str(tmp_path / name)]
    assert output._TEMPORARIES == set() and (tmp_path / "report.html").read_text() == "report"


def test_a_temporary_name_taken_by_another_file_is_left_alone(tmp_path: Path, fresh_output_state,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    names = iter(["0badc0de", "0badc0de", "5eed5eed"])
    monkeypatch.setattr(secrets, "token_hex", lambda size: next(names))
    other = tmp_path / ".report.html.0badc0de.tmp"
    other.write_text("another program's file")
    write_atomically(tmp_path / "report.html", "report")
    assert other.read_text() == "another program's file"
    assert sorted(path.name for path in tmp_path.iterdir()) == [".report.html.0badc0de.tmp", "report.html"]
    assert fresh_output_state._TEMPORARIES == set()


def test_a_hundred_taken_temporary_names_are_a_clear_error(tmp_path: Path, fresh_output_state,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    tries: list[int] = []
    monkeypatch.setattr(secrets, "token_hex", lambda size: tries.append(size) or "0badc0de")
    (tmp_path / ".report.html.0badc0de.tmp").write_text("another program's file")
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "report.html", "report")
    problem = raised.value.problems[0]
    assert (problem.code, problem.params["reason"]) == ("output-failed", "no free temporary name")
    assert (problem.file, problem.field) == (str(tmp_path / "report.html"), "--output")
    assert tries == [4] * 100
    assert (tmp_path / ".report.html.0badc0de.tmp").read_text() == "another program's file"


def test_the_quick_check_of_an_input_agrees_with_the_full_one_on_every_kind_of_path(tmp_path: Path) -> None:
    """write_atomically tells an input from its target with one stat of each where it can
    (advise.output._is_input): on same files, links, missing files and `..` paths it decides
    as the full check (the same file, or the same resolved path) does."""
    from advise.output import _is_input, _same_file

    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    (tmp_path / "other.txt").write_text("old\n")
    os.link(sheet, tmp_path / "hard.txt")
    os.symlink(sheet, tmp_path / "soft.txt")
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "dangling.txt")
    os.symlink(tmp_path / "dangling-sheet.txt", tmp_path / "dangling-sheet.yaml")  # an input that leads nowhere
    (tmp_path / "sub").mkdir()
    targets = [sheet, tmp_path / "." / "client.yaml", tmp_path / "other.txt", tmp_path / "hard.txt",
               tmp_path / "soft.txt", tmp_path / "dangling.txt", tmp_path / "new.txt",
               tmp_path / "missing" / ".." / "client.yaml", tmp_path / "sub" / ".." / "client.yaml",
               tmp_path / "dangling-sheet.txt", tmp_path / "sub" / "new.txt"]
    inputs = [sheet, tmp_path / "soft.txt", tmp_path / "nowhere.yaml", tmp_path / "dangling-sheet.yaml",
              tmp_path / "hard.txt"]
    decided = []
    for target in targets:
        try:
            status, missing = os.stat(target), False
        except OSError as error:
            status, missing = None, isinstance(error, FileNotFoundError)
        for source in inputs:
            full = _same_file(target, Path(source)) or target.resolve() == Path(source).resolve()
            assert _is_input(target, status, missing, source) == full, (target, source)
            assert _is_input(str(target), status, missing, source) == full, (target, source)  # as a Writer gives it
            decided.append(full)
    assert True in decided and False in decided


def test_a_writer_writes_in_turn_and_tells_each_file_what_became_of_it(tmp_path: Path) -> None:
    """advise.output.Writer: each file written as write_atomically writes it, made durable a
    group at a time; a file that cannot be written is told as such, the others are written."""
    from advise.output import OutputError, Writer

    sheet = tmp_path / "client.yaml"
    sheet.write_text("sheet\n")
    writer = Writer(group=2)
    try:
        writer.write(tmp_path / "a.txt", "first\n")
        writer.write(tmp_path / "nowhere" / "b.txt", "second\n")  # a missing folder
        writer.write(sheet, "over the input\n", inputs=[sheet])
        writer.write(tmp_path / "c.txt", "Café\n")
        results = writer.results(wait=True)
    finally:
        writer.close()
    assert [type(result) for result in results] == [type(None), OutputError, InputError, type(None)]
    assert "nowhere" in str(results[1]) and "output-is-input" in repr(results[2].problems[0].code)
    assert (tmp_path / "a.txt").read_text() == "first\n" and (tmp_path / "c.txt").read_text() == "Café\n"
    assert sheet.read_text() == "sheet\n"
    assert writer.results() == [] and leftovers(tmp_path) == []


def test_a_writer_names_and_places_a_file_as_its_path_does() -> None:
    """A Writer takes a report's path as given (advise.output._target), without a Path: its
    folder and name are those Path gives, whatever the slashes and dots."""
    from advise.output import _target

    for path in ["a/b.txt", "b.txt", "a//b.txt", "a/./b.txt", "./b.txt", "/tmp/a/b.txt", "a/b.txt/", "a/b/.",
                 "a/..", "..", "a/b.txt//", "a/.b.txt", Path("a/b.txt")]:  # (".": a folder, refused before)
        directory, name = os.path.split(_target(path))
        assert name == Path(path).name, path
        assert os.path.normpath(directory or ".") == os.path.normpath(Path(path).parent), path


def test_a_writer_writes_the_whole_text_when_the_system_takes_it_a_little_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from advise.output import Writer

    write = os.write
    monkeypatch.setattr(os, "write", lambda descriptor, data: write(descriptor, bytes(data[:5])))
    writer = Writer()
    try:
        writer.write(tmp_path / "a.txt", "Café crème, twice over\n")
        writer.write(tmp_path / "empty.txt", "")
        assert writer.results(wait=True) == [None, None]
    finally:
        writer.close()
    assert (tmp_path / "a.txt").read_text() == "Café crème, twice over\n" and (tmp_path / "empty.txt").read_text() == ""


def test_a_writer_gives_a_new_file_the_umask_s_permissions_and_keeps_those_of_a_file_replaced(
        tmp_path: Path) -> None:
    from advise.output import Writer

    (tmp_path / "old.txt").write_text("old\n")
    (tmp_path / "old.txt").chmod(0o600)
    previous = os.umask(0o027)
    try:
        writer = Writer(group=2)
        try:
            for name in ("new.txt", "old.txt", "other.txt"):
                writer.write(str(tmp_path / name), name + "\n")
            assert writer.results(wait=True) == [None] * 3
        finally:
            writer.close()
    finally:
        os.umask(previous)
    assert {name: stat.S_IMODE((tmp_path / name).stat().st_mode) for name in ("new.txt", "old.txt", "other.txt")} \
        == {"new.txt": 0o640, "old.txt": 0o600, "other.txt": 0o640}
    assert (tmp_path / "old.txt").read_text() == "old.txt\n" and leftovers(tmp_path) == []


def test_the_inputs_a_summary_would_replace_are_those_the_full_check_finds(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """resolved_inputs_at (a batch's summaries) finds the inputs write_atomically refuses to
    replace: the same path, a hard link of another name, a link's real path; a target with
    a single link is looked for among the inputs of its own name only, without a stat of
    the others."""
    from advise.output import _is_input, resolved_inputs_at

    inputs = tmp_path / "in"
    inputs.mkdir()
    sheets = [inputs / f"s{index}.yaml" for index in range(5)]
    for sheet in sheets:
        sheet.write_text("business: {name: x}\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "single.csv").write_text("old\n")
    os.link(sheets[1], out / "linked.csv")  # the same file as an input, under another name
    os.symlink(sheets[2], out / "soft.csv")
    (inputs / "same.csv").write_text("x\n")
    os.link(inputs / "same.csv", out / "same.csv")  # two links, the same name in both folders
    real = [os.path.realpath(path) for path in sheets + [inputs / "same.csv", out / "single.csv"]]
    for name in ("single.csv", "linked.csv", "soft.csv", "same.csv", "new.csv"):
        target = out / name
        try:
            status, missing = os.stat(target), False
        except OSError:
            status, missing = None, True
        expected = [path for path in real if _is_input(target, status, missing, path)]
        assert resolved_inputs_at(target, real) == expected, name
    assert resolved_inputs_at(out / "linked.csv", real) == [str(sheets[1])]
    assert resolved_inputs_at(out / "single.csv", real) == [str(out / "single.csv")]

    looked_at: list[str] = []
    real_stat = os.stat

    def counting_stat(path, *args, **kwargs):
        looked_at.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting_stat)
    assert resolved_inputs_at(out / "single.csv", [str(sheet) for sheet in sheets]) == []
    assert looked_at and not set(looked_at) & {str(sheet) for sheet in sheets}  # the target's only


def _counting_flush(monkeypatch: pytest.MonkeyPatch, error: OSError | None = None) -> list[int]:
    """The Writer's file system flush replaced: it records the descriptor it is given and
    answers `error` (None: flushed)."""
    import advise.output as output

    calls: list[int] = []

    def flush(descriptor: int) -> OSError | None:
        calls.append(descriptor)
        return error

    monkeypatch.setattr(output, "file_system_flush", lambda: flush)
    return calls


def test_a_writer_names_its_files_only_once_a_group_is_made_durable_with_one_flush(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are written as given but get their names a group at a time: one flush of the file
    system for the group, then each renamed into place in order; what is held when the
    results are asked for is made durable then."""
    from advise.output import Writer

    flushes = _counting_flush(monkeypatch)
    writer = Writer(group=3)
    try:
        writer.write(tmp_path / "a.txt", "a\n")
        writer.write(tmp_path / "b.txt", "b\n")
        assert writer.results() == [] and flushes == []
        assert not (tmp_path / "a.txt").exists() and len(leftovers(tmp_path)) == 2  # written, not yet named
        writer.write(tmp_path / "c.txt", "c\n")
        assert len(flushes) == 1 and leftovers(tmp_path) == []
        assert writer.results() == [None, None, None]
        writer.write(tmp_path / "d.txt", "d\n")
        assert not (tmp_path / "d.txt").exists()
        assert writer.results(wait=True) == [None] and len(flushes) == 2
    finally:
        writer.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert [(tmp_path / name).read_text() for name in ("a.txt", "b.txt", "c.txt", "d.txt")] == ["a\n", "b\n", "c\n", "d\n"]


def test_a_flush_that_fails_fails_every_file_of_its_group_and_names_none_of_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk is full when the group is made durable: no file of it gets its name (none
    could be whole), each is told the system's error, and no temporary file is left."""
    import errno

    from advise.output import OutputError, Writer

    _counting_flush(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    (tmp_path / "old.txt").write_text("old\n")
    writer = Writer(group=8)
    try:
        for name in ("a.txt", "old.txt", "b.txt"):
            writer.write(tmp_path / name, f"new {name}\n")
        results = writer.results(wait=True)
    finally:
        writer.close()
    assert [type(result) for result in results] == [OutputError] * 3
    assert all("No space left on device" in str(result) for result in results)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["old.txt"]
    assert (tmp_path / "old.txt").read_text() == "old\n"  # the file it would have replaced, untouched


def test_without_a_file_system_flush_each_file_is_flushed_on_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system has no syncfs (not Linux), every file of a group gets its own fsync
    before it is named; one that fails is told so and removed, the others are placed."""
    import errno

    import advise.output as output
    from advise.output import OutputError, Writer

    names: dict[int, str] = {}
    real_open, real_fsync = os.open, os.fsync

    def remembering_open(path, *args, **kwargs):
        descriptor = real_open(path, *args, **kwargs)
        names[descriptor] = os.path.basename(str(path))
        return descriptor

    synced: list[str] = []

    def fsync(descriptor: int) -> None:
        synced.append(names[descriptor])
        if names[descriptor].startswith(".full.txt"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(output, "file_system_flush", lambda: None)
    monkeypatch.setattr(os, "open", remembering_open)
    monkeypatch.setattr(os, "fsync", fsync)
    writer = Writer(group=8)
    try:
        for name in ("a.txt", "full.txt", "b.txt"):
            writer.write(tmp_path / name, f"{name}\n")
        assert synced == []
        results = writer.results(wait=True)
    finally:
        writer.close()
    assert [name.split(".")[1] for name in synced] == ["a", "full", "b"]
    assert [type(result) for result in results] == [type(None), OutputError, type(None)]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_closed_writer_names_none_of_the_files_it_had_not_made_durable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Closed before the results are asked for (the batch stopped, or failed): the files
    written since the last group are removed, never named; those placed before stay."""
    from advise.output import Writer

    flushes = _counting_flush(monkeypatch)
    writer = Writer(group=2)
    for name in ("a.txt", "b.txt", "c.txt"):
        writer.write(tmp_path / name, f"{name}\n")
    writer.close()
    assert len(flushes) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_on_linux_a_group_is_made_durable_by_the_system_s_own_syncfs(tmp_path: Path) -> None:
    from advise.output import file_system_flush

    flush = file_system_flush()
    assert flush is not None
    descriptor = os.open(tmp_path / "x", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, b"x")
        assert flush(descriptor) is None
    finally:
        os.close(descriptor)
    assert isinstance(flush(-1), OSError)  # a bad descriptor: the system's error, returned
