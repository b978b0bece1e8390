"""`smpolicy check-post`: one result a line; a bad item gets its own error line; exit 2."""

from __future__ import annotations

import io
import json
import sys
import types

import pytest

from smpolicy.content import command

from .conftest import CORPUS

ARGS = ["--roster", str(CORPUS / "roster.csv"), "--school", str(CORPUS / "school.yaml"), "--no-ocr"]
POST = {
    "text": "Well done Oliver Smith",
    "author": {"role": "staff"},
    "channel": {"account": "personal"},
}


def run(stdin: bytes | str, *args: str, monkeypatch, capsys):
    data = stdin.encode() if isinstance(stdin, str) else stdin
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    code = command.main([*args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_one_object(monkeypatch, capsys):
    code, lines, _ = run(
        json.dumps(POST, indent=2), "-", *ARGS, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert len(lines) == 1 and lines[0]["findings"][0]["text"] == "Oliver Smith"


def test_an_array(monkeypatch, capsys):
    code, lines, _ = run(
        json.dumps([POST, POST]), "-", *ARGS, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0 and len(lines) == 2


def test_json_lines_with_a_bad_item_in_the_middle(monkeypatch, capsys):
    stdin = "\n".join([json.dumps(POST), "{not json", json.dumps({"text": "x"}), json.dumps(POST)])
    code, lines, err = run(stdin, "-", *ARGS, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert [("error" in line) for line in lines] == [False, True, True, False]
    assert lines[1]["item"] == 2 and "not valid JSON" in lines[1]["error"]
    assert lines[2] == {
        "error": "item 3: author.role: is required; one of staff, volunteer, "
        "trainee, governor, elected_member, third_party, pupil, parent, public",
        "field": "author.role",
        "item": 3,
    }
    assert "2 post(s) could not be checked" in err


def test_pictures_are_found_beside_the_input_file(monkeypatch, capsys, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(
        (CORPUS / "images" / "sports-day-1.jpg").read_bytes()
    )
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps({**POST, "images": ["photos/a.jpg"]}))
    code = command.main([str(posts), *ARGS])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0 and any(f["kind"] == "face" for f in lines[0]["findings"])


def test_utf16_input_is_a_clear_error(monkeypatch, capsys):
    code, lines, err = run(
        json.dumps(POST).encode("utf-16"), "-", *ARGS, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "could not be checked" in err
    assert lines == [{"error": "item 1: the input is UTF-16; send it as UTF-8", "item": 1}]


def test_latin1_input_is_a_clear_error(monkeypatch, capsys):
    code, lines, _ = run(
        '{"text": "caf\xe9", "author": {"role": "staff"}}'.encode("latin-1"),
        "-",
        *ARGS,
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and "UTF-8" in lines[0]["error"]


def test_a_missing_input_file(capsys):
    assert command.main(["/no/such/file.json", *ARGS]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_bad_roster_stops_before_anything_is_read(tmp_path, capsys):
    bad = tmp_path / "r.csv"
    bad.write_text("first_name,role\n")
    assert command.main(["-", "--roster", str(bad), "--school", str(CORPUS / "school.yaml")]) == 2
    assert "no last_name column" in capsys.readouterr().err


def test_roster_without_school_is_refused(capsys):
    assert command.main(["-", "--roster", str(CORPUS / "roster.csv")]) == 2
    assert "--roster needs --school" in capsys.readouterr().err


def test_without_files_or_a_database_it_says_to_pass_them(monkeypatch, capsys):
    monkeypatch.setattr(command, "DATABASE_HOOK", "smpolicy.no_such_module:school_context")
    assert command.main(["-"]) == 2
    assert "pass --roster CSV and --school CONFIG" in capsys.readouterr().err


def test_a_failing_database_hook_says_the_same_with_the_reason(monkeypatch, capsys):
    module = types.ModuleType("fake_hook")

    def school_context(slug):
        raise RuntimeError("no such table: schools_school")

    module.school_context = school_context
    monkeypatch.setitem(sys.modules, "fake_hook", module)
    monkeypatch.setattr(command, "DATABASE_HOOK", "fake_hook:school_context")
    assert command.main(["-"]) == 2
    err = capsys.readouterr().err
    assert "pass --roster CSV and --school CONFIG" in err and "no such table" in err


def test_the_database_hook_gives_the_school(monkeypatch, capsys):
    from smpolicy.content import Person, SchoolContext

    module = types.ModuleType("fake_hook2")
    module.school_context = lambda slug: SchoolContext(
        name="Straits Primary School", people=[Person("Oliver", "Smith", "pupil", id=12)]
    )
    monkeypatch.setitem(sys.modules, "fake_hook2", module)
    monkeypatch.setattr(command, "DATABASE_HOOK", "fake_hook2:school_context")
    code, lines, _ = run(json.dumps(POST), "-", "--no-ocr", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and lines[0]["findings"][0]["people"] == [12]


@pytest.mark.parametrize("argv", [["--help"]])
def test_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        command.main(argv)
    assert exit_.value.code == 0 and "--roster" in capsys.readouterr().out
