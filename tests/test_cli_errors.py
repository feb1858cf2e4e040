"""What `rete` says when things go wrong: one line, no traceback, and nothing about voice."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import build_parser

TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789.fake"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RETE_"))}
    env["RETE_DB"] = str(tmp_path / "cli.db")
    env["RETE_LANG"] = "it"  # whatever the machine's LANG; tests of English set it
    env.update(extra)
    return env


def _rete(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        timeout=120,
        check=False,
    )


# --- logging in -------------------------------------------------------------------------------


class _Status(http.server.BaseHTTPRequestHandler):
    status = 401

    def do_GET(self) -> None:
        body = json.dumps({"message": "no", "code": 0}).encode()
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def discord_answering() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "voice" not in result.stderr, result.stderr  # PyNaCl / davey: Rete has no voice
    errors = [line for line in result.stderr.splitlines() if line.startswith("rete:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize(
    ("status", "expected"), [(401, "HTTP 401"), (404, "HTTP 404"), (418, "HTTP 418")]
)
def test_login_answered_with_an_error_status(
    tmp_path: Path, discord_answering: http.server.HTTPServer, status: int, expected: str
) -> None:
    discord_answering.status = status  # type: ignore[attr-defined]
    port = discord_answering.server_address[1]
    result = _rete(
        ["run"],
        tmp_path,
        DISCORD_TOKEN=TOKEN,
        RETE_DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
    )
    line = _one_line_error(result)
    assert expected in line
    assert ("token" in line) == (status == 401)
    assert TOKEN not in result.stderr


def test_login_when_discord_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = _rete(
        ["run"],
        tmp_path,
        DISCORD_TOKEN=TOKEN,
        RETE_DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
    )
    assert "raggiungere Discord" in _one_line_error(result)


# --- pipes, ids, help ------------------------------------------------------------------------


def _corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "\n\n".join(
        f"Il metodo pomodoro divide il lavoro in blocchi da venticinque minuti, parte {n}."
        for n in range(40)
    )
    (corpus / "pomodoro.md").write_text(
        f"---\ntitle: Il metodo pomodoro\nauthor: Anna\ndate: 2024-01-02\n---\n\n{body}\n"
    )
    imported = _rete(["knowledge", "import", str(corpus)], tmp_path)
    assert imported.returncode == 0, imported.stderr


@pytest.mark.parametrize(
    "args",
    [["policy", "test", "mi fai il logo gratis?"], ["excerpt", "metodo pomodoro"]],
    ids=["policy-test", "excerpt"],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    """`rete … | head -1`: the reader has gone before Rete writes; exit 0, nothing said."""
    if args[0] == "excerpt":
        _corpus(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=_env(tmp_path),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_excerpt_on_an_empty_knowledge_base_says_so(tmp_path: Path) -> None:
    result = _rete(["excerpt", "metodo pomodoro"], tmp_path)
    assert result.returncode == 1
    assert "vuota" in result.stderr
    assert "rete knowledge import" in result.stderr


def test_a_long_query_is_not_echoed_whole(tmp_path: Path) -> None:
    _corpus(tmp_path)
    query = "zzqx " * 4000  # 20,000 characters that match nothing
    result = _rete(["excerpt", query], tmp_path)
    assert result.returncode == 1
    assert len(result.stdout) < 300, len(result.stdout)
    assert "zzqx" in result.stdout


@pytest.mark.parametrize("value", ["12", "xx", "1234567890123456", "123456789012345678901"])
def test_owner_ids_follow_one_rule(tmp_path: Path, value: str) -> None:
    result = _rete(["console"], tmp_path, RETE_OWNER_IDS=value)
    assert result.returncode == 2
    assert "RETE_OWNER_IDS" in result.stderr
    assert "17-20" in result.stderr


def test_a_real_owner_id_is_accepted(tmp_path: Path) -> None:
    result = _rete(["console"], tmp_path, "/help\n", RETE_OWNER_IDS="123456789012345678")
    assert result.returncode == 0, result.stderr


def _parsers(parser: object, path: str = "rete") -> Iterator[tuple[str, object]]:
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_command_and_argument_has_a_description() -> None:
    import argparse

    missing = []
    commands = list(_parsers(build_parser()))
    assert len(commands) > 8
    for path, parser in commands:
        assert isinstance(parser, argparse.ArgumentParser)
        if not parser.description:
            missing.append(f"{path}: no description")
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            if not action.help:
                missing.append(f"{path} {action.dest}: no help")
    assert missing == []


def test_guild_has_one_default_explained() -> None:
    import argparse

    defaults = {}
    for path, parser in _parsers(build_parser()):
        assert isinstance(parser, argparse.ArgumentParser)
        for action in parser._actions:
            if action.dest == "guild" and path != "rete knowledge import":
                defaults[path] = (action.default, action.help)
    assert len(defaults) >= 6  # policy check/test/export/import, ask, excerpt
    assert len(set(defaults.values())) == 1, defaults
    default, help_text = next(iter(defaults.values()))
    assert str(default) in (help_text or "")
    assert "console" in (help_text or "")


@pytest.mark.parametrize("command", ["run", "console"])
def test_run_and_console_help_describe_them(tmp_path: Path, command: str) -> None:
    result = _rete([command, "--help"], tmp_path)
    assert result.returncode == 0
    described = result.stdout.split("opzioni:")[0]
    assert "Discord" in described
    assert "--db" in result.stdout.split("opzioni:")[1]


def test_policy_check_reports_bad_lines_and_checks_the_others(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "mi fai il logo gratis? non ho budget"}),
                "{not json",
                json.dumps({"text": "una riga senza id"}),
                json.dumps({"id": "d", "text": "ciao a tutti"}),
                json.dumps(["una", "lista"]),
                json.dumps({"id": "f"}),
                json.dumps({"id": "g", "text": "qualcuno mi scrive un articolo gratis?"}),
            ]
        )
        + "\n"
    )
    result = _rete(["policy", "check", "--jsonl", str(data)], tmp_path)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "d", "g"]
    assert out[0]["flagged"]
    assert not out[1]["flagged"]
    for number in (2, 3, 5, 6):
        assert f"riga {number} " in result.stderr, result.stderr
    assert 'riga 3 non ha "id"' in result.stderr
    for number in (1, 4, 7):
        assert f"riga {number} " not in result.stderr


# --- Italian and English (issue 17) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "says", "not_says"),
    [
        (["--help"], {}, ["uso: rete", "opzioni:", "mostra questo aiuto"], ["options:", "show "]),
        (
            ["--lang", "en", "--help"],
            {},
            ["usage: rete", "options:", "show this help"],
            ["opzioni"],
        ),
        (["--help"], {"RETE_LANG": "en"}, ["options:", "connect to Discord"], ["collegati"]),
        (["--help"], {"RETE_LANG": "", "LANG": "en_GB.UTF-8"}, ["options:"], ["opzioni"]),
        (["--lang", "it", "--help"], {"RETE_LANG": "en"}, ["opzioni:"], ["options:"]),
    ],
)
def test_help_speaks_the_chosen_language(
    tmp_path: Path, args: list[str], env: dict[str, str], says: list[str], not_says: list[str]
) -> None:
    result = _rete(args, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    for text in says:
        assert text in result.stdout, result.stdout
    for text in not_says:
        assert text not in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("lang", "says"), [("it", "file o cartella inesistente"), ("en", "no such file or folder")]
)
def test_os_errors_are_catalogued(tmp_path: Path, lang: str, says: str) -> None:
    result = _rete(["--lang", lang, "policy", "import", "nowhere.yaml"], tmp_path)
    assert result.returncode == 1
    assert says in result.stderr
    assert "No such file or directory" not in result.stderr
    assert "nowhere.yaml" in result.stderr
