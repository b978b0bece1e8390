"""A CSV that is not UTF-8 (nor wholly cp1252) is refused naming the byte and its line, by both
imports and their commands: exit code 2, nothing imported, no traceback."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from smpolicy.posting.models import PhotoConsent
from smpolicy.schools import testing
from smpolicy.schools.importing import UnreadableText, decode_csv
from smpolicy.schools.models import Person

pytestmark = pytest.mark.django_db

BROKEN = b"first_name,last_name,role\nAnn,Lee,staff\n" + "Zoë,B".encode() + b"\x81n,staff\n"


@pytest.mark.parametrize(("command", "data"), [
    ("import_people", BROKEN),
    ("import_consent", b"pupil,use,status\nP1,social_media,granted\nP2,we\x81bsite,granted\n"),
])
def test_the_import_commands_name_the_byte_and_line(tmp_path, capsys, command, data):
    testing.make_school(slug="straits")
    before = (Person.objects.count(), PhotoConsent.objects.count())
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as failed:
        call_command(command, str(path), "--school", "straits")
    assert failed.value.returncode == 2
    assert "the file is not UTF-8 text: byte 0x81 at line 3; save it as CSV UTF-8" in \
        capsys.readouterr().out
    assert (Person.objects.count(), PhotoConsent.objects.count()) == before


def test_what_is_read_and_what_is_refused():
    assert decode_csv("a,b\nZoë,x\n".encode()) == "a,b\nZoë,x\n"
    assert decode_csv("a,b\nLée,x\n".encode("cp1252")) == "a,b\nLée,x\n"  # Excel's "CSV"
    assert decode_csv("a,b\nZoë,x\n".encode("utf-16")) == "a,b\nZoë,x\n"  # Excel's "Unicode text"
    for data, line, words in [
        ("a\nZoë\n".encode() + b"\xff\n", 3, "byte 0xff at line 3"),  # UTF-8 with damage
        (b"a\n\x81\n", 2, "byte 0x81 at line 2"),  # neither UTF-8 nor cp1252
        (b"PK\x03\x04rest", 1, "an Excel workbook"),
        (b"a\x00b\n", 1, "a NUL byte at line 1"),
    ]:
        with pytest.raises(UnreadableText, match=words) as refused:
            decode_csv(data)
        assert refused.value.line == line
