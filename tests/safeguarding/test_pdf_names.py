"""A PDF is refused as evidence for what it holds, however its names are spelt: PDF names may
spell any character as #xx, and a whole dictionary may sit compressed in an object stream."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence

from .conftest import make_report, upload
from .test_evidence_store import files_under

pytestmark = pytest.mark.django_db


def pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def object_stream(dictionary: bytes) -> bytes:
    packed = zlib.compress(b"3 0 " + dictionary)
    return pdf(b"1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj\n2 0 obj<</Type/ObjStm/N 1/First 4"
            b"/Filter/FlateDecode/Length " + str(len(packed)).encode() + b">>stream\n" + packed
            + b"\nendstream\nendobj")


HOSTILE = {
    "hex-escaped JavaScript": (pdf(b"1 0 obj<</OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>>>endobj"), "/JavaScript"),
    "every letter escaped": (pdf(b"1 0 obj<</OpenAction<</S/#4A#61#76#61#53#63#72#69#70#74>>>>endobj"), "/JavaScript"),
    "escaped JS key only": (pdf(b"1 0 obj<</OpenAction<</S/GoTo/#4AS(app.alert(1))>>>>endobj"), "/JS"),
    "launch": (pdf(b"1 0 obj<</OpenAction<</S/L#61unch/F(cmd.exe)>>>>endobj"), "/Launch"),
    "embedded file": (pdf(b"1 0 obj<</Type/E#6dbeddedFile/Length 3>>stream\nabc\nendstream endobj"), "/EmbeddedFile"),
    "additional actions": (pdf(b"1 0 obj<</Type/Page/#41A<</O 2 0 R>>>>endobj"), "/AA"),
    "rich media": (pdf(b"1 0 obj<</Subtype/RichMedia>>endobj"), "/RichMedia"),
    "xfa form": (pdf(b"1 0 obj<</AcroForm<</XFA 2 0 R>>>>endobj"), "/XFA"),
    "script in an object stream": (object_stream(b"<</S/JavaScript/JS(app.alert(1))>>"), "/JavaScript"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_pdfs_are_refused_saying_what_they_hold(case, straits, settings):
    data, name = HOSTILE[case]
    report = make_report(straits)
    with pytest.raises(evidence.UploadRefused, match=re.escape(f"(it holds {name})")) as refused:
        evidence.add_file(report, upload("letter.pdf", data), added_by=straits.teacher)
    assert "letter.pdf is a PDF with scripts" in str(refused.value)
    assert not Evidence.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_an_ordinary_pdf_is_kept(straits, guarded_db):
    # A link (/URI), a jump to a page (/GoTo) and a font named /JSans are not scripts.
    data = pdf(b"1 0 obj<</Type/Catalog/OpenAction<</S/GoTo/D[2 0 R/Fit]>>>>endobj\n"
               b"2 0 obj<</Type/Page/Annots[<</S/URI/URI(https://example.org)>>]>>endobj\n"
               b"3 0 obj<</Type/Font/BaseFont/JSans>>endobj")
    item = evidence.add_file(make_report(straits), upload("minutes.pdf", data),
                             added_by=straits.teacher)
    assert item.content_type == "application/pdf"


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused(straits, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_PDF_INFLATED", 1000)
    packed = zlib.compress(b"0" * 5000)
    data = pdf(b"1 0 obj<</Length " + str(len(packed)).encode() + b"/Filter/FlateDecode>>stream\n"
               + packed + b"\nendstream endobj")
    with pytest.raises(evidence.UploadRefused, match="too much to check"):
        evidence.add_file(make_report(straits), upload("big.pdf", data), added_by=straits.teacher)
