"""The demo school: Straits Primary School, its staff, governors, pupils and parents.

``load_demo_school()`` creates it, or brings it up to date, idempotently. The people go in through
the CSV importer (the same path a real school's MIS export takes); posts, line managers and
sign-in users are then set directly. Pupils' dates of birth follow the English school year of
today: a Reception child is 4 or 5, a Year 6 child 10 or 11; they change only when the school year
does. ``demo_people.csv`` beside this file is the same roster written out on one day (for the
post checker's ``--roster``); ``demo_people_csv()`` writes it for any day.

The demo passwords are public: never load the demo school into a real school's deployment.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from smpolicy.safeguarding import access_changes
from smpolicy.schools.importing import import_people
from smpolicy.schools.models import Person, Position, School, today

DEMO_SLUG = "straits"
DEMO_CSV = Path(__file__).with_name("demo_people.csv")
LEADERS_GROUP = "School leaders"
CSV_COLUMNS = (
    "external_id",
    "first_name",
    "last_name",
    "preferred_name",
    "role",
    "date_of_birth",
    "email",
    "on_roll",
    "on_roll_from",
    "on_roll_until",
    "parent_of",
    "relationship",
    "year_group",
    "class",
    "job_title",  # not read by the importer: it ignores columns it does not know
)

# One class a year, as in a one-form-entry primary: Reception is Acorn class, Year 6 Willow.
DEMO_CLASSES = ("Acorn", "Birch", "Cedar", "Hazel", "Maple", "Oak", "Willow")


@dataclass(frozen=True)
class DemoPerson:
    key: str  # the MIS id (external_id)
    first_name: str
    last_name: str
    role: str
    job: str = ""
    preferred_name: str = ""
    year: int | None = None  # pupils: 0 for Reception to 6 for Year 6
    born: tuple[int, int] = (1, 1)  # pupils' month and day of birth
    former_aged: int | None = None  # a former pupil, this old today
    parent_of: tuple[str, ...] = ()
    relationship: str = ""
    posts: tuple[str, ...] = ()
    line_manager: str | None = None
    joined: str | None = None  # "YYYY-MM-DD", or "this-september" for a new starter
    username: str | None = None
    superuser: bool = False

    @property
    def password(self) -> str:
        return f"straits-{self.username}-demo"


P = DemoPerson
# fmt: off
STAFF = (
    P("S001", "Helen", "Carter", "staff", "Headteacher and Designated Safeguarding Lead",
      posts=("headteacher", "dsl"), joined="2016-09-01", username="head"),
    P("S002", "Mark", "Evans", "staff", "Deputy Headteacher and Year 6 teacher",
      posts=("senior_leadership",), line_manager="S001", joined="2017-09-01"),
    P("S003", "Priya", "Shah", "staff", "SENCo and Deputy Designated Safeguarding Lead",
      posts=("deputy_dsl",), line_manager="S001", joined="2018-01-08", username="deputydsl"),
    P("S004", "Amy", "Wilson", "staff", "Reception teacher", line_manager="S002",
      joined="2019-09-02"),
    P("S005", "Tom", "Hughes", "staff", "Year 1 teacher (new this September)",
      line_manager="S002", joined="this-september", username="teacher"),
    P("S006", "Sophie", "Brown", "staff", "Year 2 teacher", line_manager="S002",
      joined="2015-09-01"),
    P("S007", "Daniel", "Murphy", "staff", "Year 3 teacher", line_manager="S002",
      joined="2020-09-01"),
    P("S008", "Grace", "Thompson", "staff", "Year 4 teacher", line_manager="S002",
      joined="2014-09-01"),
    P("S009", "Hannah", "Ali", "staff", "Year 5 teacher", line_manager="S002",
      joined="2021-09-01"),
    P("S010", "Lucy", "Green", "staff", "Teaching assistant, Reception and Year 1",
      line_manager="S004", joined="2019-09-02", username="ta"),
    P("S011", "Fatima", "Begum", "staff", "Teaching assistant, Year 3", line_manager="S007",
      joined="2022-09-01"),
    P("S012", "Karen", "Doyle", "staff", "Teaching assistant, Years 5 and 6",
      line_manager="S009", joined="2012-09-03"),
    P("S013", "Ravi", "Patel", "staff", "IT technician and computing lead", posts=("it_lead",),
      line_manager="S014", joined="2020-01-06", username="itlead"),
    P("S014", "Claire", "Robinson", "staff", "School business manager (site administrator)",
      line_manager="S001", joined="2013-04-15", username="admin", superuser=True),
    P("V001", "Margaret", "Allen", "volunteer", "Reading volunteer", line_manager="S006",
      joined="2023-01-09"),
    P("T001", "Ben", "Foster", "trainee", "PGCE trainee teacher on placement in Year 4",
      line_manager="S008", joined="this-september"),
    P("X001", "Jo", "Marsh", "third_party", "Sports coach (Active Kids Ltd), runs PE clubs",
      joined="2022-04-19"),
    P("G001", "David", "Clarke", "governor", "Chair of Governors", posts=("chair_of_governors",),
      username="chair"),
    P("G002", "Anita", "Kaur", "governor", "Safeguarding governor"),
    P("G003", "Peter", "Walsh", "governor", "Local authority governor"),
    P("E001", "Susan", "Price", "elected_member", "Ward councillor"),
)
PUPILS = (
    P("P001", "Zain", "Khan", "pupil", year=0, born=(10, 12)),
    P("P002", "Ruby", "Jones", "pupil", year=0, born=(2, 3)),
    P("P003", "Leo", "Wright", "pupil", year=0, born=(6, 21)),
    P("P004", "Isla", "Campbell", "pupil", year=0, born=(8, 30)),
    P("P005", "Mohammed", "Rahman", "pupil", year=0, born=(12, 1)),
    P("P006", "Ella", "Smith", "pupil", year=1, born=(4, 17)),
    P("P007", "Noah", "Hart", "pupil", year=1, born=(9, 5)),
    P("P008", "Freya", "Walker", "pupil", year=1, born=(1, 28)),
    P("P009", "Yusuf", "Ahmed", "pupil", year=1, born=(7, 9)),
    P("P010", "Hamza", "Khan", "pupil", year=2, born=(3, 14)),
    P("P011", "Lily", "Nowak", "pupil", year=2, born=(11, 23)),
    P("P012", "George", "Baker", "pupil", year=2, born=(5, 2)),
    P("P013", "Maisie", "Turner", "pupil", year=2, born=(8, 11)),
    P("P014", "Oliver", "Smith", "pupil", year=3, born=(9, 29)),
    P("P015", "Ava", "Morgan", "pupil", year=3, born=(1, 15)),
    P("P016", "Theo", "Lewis", "pupil", year=3, born=(6, 6)),
    P("P017", "Sienna", "Scott", "pupil", year=3, born=(2, 29)),  # 29 February in a leap year
    P("P018", "Mia", "Cole", "pupil", year=4, born=(10, 3)),
    P("P019", "Kwame", "Mensah", "pupil", year=4, born=(4, 25)),
    P("P020", "Harry", "Fletcher", "pupil", year=4, born=(7, 30)),
    P("P021", "Evie", "Palmer", "pupil", year=4, born=(12, 19)),
    P("P022", "Amira", "Khan", "pupil", year=5, born=(5, 8)),
    P("P023", "Jacob", "Hill", "pupil", year=5, born=(9, 14)),
    P("P024", "Poppy", "Ward", "pupil", year=5, born=(2, 10)),
    P("P025", "Arjun", "Mehta", "pupil", year=5, born=(11, 2)),
    P("P026", "Charlotte", "Young", "pupil", preferred_name="Charlie", year=5, born=(6, 27)),
    P("P027", "Chloe", "Taylor", "pupil", year=6, born=(3, 3)),
    P("P028", "Ethan", "Wood", "pupil", year=6, born=(10, 30)),
    P("P029", "Niamh", "O'Connor", "pupil", year=6, born=(1, 6)),
    P("P030", "Samuel", "Adeyemi", "pupil", year=6, born=(7, 18)),
    P("P031", "Alfie", "Roberts", "pupil", year=6, born=(12, 12)),
    P("P032", "Jayden", "Cole", "pupil", "Left after Year 6; now at secondary school",
      born=(3, 14), former_aged=12),
    P("P033", "Olivia", "Hart", "pupil", "Left after Year 6 years ago; now at university",
      born=(6, 2), former_aged=19),
)
PARENTS = (
    P("R001", "Sarah", "Smith", "parent", parent_of=("P014", "P006"), relationship="mother"),
    P("R002", "Nadia", "Khan", "parent", parent_of=("P022", "P010", "P001"),
      relationship="mother"),
    P("R003", "Imran", "Khan", "parent", parent_of=("P022", "P010", "P001"),
      relationship="father"),
    P("R004", "Gemma", "Taylor", "parent", parent_of=("Chloe Taylor",), relationship="mother"),
    P("R005", "Lisa", "Cole", "parent", parent_of=("P018", "P032"), relationship="mother"),
    P("R006", "Rachel", "Hart", "parent", parent_of=("P007", "P033"), relationship="mother"),
    P("R007", "Ama", "Mensah", "parent", "Grandmother", parent_of=("P019",),
      relationship="carer"),
    P("R008", "Piotr", "Nowak", "parent", parent_of=("P011",), relationship="father"),
    P("R009", "Joanne", "Wood", "parent", parent_of=("P028",), relationship="mother"),
    P("R010", "Michael", "Turner", "parent", parent_of=("P013",), relationship="father"),
    P("R011", "Sunita", "Mehta", "parent", parent_of=("P025",), relationship="guardian"),
    P("R012", "Kevin", "Jones", "parent", parent_of=("P002",), relationship="father"),
)
# fmt: on
DEMO_PEOPLE: tuple[DemoPerson, ...] = STAFF + PUPILS + PARENTS


def school_year_start(on: dt.date) -> int:
    """The calendar year in which the school year holding ``on`` began (on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def _birthday(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, month, 28)


def pupil_birth_date(year_group: int, month: int, day: int, on: dt.date) -> dt.date:
    """A birth date in the cohort of ``year_group`` (0 = Reception) in the school year of ``on``:
    born between 1 September and 31 August, 4 or 5 years before the year they start Reception."""
    start = school_year_start(on) - year_group
    return _birthday(start - 5 if month >= 9 else start - 4, month, day)


def _born_aged(age: int, month: int, day: int, on: dt.date) -> dt.date:
    year = on.year - age if (month, day) <= (on.month, on.day) else on.year - age - 1
    return _birthday(year, month, day)


def _email(spec: DemoPerson) -> str:
    if spec.role in {"staff", "trainee"}:
        return f"{spec.first_name[0]}.{spec.last_name}@straits.sch.uk".lower()
    return ""


def demo_rows(on: dt.date | None = None) -> list[dict[str, str]]:
    """The demo roster as CSV rows (column name to text) for the day ``on``."""
    on = on or today()
    rows = []
    for spec in DEMO_PEOPLE:
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update(
            external_id=spec.key,
            first_name=spec.first_name,
            last_name=spec.last_name,
            preferred_name=spec.preferred_name,
            role=spec.role,
            email=_email(spec),
            parent_of=";".join(spec.parent_of),
            relationship=spec.relationship,
            job_title=spec.job,
        )
        if spec.former_aged is not None:
            born = _born_aged(spec.former_aged, *spec.born, on)
            reception = born.year + (5 if born.month >= 9 else 4)
            row.update(
                date_of_birth=born.isoformat(),
                on_roll="former",
                on_roll_from=dt.date(reception, 9, 1).isoformat(),
                on_roll_until=dt.date(reception + 7, 7, 21).isoformat(),  # the end of Year 6
            )
        elif spec.year is not None:
            row.update(
                year_group="Reception" if spec.year == 0 else f"Year {spec.year}",
                **{"class": DEMO_CLASSES[spec.year]},
                date_of_birth=pupil_birth_date(spec.year, *spec.born, on).isoformat(),
                on_roll="current",
                on_roll_from=dt.date(school_year_start(on) - spec.year, 9, 1).isoformat(),
            )
        rows.append(row)
    return rows


def demo_people_csv(on: dt.date | None = None) -> str:
    """The demo roster as CSV text, as a school's MIS would export it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_rows(on))
    return out.getvalue()


def _joined(spec: DemoPerson, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """When they joined, and (for this September's new starters) the end of their first term."""
    if spec.joined == "this-september":
        start = dt.date(school_year_start(on), 9, 1)
        return start, dt.date(start.year, 12, 19)
    return (dt.date.fromisoformat(spec.joined) if spec.joined else None), None


def _leaders_group() -> Group:
    group, _ = Group.objects.get_or_create(name=LEADERS_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label="schools",
        content_type__model__in=["person", "parentlink", "position"],
    ) | Permission.objects.filter(content_type__app_label="schools", codename="view_school")
    group.permissions.add(*perms)
    return group


@transaction.atomic
def load_demo_school(on: dt.date | None = None) -> list[tuple[str, str, str]]:
    """Create or update the demo school; returns its logins as (username, password, who)."""
    on = on or today()
    school, _ = School.objects.update_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Straits Primary School",
            "short_names": ["Straits Primary", "Straits"],
            "email_domains": ["straits.sch.uk"],
            "phone_numbers": ["01632 960000"],
            "address": "Straits Primary School\nStraits Lane\nStraitsford\nST1 0AA",
        },
    )
    # The roster is the whole workforce, most of it long-serving: the registers' demo opens the
    # new starters' profile reviews from their joining dates (profiles.sync_reviews).
    report = import_people(school, demo_people_csv(on), profile_reviews=False)
    if not report.ok:
        raise RuntimeError(f"The demo roster did not import:\n{report.as_text()}")
    people = {
        p.external_id: p
        for p in Person.objects.for_school(school).filter(external_id__in=[s.key for s in STAFF])
    }
    User = get_user_model()
    logins = []
    for spec in STAFF:
        person = people[spec.key]
        joined_on, new_starter_until = _joined(spec, on)
        manager = people[spec.line_manager] if spec.line_manager else None
        wanted = {
            "line_manager": manager,
            "joined_on": joined_on,
            "new_starter_until": new_starter_until,
        }
        if any(getattr(person, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(person, name, value)
            person.save()
        for kind in spec.posts:
            if (
                not Position.objects.for_school(school)
                .filter(person=person, kind=kind, ends_on__isnull=True)
                .exists()
            ):
                starts_on = joined_on or on
                if kind in Position.GUARDED:
                    access_changes.appoint_directly(
                        person, kind, source="the demo school's set-up", starts_on=starts_on
                    )
                else:
                    Position.objects.create(
                        school=school, person=person, kind=kind, starts_on=starts_on
                    )
        if spec.username:
            user, _ = User.objects.get_or_create(username=spec.username)
            user.first_name, user.last_name = spec.first_name, spec.last_name
            user.email = _email(spec)
            user.is_active = True
            user.is_superuser = spec.superuser
            user.is_staff = spec.superuser or "headteacher" in spec.posts
            user.set_password(spec.password)
            user.save()
            if "headteacher" in spec.posts:
                user.groups.add(_leaders_group())
            if person.user_id != user.pk:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                person.user = user
                person.save(update_fields=["user"])
            logins.append((spec.username, spec.password, f"{person.full_name}: {spec.job}"))
    return logins
