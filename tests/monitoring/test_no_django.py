"""The scanner is plain Python: it runs where Django is not even installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import smpolicy.monitoring

PACKAGE = Path(smpolicy.monitoring.__file__).parent


def test_no_module_of_the_scanner_imports_django():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "django" not in stripped, f"{path.name}: {stripped}"


def test_a_scan_leaves_django_unloaded(fixtures):
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import smpolicy.monitoring.{m}\n" for m in modules)
        + "from smpolicy.monitoring.command import main\n"
        + f"main([{str(fixtures / 'squid-access.log')!r}, '--output', 'table'])\n"
        + "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        + "assert not loaded, loaded\n"
        + "print('ok')\n"
    )
    src = str(PACKAGE.parent.parent)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


def test_into_db_needs_the_web_app_to_be_given(fixtures, capsys):
    from smpolicy.monitoring.command import main

    assert main([str(fixtures / "squid-access.log"), "--into-db"]) == 2
    assert "--into-db needs the web app: run it as `smpolicy scan-logs`" in capsys.readouterr().err
