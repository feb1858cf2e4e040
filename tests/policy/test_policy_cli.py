"""`rete policy …` end to end: a fresh --db is created, migrated and seeded."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.policy.model import POLICY_TEXT_MAX_BYTES, PolicyError, load_policy_text


def rete(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RETE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def test_check_on_a_fresh_database(tmp_path: Path) -> None:
    db = tmp_path / "nuovo" / "rete.db"
    data = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "qualcuno mi fa il logo gr4tis? 🙏", "label": "flag"},
        {"id": "b", "text": "ciao a tutti, com'è andato il webinar?"},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    result = rete(["policy", "check", "--jsonl", str(data), "--db", str(db)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert db.exists()
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert set(out[0]) == {"id", "flagged", "score", "hits"}
    assert out[0]["flagged"] is True
    assert out[1] == {"id": "b", "flagged": False, "score": 0.0, "hits": []}
    spans = [span for hit in out[0]["hits"] for span in hit["spans"]]
    assert [0, 8] in spans  # «qualcuno» in the original text


def test_check_with_an_uploaded_policy_needs_no_database(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("rules:\n  - name: ciao\n    weight: 1\n    any: [ciao]\n")
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": 1, "text": "Ciao!"}\n')
    result = rete(["policy", "check", "--jsonl", str(data), "--policy", str(policy)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hits"][0]["rule"] == "ciao"
    assert not list(tmp_path.glob("**/*.db"))


def test_test_explains_the_verdict(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = rete(
        ["policy", "test", "mi scrivete voi la bio? non ho budget", "--db", str(db)], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "SEGNALATO" in result.stdout
    assert "«mi scrivete»" in result.stdout
    assert "«non ho budget»" in result.stdout
    assert "policy v1" in result.stdout


def test_export_then_import_and_a_rejected_import(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    exported = tmp_path / "policy.yaml"
    result = rete(["policy", "export", "--db", str(db), "--out", str(exported)], tmp_path)
    assert result.returncode == 0, result.stderr
    text = exported.read_text("utf-8")
    assert "chiede-a-te" in text
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("threshold: 1.0", "threshold: 1.5"), "utf-8")
    result = rete(["policy", "import", str(changed), "--db", str(db), "--actor", "9"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "v2" in result.stdout
    broken = tmp_path / "broken.yaml"
    # the weight of the rule «pagato», whatever its value
    broken_text = re.sub(r"(- name: pagato\n(?:    .*\n)*?    weight: )\S+", r"\1molto", text)
    assert broken_text != text
    broken.write_text(broken_text, "utf-8")
    result = rete(["policy", "import", str(broken), "--db", str(db)], tmp_path)
    assert result.returncode == 1
    assert "regola «pagato»: weight" in result.stderr
    after = rete(["policy", "export", "--db", str(db)], tmp_path)
    assert "threshold: 1.5" in after.stdout
    assert "version: 2" in after.stdout


def test_import_of_a_missing_huge_or_binary_file_says_why_without_a_traceback(
    tmp_path: Path,
) -> None:
    db = tmp_path / "rete.db"
    before = rete(["policy", "export", "--db", str(db)], tmp_path)
    assert before.returncode == 0, before.stderr
    missing = rete(["policy", "import", str(tmp_path / "nope.yaml"), "--db", str(db)], tmp_path)
    huge = tmp_path / "huge.yaml"
    huge.write_text("rules:\n" + "  # commento\n" * 40_000, "utf-8")
    too_big = rete(["policy", "import", str(huge), "--db", str(db)], tmp_path)
    binary = tmp_path / "policy.yaml"
    binary.write_bytes(b"rules:\n  \xff\xfe\x00 boom\n")
    not_text = rete(["policy", "import", str(binary), "--db", str(db)], tmp_path)
    for result, says in ((missing, "nope.yaml"), (too_big, "256 KB"), (not_text, "UTF-8")):
        assert result.returncode == 1
        assert says in result.stderr
        assert "Traceback" not in result.stderr
    after = rete(["policy", "export", "--db", str(db)], tmp_path)
    assert after.stdout == before.stdout  # nothing changed


def test_policy_text_beyond_the_cap_is_refused_by_the_core() -> None:
    with pytest.raises(PolicyError, match="troppo lunga"):
        load_policy_text("# " + "x" * POLICY_TEXT_MAX_BYTES)
