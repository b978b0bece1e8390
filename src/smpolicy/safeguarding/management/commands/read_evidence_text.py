"""`smpolicy read-evidence-text`: read the text in image evidence whose text is not read yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence


class Command(BaseCommand):
    help = (
        "Run OCR (Debian's tesseract) on image evidence whose text has not been read, e.g. "
        "after installing tesseract-ocr. Each reading is a new record; nothing is overwritten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = failed = 0
        for item in Evidence.objects.filter(content_type__startswith="image/").iterator():
            latest = item.texts.order_by("-id").first()
            if latest is not None and latest.status == "read":
                continue
            result = evidence.read_evidence_text(item)
            if result is not None and result.status == "read":
                done += 1
            else:
                failed += 1
        self.stdout.write(f"{done} read, {failed} still not read.")
