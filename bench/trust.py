"""A multi-academy trust in the database, for bench/load.py: schools with their pupils, parents
and staff, a history of safeguarding reports with their alerts, official posts in every state,
network findings, and the accounts the load test signs in as.

Run inside the app's settings (bench/load.py does: ``smpolicy shell -c``), with the sizes in the
BENCH_TRUST environment variable as JSON. Prints one JSON line: the accounts, each with its
password, its authenticator secret when it has a second factor, and what it looks at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack",
         "Kai", "Lily", "Mo", "Nia", "Oscar", "Poppy", "Reuben", "Sofia", "Theo", "Zara"]
LAST = ["Smith", "Jones", "Khan", "Taylor", "Brown", "Patel", "Wilson", "Evans", "Thomas",
        "Roberts", "Walker", "Wright", "Ali", "Hughes", "Green", "Hall", "Wood", "Clarke"]
PLATFORMS = ["snapchat", "tiktok", "instagram", "whatsapp", "roblox", "youtube"]


def people(school: Any, role: str, n: int, rnd: random.Random) -> list[Any]:
    from smpolicy.schools.models import Person
    from smpolicy.schools.testing import born_aged

    made = [
        Person(
            school=school, role=role, first_name=rnd.choice(FIRST),
            last_name=f"{rnd.choice(LAST)}{i}",
            date_of_birth=born_aged(rnd.randint(4, 11)) if role == "pupil" else None,
        )
        for i in range(n)
    ]
    return Person.objects.bulk_create(made, batch_size=1000)


def account(person: Any, password: str, *, second_factor: bool) -> dict[str, Any]:
    from smpolicy.safeguarding.models import SecondFactor
    from smpolicy.schools import testing

    username = f"{person.first_name.lower()}.{person.last_name.lower()}.{person.school.slug}"
    testing.make_user(person, password=password, username=username)
    found: dict[str, Any] = {"username": username, "password": password}
    if second_factor:
        import pyotp

        secret = pyotp.random_base32(32)
        SecondFactor.objects.create(user=person.user, secret=secret)
        found["totp"] = secret
    return found


def school_of(number: int, sizes: dict[str, int], rnd: random.Random) -> list[dict[str, Any]]:
    from smpolicy.network.models import Finding
    from smpolicy.posting import workflow
    from smpolicy.safeguarding import alerts, intake
    from smpolicy.schools import apikeys, testing

    slug = f"trust-{number:02d}"
    school = testing.make_school(f"Trust Academy {number:02d}", slug=slug)
    head = testing.make_person(school, "staff", "Helen", f"Head{number}",
                               positions=["headteacher", "dsl"], email=f"head@{slug}.sch.uk")
    leads = [
        testing.make_person(school, "staff", "Dev", f"Deputy{number}x{i}",
                            positions=["deputy_dsl", "senior_leadership"],
                            email=f"deputy{i}@{slug}.sch.uk")
        for i in range(sizes["leads"])
    ]
    teacher = testing.make_person(school, "staff", "Ada", f"Teacher{number}")
    people(school, "staff", sizes["staff"], rnd)
    pupils = people(school, "pupil", sizes["pupils"], rnd)
    people(school, "parent", sizes["parents"], rnd)

    # Reports: a tenth of them about one pupil, whose chronology is the long one.
    watched = pupils[0]
    now = timezone.now()
    first_report = None
    for i in range(sizes["reports"]):
        pupil = watched if i % 10 == 0 else rnd.choice(pupils)
        at = now - dt.timedelta(hours=rnd.randint(1, 24 * 365))
        given = intake.Answers(
            kind="pupil_contact", reporter=teacher, occurred_at=at,
            account=f"{pupil.first_name} sent a message on {rnd.choice(PLATFORMS)}, time {i}.",
            pupils=[pupil],
        )
        report, routes = intake.create_report(school, given, now=at)
        alerts.raise_alerts(report, routes)
        first_report = first_report or report

    later = now + dt.timedelta(days=30)
    result = {"verdict": "permitted", "clauses": [], "findings": [], "images": [],
              "decision": {"verdict": "permitted", "clauses": [], "obligations": []}}
    for i in range(sizes["posts"]):
        post = workflow.create_post(teacher, platform="facebook", text=f"Our news, week {i}.",
                                    scheduled_for=later, check_result=result)
        step = i % 4
        if step >= 1:
            workflow.submit(post, teacher)
        if step == 2:
            workflow.approve(post, head, "Lovely.")
        if step == 3:
            workflow.reject(post, head, "Say which day.")

    start = now - dt.timedelta(days=7)
    Finding.objects.bulk_create([
        Finding(
            school=school, fingerprint=secrets.token_hex(8), clause="community.age-restrictions",
            verdict="prohibited", network="pupil_wifi", client=f"10.20.{i // 250}.{i % 250}",
            person=rnd.choice(pupils), role="pupil", age=9, platform=rnd.choice(PLATFORMS),
            category="social", domain="www.tiktok.com", requests=rnd.randint(1, 50),
            first_seen=start + dt.timedelta(minutes=i), last_seen=start + dt.timedelta(minutes=i),
            window_start=start, window_seconds=3600,
        )
        for i in range(sizes["findings"])
    ], batch_size=1000)

    key = apikeys.create(school, "Load test", ["decisions"], head.user)
    password = secrets.token_urlsafe(12)
    where = {"school": slug, "pupil": watched.pk, "api_key": key.token,
             "report": first_report.pk if first_report else None}
    out = [{**account(head, password, second_factor=True), **where, "kind": "head"}]
    out += [{**account(p, password, second_factor=True), **where, "kind": "lead"} for p in leads]
    out.append({**account(teacher, password, second_factor=False), **where, "kind": "teacher"})
    return out


def main() -> None:
    sizes = json.loads(os.environ["BENCH_TRUST"])
    rnd = random.Random(sizes.get("seed", 7))
    accounts: list[dict[str, Any]] = []
    for number in range(1, sizes["schools"] + 1):
        with transaction.atomic():
            accounts += school_of(number, sizes, rnd)
    print(json.dumps({"accounts": accounts}))


main()
