"""The console at a real terminal (a pseudo-terminal): line editing, history, Tab completion,
Ctrl-C and Ctrl-D, /quit and /exit. Each test drives `rete console` as a subprocess."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")
WAIT_S = 60.0  # a guard against a hung child, not a measurement


def _controlling_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pty (stdin), so
    that Ctrl-C typed there is a SIGINT, as at a real terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    def __init__(self, tmp_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RETE_"))}
        env["RETE_LANG"] = "it"  # whatever the machine's LANG
        env.update(TERM="xterm", INPUTRC="/dev/null", RETE_DB=str(tmp_path / "t.db"))
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=tmp_path,
            env=env,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.seen = b""  # every byte printed so far
        self.read = 0  # how much of it (escape codes removed) earlier reads returned

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def read_until(self, pattern: str) -> str:
        """Everything printed (escape codes removed) up to and including `pattern`."""
        while True:
            text = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
            index = text.find(pattern, self.read)
            if index >= 0:
                start, self.read = self.read, index + len(pattern)
                return text[start : self.read]
            ready, _, _ = select.select([self.master], [], [], WAIT_S)
            if not ready:
                raise AssertionError(f"no {pattern!r} in {text[-500:]!r}")
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the child closed the terminal
                raise AssertionError(f"no {pattern!r} in {text[-500:]!r}") from None
            self.seen += chunk

    def prompt(self) -> str:
        return self.read_until("] > ")

    def wait_for_key(self) -> None:
        """Until the console waits for a key again. CPython's readline checks for signals only
        when its select() is interrupted: a Ctrl-C landing while it is still handling the last
        key (a window of microseconds, reachable only by a program typing) is seen at the next
        key. A person cannot type that fast; the test waits for the select, where Linux shows
        the main thread sleeping in poll_schedule_timeout (do_select)."""
        wchan = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/wchan")
        if not wchan.exists():
            return
        for _ in range(int(WAIT_S * 100)):
            if any(word in wchan.read_text() for word in ("poll", "select")):
                return
            select.select([], [], [], 0.01)
        raise AssertionError("the console never waited for a key")

    def exit_code(self) -> int:
        try:
            return self.process.wait(timeout=WAIT_S)
        finally:
            os.close(self.master)


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    terminal = Terminal(tmp_path)
    try:
        yield terminal
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
            terminal.process.wait()
            os.close(terminal.master)


UP = "\x1b[A"


def test_arrow_keys_recall_history_instead_of_printing_escapes(term: Terminal) -> None:
    term.prompt()
    term.send("/channel domande\r")
    assert "#domande" in term.prompt()
    term.send("/channel generale\r")
    assert "[membro in #generale]" in term.prompt()
    term.send(UP + UP + "\r")  # two lines back: /channel domande
    shown = term.prompt()
    assert "^[[A" not in shown
    assert "Ora scrivi in #domande" in shown
    assert shown.endswith("[membro in #domande] > ")
    term.send("/quit\r")
    assert "Ciao!" in term.read_until("Ciao!")
    assert term.exit_code() == 0


def test_tab_completes_commands(term: Terminal) -> None:
    term.prompt()
    term.send("/as m\t\r")  # no completion for arguments: stays "/as m"…
    term.prompt()
    term.send("/as mod\r")
    term.prompt()
    term.send("/review pe\t\r")
    shown = term.prompt()
    assert "/review pending" in shown
    assert "Nessun caso" in shown or "Casi da rivedere" in shown
    term.send("/exi\t\r")
    term.read_until("Ciao!")
    assert term.exit_code() == 0


def test_ctrl_c_cancels_the_line_and_ctrl_d_exits(term: Terminal) -> None:
    term.prompt()
    term.send("mi fai il logo gratis? non ho budget")
    term.read_until("budget")
    term.wait_for_key()
    term.send("\x03")  # Ctrl-C: the line is dropped, a new prompt comes at once
    term.prompt()
    term.send("/as mod\r")
    assert "moderatrice" in term.prompt()
    term.send("/review pending\r")
    assert "Nessun caso" in term.prompt()  # the cancelled line was never sent
    term.send("\x04")  # Ctrl-D on an empty line
    assert term.exit_code() == 0
