"""Attacks through `-o`: a report never replaces a device or a pipe, `-o -` is the standard
output, and a report keeps the permissions of the file it replaces (a new one: the umask's)."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SHEET = str(ROOT / "examples" / "fleuriste.yaml")


def advise(*args: str) -> "object":
    return CliRunner().invoke(main, [SHEET, "--no-hints", "--lang", "en", *args])


def test_a_fifo_is_written_through_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = advise("-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].startswith(b"Advice for Les Fleurs")


def test_a_character_device_is_written_through_never_replaced(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("making a device node needs root (without root, /dev/null cannot be replaced anyway)")
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    result = advise("-o", str(device))
    assert result.exit_code == 0, result.output
    status = os.lstat(device)
    assert stat.S_ISCHR(status.st_mode) and status.st_rdev == os.makedev(1, 3)


def test_dev_null_stays_a_device_without_root() -> None:
    if os.getuid() == 0:
        pytest.skip("as root the test above uses a private device node instead of the system's")
    result = advise("-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "socket"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = advise("-o", str(path))
        assert result.exit_code == 2
        assert "special file" in result.output
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_dash_is_the_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = advise("-o", "-")
    assert result.exit_code == 0
    assert result.output.startswith("Advice for Les Fleurs")
    assert not (tmp_path / "-").exists()


def test_a_replaced_report_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    existing = tmp_path / "shared.txt"
    existing.write_text("old")
    existing.chmod(0o640)
    assert advise("-o", str(existing)).exit_code == 0
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_text().startswith("Advice")
    previous = os.umask(0o027)
    try:
        new = tmp_path / "new.txt"
        assert advise("-o", str(new)).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
