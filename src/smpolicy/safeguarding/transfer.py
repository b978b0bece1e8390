"""A pupil's child protection file, exported for their new school.

One zip: ``index.html`` (the chronology and every report in full, readable in any browser, no
scripts), ``manifest.json`` (every file with its SHA-256, so the receiving school can check nothing
changed on the way) and ``evidence/`` (the files as kept). Entries carry a fixed time, so the same
file gives the same bytes and hash each time it is exported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from smpolicy.safeguarding.models import Evidence, Report, Transfer
from smpolicy.schools.models import Person


def pupil_reports(pupil: Person) -> Any:
    return (
        Report.objects.for_school(pupil.school_id)
        .involving(pupil)
        .order_by("occurred_at", "id")
        .prefetch_related("involvements__person", "evidence")
        .select_related("case", "reported_by")
    )


def build(transfer: Transfer) -> bytes:
    pupil = transfer.pupil
    reports = list(pupil_reports(pupil))
    stamp = timezone.localtime(transfer.recorded_at)
    date_time = (
        max(stamp.year, 1980),
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second,
    )
    manifest: dict[str, Any] = {
        "pupil": {
            "name": pupil.full_name,
            "date_of_birth": pupil.date_of_birth.isoformat() if pupil.date_of_birth else None,
            "mis_id": pupil.external_id,
        },
        "from_school": pupil.school.name,
        "to_school": transfer.to_school,
        "reports": [r.reference for r in reports],
        "files": [],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        items: list[Evidence] = []
        for report in reports:
            items.extend(e for e in report.evidence.all() if e.is_file)
        for item in items:
            name = f"evidence/{item.report.reference}/{item.pk}-{item.sha256[:12]}.{_ext(item)}"
            item.export_name = name  # type: ignore[attr-defined]
            data = item.absolute_path().read_bytes()
            manifest["files"].append(
                {
                    "name": name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "original_name": item.original_name,
                    "report": item.report.reference,
                }
            )
            put(name, data)
        html = render_to_string(
            "safeguarding/cp_file.html",
            {"pupil": pupil, "reports": reports, "transfer": transfer, "generated": stamp},
        )
        put("index.html", html.encode())
        put("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
    return buffer.getvalue()


def _ext(item: Evidence) -> str:
    return item.file_path.rsplit(".", 1)[-1] if "." in item.file_path else "bin"


def filename(transfer: Transfer) -> str:
    day = transfer.sent_on or dt.date.today()
    return f"cp-file-{transfer.pupil.last_name.lower()}-{day:%Y%m%d}.zip"
