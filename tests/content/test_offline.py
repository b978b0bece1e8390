"""Plain Python and offline: no Django anywhere in smpolicy.content, no network at run time."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import smpolicy.content
from smpolicy.content import check_post

from .conftest import CORPUS

PACKAGE = Path(smpolicy.content.__file__).parent


def test_no_module_of_the_checker_imports_django():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), path


def test_checking_a_post_loads_no_django(tmp_path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from smpolicy.content import SchoolContext, check_post\n"
        "from smpolicy.content.command import main\n"
        f"c = Path({str(CORPUS)!r})\n"
        "s = SchoolContext.from_files(c / 'roster.csv', c / 'school.yaml')\n"
        "check_post({'text': 'Oliver Smith 07700 900123', 'images': ['images/sports-day-1.jpg'],"
        " 'author': {'role': 'staff'}}, s, base_dir=c)\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django'\n"
    )
    src = str(PACKAGE.parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network use during a check")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_every_check_runs_with_the_network_refused(no_network, school):
    from smpolicy.content import SchoolContext

    # a fresh context, so the models and word lists are loaded with the network refused too
    fresh = SchoolContext.from_files(CORPUS / "roster.csv", CORPUS / "school.yaml")
    post = {
        "text": "Oliver Smith, 07700 900123, jo@gmail.com, the door code is 1234, fucking idiot",
        "images": ["images/logo-and-face.jpg", "images/text-phone.jpg", "images/gps-coffee.jpg"],
        "author": {"role": "staff"},
        "channel": {"account": "personal"},
    }
    result = check_post(post, fresh, base_dir=CORPUS)
    kinds = {f["kind"] for f in result["findings"]}
    assert {
        "pupil_name",
        "personal_phone",
        "personal_email",
        "security_sensitive",
        "offensive",
        "face",
        "school_logo",
        "location_metadata",
    } <= kinds
