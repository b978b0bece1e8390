"""The demo school's registers: a signed policy in force, who has acknowledged it, declared
contacts, new starters' reviews, the named responsible people and one professional judgement.

``load_demo_registers()`` runs after ``smpolicy.schools.demo.load_demo_school()``; it is
idempotent (it adds nothing once the demo's first policy version exists).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from smpolicy.registers import declarations, profiles, versions
from smpolicy.registers.models import (
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    Responsibility,
)
from smpolicy.schools.demo import DEMO_SLUG
from smpolicy.schools.models import Person, School

# Who has not yet acknowledged the policy in the demo (MIS ids): the new starters and a few more.
NOT_YET_ACKNOWLEDGED = ("S005", "T001", "X001", "E001", "G003")


@transaction.atomic
def load_demo_registers(on: dt.date | None = None) -> School:
    on = on or timezone.localdate()
    school = School.objects.get(slug=DEMO_SLUG)
    if PolicyVersion.objects.for_school(school).exists():
        return school
    people = {p.external_id: p for p in Person.objects.for_school(school)}
    head, chair, deputy = people["S001"], people["G001"], people["S002"]
    now = timezone.now()

    agreed = on - dt.timedelta(days=60)
    version = versions.new_version(
        school, head,
        "The policy as agreed by the governing body, recorded here for the first time: every "
        "clause has a stable id that the product cites.",
    )
    versions.submit(version, now)
    versions.sign(version, chair, "chair", agreed, now)
    versions.sign(version, head, "head", agreed, now)
    versions.record_meeting(version, agreed, now)
    versions.put_in_force(version, agreed + dt.timedelta(days=4), now=now)
    for person in versions.covered_people(school):
        if person.external_id not in NOT_YET_ACKNOWLEDGED:
            versions.acknowledge(person, version, now - dt.timedelta(days=50))

    contact = declarations.declare(
        people["S004"], [people["R001"]],
        "Our children are in the same swimming club and we are friends outside school.",
        ["facebook", "whatsapp"], now=now - dt.timedelta(days=40),
    )
    declarations.acknowledge(contact, deputy, "Discussed: no school matters in messages; "
                             "reports on the children go through school channels.", now)
    declarations.declare(
        people["S012"], [people["R002"]],
        "Neighbours for many years; we talk on the street and in a local group chat.",
        ["whatsapp"], now=now - dt.timedelta(days=3),
    )

    profiles.sync_reviews(school, on)
    trainee_review = ProfileReview.objects.for_school(school).filter(
        person=people["T001"], completed_at__isnull=True).first()
    if trainee_review is not None:
        profiles.complete(trainee_review, {i["key"]: True for i in trainee_review.checklist},
                          "Made my Instagram private and removed old photos.", now)

    for kind, key in ((Responsibility.Kind.FILTERING_LEADER, "S002"),
                      (Responsibility.Kind.FILTERING_GOVERNOR, "G002")):
        Responsibility.objects.create(
            school=school, kind=kind, person=people[key], starts_on=agreed,
            note="Named at the Full Governing Body meeting.", recorded_by=head,
        )

    JudgementAdvisory.objects.create(
        school=school, advised_by=people["S006"], advised_to=head,
        when=JudgementAdvisory.When.TAKEN, occurred_on=on - dt.timedelta(days=10),
        situation="On the Year 2 trip the coach broke down and the school phone had no signal; "
        "I rang two parents from my own mobile to say we would be late.",
        justification="The children's safety and their parents' worry came first; I deleted "
        "the numbers afterwards.",
        response="Right call. We will take a charged school mobile on every trip from now on.",
        la_advice=JudgementAdvisory.LaAdvice.NOT_NEEDED, seen_at=now,
    )
    return school
