"""The demo school's posting side: a spokesperson, photo consents, a written permission, the
school's logo, and two official posts (one waiting for the headteacher, one approved).

``load_demo_posting()`` runs after ``smpolicy.schools.demo.load_demo_school()`` (the demo
command calls both), once the people are in. It is idempotent: it adds nothing once the demo's
spokesperson exists. The logo is drawn with Pillow here, so nothing is downloaded. Everything
goes through the same functions the pages use (recording.py, workflow.py), so the demo's
registers have their history and its posts their steps.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from smpolicy.posting import recording, workflow
from smpolicy.posting.context import posting_settings
from smpolicy.posting.models import PhotoConsent, Spokesperson
from smpolicy.schools.demo import DEMO_SLUG
from smpolicy.schools.models import Person, School

HEAD, SPOKESPERSON, REQUESTER = "S001", "S009", "S004"  # Helen Carter, Hannah Ali, Amy Wilson


def demo_logo(size: int = 256) -> bytes:
    """The demo school's logo: a navy shield with a gold wave and the letters SPS."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    s = size / 256
    draw.polygon(
        [
            (28 * s, 20 * s),
            (228 * s, 20 * s),
            (228 * s, 140 * s),
            (128 * s, 236 * s),
            (28 * s, 140 * s),
        ],
        fill=(18, 40, 96),
    )
    draw.arc((40 * s, 60 * s, 216 * s, 200 * s), 200, 340, fill=(236, 178, 36), width=int(14 * s))
    draw.ellipse((104 * s, 44 * s, 152 * s, 92 * s), fill=(236, 178, 36))
    try:
        font = ImageFont.load_default(size=int(44 * s))
    except TypeError:  # Pillow before 10.1 has one size
        font = ImageFont.load_default()
    draw.text((128 * s, 150 * s), "SPS", fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _school_year_end(on: dt.date) -> dt.date:
    start = on.year if on.month >= 9 else on.year - 1
    return dt.date(start + 1, 7, 31)


def _consent(
    pupil: Person,
    parent: Person,
    use: str,
    status: str,
    given: dt.date,
    until: dt.date | None,
    head: Person,
) -> None:
    entry = PhotoConsent(
        school=pupil.school,
        pupil=pupil,
        use=use,
        status=status,
        given_by=parent if status != "requested" else None,
        given_on=given if status != "requested" else None,
        valid_until=until,
        note="Annual consent form",
        recorded_by=head,
    )
    entry.full_clean()
    entry.save()


def load_demo_posting(school: School | None = None, on: dt.date | None = None) -> None:
    school = school or School.objects.get(slug=DEMO_SLUG)
    on = on or timezone.localdate()
    if Spokesperson.objects.for_school(school).exists():
        return
    people = {p.external_id: p for p in Person.objects.for_school(school).exclude(external_id="")}
    head, speaker, requester = people[HEAD], people[SPOKESPERSON], people[REQUESTER]
    now = timezone.now()
    year_end = _school_year_end(on)

    settings = posting_settings(school)
    if not settings.logo:
        settings.logo.save("straits-logo.png", ContentFile(demo_logo()), save=True)

    entry = recording.approve_spokesperson(
        head,
        speaker,
        platforms=["website", "facebook"],
        training="Social media for schools (local authority course)",
        expires_on=year_end,
        restrictions="No pupils' names with photos; school hours only.",
        on=on - dt.timedelta(days=30),
        now=now - dt.timedelta(days=30),
    )
    recording.record_training(
        entry, head, on - dt.timedelta(days=20), now=now - dt.timedelta(days=20)
    )

    asked = recording.request_branding(
        requester,
        uses=["name", "logo"],
        platforms=["facebook"],
        purpose="Posters and posts for the summer fair on the PTA's Facebook page.",
        now=now - dt.timedelta(days=12),
    )
    recording.grant_branding(
        asked,
        head,
        expires_on=year_end,
        valid_from=on - dt.timedelta(days=10),
        written_permission="You may use the school's name and logo on the summer fair posters "
        "and the PTA's posts about the fair, as in the design you showed me.",
        now=now - dt.timedelta(days=10),
    )

    this_year = on - dt.timedelta(days=40)
    pupils = {key: people[key] for key in ("P014", "P022", "P018", "P025")}
    parents = {key: people[key] for key in ("R001", "R002", "R005", "R011")}
    _consent(pupils["P014"], parents["R001"], "social_media", "granted", this_year, year_end, head)
    _consent(pupils["P014"], parents["R001"], "website", "granted", this_year, year_end, head)
    _consent(pupils["P022"], parents["R002"], "social_media", "not_granted", this_year, None, head)
    _consent(
        pupils["P018"],
        parents["R005"],
        "social_media",
        "granted",
        on - dt.timedelta(days=400),
        on - dt.timedelta(days=30),
        head,
    )  # last year's form: expired
    _consent(pupils["P025"], parents["R011"], "website", "requested", this_year, None, head)

    waiting = workflow.create_post(
        speaker,
        platform="facebook",
        text="Year 5 had a brilliant day at the science museum. Thank you to every parent who "
        "helped on the trip!",
        scheduled_for=now + dt.timedelta(days=3),
    )
    workflow.check_post(waiting, speaker)
    workflow.submit(waiting, speaker)

    approved = workflow.create_post(
        speaker,
        platform="website",
        text="Reminder: school closes at 1pm on the last Friday of term. Have a lovely holiday!",
        scheduled_for=now + dt.timedelta(days=7),
    )
    workflow.check_post(approved, speaker)
    workflow.submit(approved, speaker)
    workflow.approve(approved, head, "Thank you, Hannah.")
