"""`smpolicy check-post` with a 1-pixel or a 40000 x 2 picture: its own error line and exit code
2, no traceback (the logo finder's OpenCV once crashed on both)."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from smpolicy.content import command

from .conftest import CORPUS

ARGS = ["--roster", str(CORPUS / "roster.csv"), "--school", str(CORPUS / "school.yaml")]


@pytest.mark.parametrize(("size", "message"), [
    ((1, 1), "one.png: the picture is only 1 x 1 pixels; a picture to check needs at least 16"),
    ((40_000, 2), "one.png: the picture is only 40000 x 2 pixels"),
    ((2_000, 40), "one.png: the picture is 2000 x 40 pixels, more than 20 times longer"),
])
def test_a_tiny_or_thin_picture_is_a_clear_error(tmp_path, capsys, size, message):
    Image.new("RGB", size, (90, 90, 90)).save(tmp_path / "one.png")
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps({"text": "Hello", "author": {"role": "staff"},
                                 "images": ["one.png"]}))
    code = command.main([str(posts), *ARGS])
    out, err = capsys.readouterr()
    assert code == 2
    line = json.loads(out.splitlines()[0])
    assert message in line["error"] and line["field"] == "images[0]"
    assert "Traceback" not in err


def test_a_fault_in_the_checker_is_its_own_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("cv2 fell over")

    monkeypatch.setattr(command, "check_post", broken)
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps({"text": "Hello", "author": {"role": "staff"}}))
    code = command.main([str(posts), *ARGS])
    out, err = capsys.readouterr()
    assert code == command.EXIT_FAULT
    assert json.loads(out) == {"error": "item 1: could not be checked (RuntimeError); this is a "
                                        "fault in smpolicy, please report it", "item": 1}
    assert "Traceback" not in err
