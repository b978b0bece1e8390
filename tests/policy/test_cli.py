"""`smpolicy decide`: JSON in (an object, an array or JSON Lines), one decision a line out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smpolicy.cli import main

STAFF_PUPIL = {"actor": {"role": "staff"}, "action": "connect",
               "counterpart": {"role": "pupil", "age": 9, "on_roll": "current"},
               "channel": {"account": "personal", "platform": "instagram"}}


def run(capsys, monkeypatch, text: str, *args: str) -> tuple[int, list[dict], str]:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code = main(["decide", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_one_object(capsys, monkeypatch) -> None:
    code, lines, _ = run(capsys, monkeypatch, json.dumps(STAFF_PUPIL))
    assert code == 0
    assert [d["verdict"] for d in lines] == ["prohibited"]
    assert lines[0]["clauses"][0] == "code.no-contact-with-children"


def test_one_pretty_printed_object(capsys, monkeypatch) -> None:
    code, lines, _ = run(capsys, monkeypatch, json.dumps(STAFF_PUPIL, indent=2))
    assert code == 0 and lines[0]["verdict"] == "prohibited"


def test_an_array_answers_in_order(capsys, monkeypatch) -> None:
    other = {"actor": {"role": "staff"}, "action": "other"}
    code, lines, _ = run(capsys, monkeypatch, json.dumps([STAFF_PUPIL, other, STAFF_PUPIL]))
    assert code == 0
    assert [d["verdict"] for d in lines] == ["prohibited", "not_covered", "prohibited"]


def test_json_lines_with_a_bad_item_answer_the_rest(capsys, monkeypatch) -> None:
    text = "\n".join([
        json.dumps(STAFF_PUPIL),
        json.dumps({"actor": {"role": "staff"}, "action": "frend"}),
        "{not json",
        "",
        json.dumps({"actor": {"role": "staff"}, "action": "other"}),
    ])
    code, lines, err = run(capsys, monkeypatch, text)
    assert code == 2
    assert len(lines) == 4
    assert lines[0]["verdict"] == "prohibited"
    assert set(lines[1]) >= {"error"} and "verdict" not in lines[1]
    assert lines[1]["error"].startswith("action: 'frend' is not one of connect")
    assert lines[1]["field"] == "action"
    assert "not valid JSON" in lines[2]["error"]
    assert lines[3]["verdict"] == "not_covered"
    assert "2 item(s) could not be decided" in err


def test_a_broken_first_line_does_not_lose_the_rest(capsys, monkeypatch) -> None:
    text = "{broken\n" + json.dumps(STAFF_PUPIL) + "\n"
    code, lines, _ = run(capsys, monkeypatch, text)
    assert code == 2
    assert "error" in lines[0] and lines[1]["verdict"] == "prohibited"


def test_invalid_json_is_exit_code_2(capsys, monkeypatch) -> None:
    code, lines, _ = run(capsys, monkeypatch, "[1, 2")
    assert code == 2 and "not valid JSON" in lines[0]["error"]


def test_empty_input_prints_nothing(capsys, monkeypatch) -> None:
    code, lines, _ = run(capsys, monkeypatch, "\n\n")
    assert code == 0 and lines == []


def test_a_file_argument_and_a_missing_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "situations.jsonl"
    path.write_text(json.dumps(STAFF_PUPIL) + "\n")
    assert main(["decide", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "prohibited"
    assert main(["decide", str(tmp_path / "absent.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_bad_pack_is_exit_code_2(tmp_path: Path, capsys) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: {}\n")
    assert main(["decide", "--pack", str(pack), "-"]) == 2
    assert "is required" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["connect", "message", "receive_message", "post",
                                    "share_contact_details", "speak_for_school", "use_branding",
                                    "sign_up", "access", "experience_abuse", "join_school",
                                    "have_social_contact", "other"])
@pytest.mark.parametrize("role", ["staff", "volunteer", "trainee", "governor", "elected_member",
                                  "third_party", "pupil", "parent", "public"])
def test_every_role_and_action_gets_a_decision(role: str, action: str) -> None:
    from smpolicy.policy import decide

    decision = decide({"actor": {"role": role}, "action": action})
    assert decision["verdict"] in {"allowed", "allowed_with_conditions", "needs_approval",
                                   "prohibited", "advisory", "not_covered"}
    assert decision["clauses"], "every verdict cites a clause"
    assert "The policy says: “" in decision["explanation"]


def test_the_console_script_runs_without_django() -> None:
    code = ("import sys, smpolicy.cli as c; rc = c.main(['decide', '-']); "
            "assert 'django' not in sys.modules, 'decide must not import Django'; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(STAFF_PUPIL),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "prohibited"


def test_check_pack_summarises_a_good_pack(capsys) -> None:
    from smpolicy.policy.pack import DEFAULT_PACK

    path = Path(__file__).parents[2] / "src/smpolicy/policy/packs" / f"{DEFAULT_PACK}.yaml"
    assert main(["check-pack", str(path)]) == 0
    out = capsys.readouterr().out
    assert "version 2026.11.1: 36 clauses (27 binding)" in out
    assert "no rule applies" not in out


def test_check_pack_names_the_mistake(tmp_path: Path, capsys) -> None:
    import yaml

    from smpolicy.policy.pack import DEFAULT_PACK

    source = Path(__file__).parents[2] / "src/smpolicy/policy/packs" / f"{DEFAULT_PACK}.yaml"
    data = yaml.safe_load(source.read_text())
    data["rules"][2]["obligations"] = [{"kind": "tell", "to": "dsl", "when": "now", "clause": "purpose"}]
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["check-pack", str(path)]) == 2
    assert "rules[2].obligations[0].kind: 'tell' is not one of report" in capsys.readouterr().err


def test_a_byte_order_mark_is_read_and_utf16_is_named(capsys, monkeypatch) -> None:
    code, lines, _ = run(capsys, monkeypatch, "\ufeff" + json.dumps(STAFF_PUPIL))
    assert code == 0 and lines[0]["verdict"] == "prohibited"
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(STAFF_PUPIL).encode("utf-16"))))
    assert main(["decide"]) == 2
    assert "UTF-16" in json.loads(capsys.readouterr().out)["error"]
