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
    env["RETE_LANG"] = "it"  # whatever the machine's LANG
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


LEARN_ROWS = [
    ("mi fai il logo gratis? non ho budget", "flag"),
    ("qualcuno mi scrive la bio di instagram? sono studentessa", "flag"),
    ("mi rifate il sito? vi pago quando avrò i primi clienti", "flag"),
    ("cerco chi mi gestisca la pagina, in cambio vi taggo", "flag"),
    ("mi scrivete le caption per tutto il mese?", "flag"),
    ("cerco copywriter per il sito, budget 800€, scrivetemi", "ok"),
    ("come si fa un piano editoriale? voglio imparare", "ok"),
    ("il webinar di domani è gratis per tutti", "ok"),
    ("che ne pensate del mio nuovo logo? l'ho fatto io", "ok"),
    ("mio cugino mi ha chiesto il sito gratis, come dico di no?", "ok"),
    ("vi lascio il template gratuito del calendario", "ok"),
    ("buongiorno a tutti!", "ok"),
]


def test_learn_shows_the_difference_and_applies_only_when_accepted(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    data = tmp_path / "labelled.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"id": f"m{i}", "text": t, "label": label}, ensure_ascii=False)
            for i, (t, label) in enumerate(LEARN_ROWS)
        )
        + "\n"
    )
    learn = ["policy", "learn", "--jsonl", str(data), "--db", str(db)]
    shown = rete(learn, tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "12 esempi (5 da segnalare, 7 no)" in shown.stdout
    assert "prima: precisione" in shown.stdout
    assert "dopo: precisione" in shown.stdout
    assert "Nuovi segnalati:" in shown.stdout
    assert "Non più segnalati:" in shown.stdout
    assert "--accept" in shown.stdout
    history = rete(["policy", "export", "--db", str(db)], tmp_path)
    assert "version: 1\n" in history.stdout  # nothing applied

    accepted = rete([*learn, "--accept", "--actor", "42"], tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert "policy v2" in accepted.stdout
    exported = rete(["policy", "export", "--db", str(db)], tmp_path)
    assert "version: 2\n" in exported.stdout


def test_learn_refuses_a_bad_line_and_too_few_decisions(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "ciao", "label": "forse"}\n')
    result = rete(["policy", "learn", "--jsonl", str(data), "--db", str(db)], tmp_path)
    assert result.returncode == 1
    assert "riga 1" in result.stderr
    # no --jsonl: the guild's decided cases, of which a fresh database has none
    result = rete(["policy", "learn", "--db", str(db)], tmp_path)
    assert result.returncode == 1
    assert "almeno" in result.stderr
