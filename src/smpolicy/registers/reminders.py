"""Reminders: worked out from the registers for a moment ``now``, sent in the app and by e-mail,
each exactly once.

``run(now)`` is what ``smpolicy send-reminders`` does for every school: it opens the tasks that are
due (profile reviews for new starters, reviews of declared contacts), then works out every reminder
due at ``now`` and sends those not sent before. A reminder is named by its key (what, which record,
which step, to whom); the key is unique in the database, so running the command twice, or two
copies at once, never sends one twice.

Steps before a due date are the school's (e.g. 30, 14 and 7 days before): at any moment only the
latest step reached is due, so a school that starts late is not sent a pile of stale reminders.
After the date: one "overdue" reminder to the person, then, ``escalate_after_days`` later, one to
whoever oversees it.

E-mails say what needs doing and link to it; they never name a pupil or a family, since an
e-mail can be forwarded or read over a shoulder. Only an escalation names someone: the colleague
who is late, to the person who oversees them, which is what it is for.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import declarations, profiles
from smpolicy.registers.models import (
    COVERED_ROLES,
    Acknowledgement,
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    RegisterSettings,
    Reminder,
    SocialContact,
    SocialContactReview,
    SubjectAccessRequest,
    settings_for,
)
from smpolicy.registers.oversight import filtering_review_state, named_responsibles
from smpolicy.schools.mailing import address_of
from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import headteacher, holders
from smpolicy.words import counted

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 3


@dataclass(frozen=True)
class Due:
    key: str
    recipient: Person
    kind: str
    title: str
    body: str
    url: str


@dataclass
class RunReport:
    school: School
    tasks_opened: int = 0
    sent: list[Reminder] = field(default_factory=list)
    emailed: int = 0
    email_problems: int = 0


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def step_before(due_on: dt.date, today: dt.date, days: list[int]) -> str | None:
    """The latest step reached before ``due_on``: "before-7" when 7 or fewer days are left (and 7
    is the smallest step at least as large as what is left); None when none is reached yet."""
    left = (due_on - today).days
    if left < 0:
        return None
    reached = [d for d in days if left <= d]
    return f"before-{min(reached)}" if reached else None


def _leaders(school: School) -> list[Person]:
    found = {p.pk: p for p in holders(school, "headteacher")}
    found.update({p.pk: p for p in holders(school, "senior_leadership")})
    return list(found.values())


def _overseer(person: Person, school: School) -> list[Person]:
    """Who is told when ``person`` is late: their line manager; for governors, the Chair; else
    the headteacher."""
    if person.line_manager_id and person.line_manager_id != person.pk:
        return [person.line_manager]
    if person.role == "governor":
        chairs = [c for c in holders(school, "chair_of_governors") if c.pk != person.pk]
        if chairs:
            return chairs
    head = headteacher(school)
    return [head] if head is not None and head.pk != person.pk else []


class _Collector:
    def __init__(self, school: School, now: dt.datetime) -> None:
        self.school = school
        self.now = now
        self.today = timezone.localdate(now)
        self.settings: RegisterSettings = settings_for(school)
        self.due: list[Due] = []

    def add(
        self, kind: str, record: object, step: str, people: Iterable[Person | None],
        title: str, body: str, url: str,
    ) -> None:
        seen: set[int] = set()
        for person in people:
            if person is None or person.pk in seen:
                continue
            seen.add(person.pk)
            key = f"{kind}:{getattr(record, 'pk', record)}:{step}:{person.pk}"
            self.due.append(Due(key, person, kind, title, body, url))

    def task(
        self, kind: str, record: object, owner: Person, due_on: dt.date, what: str, url: str,
        overseers: list[Person], opened_on: dt.date,
    ) -> None:
        """The reminders of one task with an owner and a due date."""
        self.add(kind, record, "assigned", [owner], f"To do: {what}",
                 f"Please {what.lower()} by {_date(due_on)}.", url)
        step = step_before(due_on, self.today, self.settings.days("task_reminder_days"))
        # A step whose day came before the task was opened would only repeat "assigned".
        if step and (due_on - opened_on).days > int(step.split("-")[1]):
            self.add(kind, record, step, [owner], f"Due {_date(due_on)}: {what}",
                     f"A reminder: please {what.lower()} by {_date(due_on)}.", url)
        late = (self.today - due_on).days
        if late >= 1:
            self.add(kind, record, "overdue", [owner], f"Overdue: {what}",
                     f"This was due on {_date(due_on)}. Please {what.lower()} now.", url)
        if late >= self.settings.escalate_after_days:
            name = owner.full_name
            self.add(kind, record, "escalated", overseers,
                     f"Overdue for {counted(late, 'day')}: a task of {name}",
                     f"{name} has not yet done this, due on {_date(due_on)}: {what.lower()}. "
                     "Please follow it up with them.",
                     reverse("registers:home"))

    # -- each register --------------------------------------------------------------------------

    def profile_reviews(self) -> None:
        for review in ProfileReview.objects.for_school(self.school).filter(
            completed_at__isnull=True
        ).select_related("person__line_manager"):
            self.task(
                "profile_review", review, review.person, review.due_on,
                "Review your own social media profiles",
                reverse("registers:profile_review", args=[review.pk]),
                _overseer(review.person, self.school),
                timezone.localdate(review.created_at),
            )

    def contact_reviews(self) -> None:
        reviews = (
            SocialContactReview.objects.for_school(self.school)
            .filter(completed_at__isnull=True)
            .select_related("contact__staff")
        )
        for review in reviews:
            contact = review.contact
            self.task(
                "contact_review", review, contact.staff, review.due_on,
                "Review a social contact you declared",
                reverse("registers:review_declaration", args=[contact.pk]),
                [p for p in _leaders(self.school) if p.pk != contact.staff_id],
                timezone.localdate(review.created_at),
            )

    def contacts_to_acknowledge(self) -> None:
        waiting = SocialContact.objects.for_school(self.school).filter(
            status=SocialContact.Status.DECLARED
        )
        for contact in waiting:
            leaders = [p for p in _leaders(self.school) if p.pk != contact.staff_id]
            url = reverse("registers:declaration", args=[contact.pk])
            self.add("contact_ack", contact, "new", leaders,
                     "A declared social contact is waiting for you to acknowledge it",
                     "A member of staff has declared a social contact with a pupil's family "
                     "(personal-info.social-contacts). Please read and acknowledge it.", url)
            waited = (self.today - timezone.localdate(contact.declared_at)).days
            if waited >= self.settings.escalate_after_days:
                head = headteacher(self.school)
                self.add("contact_ack", contact, "escalated",
                         [head] if head and head.pk != contact.staff_id else [],
                         f"A declared social contact has waited {counted(waited, 'day')}",
                         "Nobody on the senior leadership team has acknowledged it yet.", url)

    def acknowledgements(self) -> None:
        version = PolicyVersion.objects.for_school(self.school).filter(
            status=PolicyVersion.Status.IN_FORCE
        ).first()
        if version is None or version.in_force_from is None:
            return
        done = set(
            Acknowledgement.objects.for_school(self.school)
            .filter(version=version)
            .values_list("person_id", flat=True)
        )
        days = sorted(self.settings.days("acknowledgement_reminder_days"))
        if self.today < version.in_force_from:
            return
        # Each person's clock starts when they were asked, so someone who joins later, or a
        # school that starts sending late, gets the steps in turn and not all at once.
        prefix = f"policy_ack:{version.pk}:asked:"
        asked = {
            int(key[len(prefix):]): timezone.localdate(at)
            for key, at in Reminder.objects.for_school(self.school)
            .filter(key__startswith=prefix)
            .values_list("key", "created_at")
        }
        url = reverse("registers:policy")
        what = f"Read and acknowledge the social media policy (version {version.label})"
        people = (
            Person.objects.for_school(self.school)
            .filter(role__in=COVERED_ROLES)
            .exclude(pk__in=done)
            .select_related("line_manager")
        )
        escalate_at = (max(days) if days else 0) + self.settings.escalate_after_days
        for person in people:
            self.add("policy_ack", version, "asked", [person], f"To do: {what}",
                     f"The school's social media policy has a new version in force since "
                     f"{_date(version.in_force_from)}. Please read it and acknowledge it.", url)
            if person.pk not in asked:
                continue
            since = (self.today - asked[person.pk]).days
            reached = [d for d in days if since >= d]
            if reached:
                self.add("policy_ack", version, f"after-{max(reached)}", [person],
                         f"Reminder: {what}",
                         f"You have not yet acknowledged the version in force since "
                         f"{_date(version.in_force_from)}.", url)
            if since >= escalate_at:
                self.add("policy_ack", version, "escalated", _overseer(person, self.school),
                         f"{person.full_name} has not acknowledged the policy",
                         f"{person.full_name} has not acknowledged version {version.label}, in "
                         f"force since {_date(version.in_force_from)}. Please follow it up.",
                         reverse("registers:coverage"))

    def sign_off(self) -> None:
        waiting = PolicyVersion.objects.for_school(self.school).filter(
            status=PolicyVersion.Status.UNDER_REVIEW
        )
        for version in waiting:
            url = reverse("registers:version", args=[version.pk])
            if version.chair_signed_on is None:
                self.add("policy_sign", version, "chair",
                         holders(self.school, "chair_of_governors"),
                         f"The social media policy (version {version.label}) is ready to sign",
                         "Please read it and sign it as the Chair of Governors "
                         "(governance.sign-off).", url)
            if version.head_signed_on is None:
                self.add("policy_sign", version, "head", holders(self.school, "headteacher"),
                         f"The social media policy (version {version.label}) is ready to sign",
                         "Please read it and sign it as the Headteacher (governance.sign-off).",
                         url)

    def policy_review(self) -> None:
        version = PolicyVersion.objects.for_school(self.school).filter(
            status=PolicyVersion.Status.IN_FORCE, review_due_on__isnull=False
        ).first()
        if version is None:
            return
        due_on = version.review_due_on
        owners = [*holders(self.school, "headteacher"), *holders(self.school, "chair_of_governors")]
        url = reverse("registers:versions")
        step = step_before(due_on, self.today, self.settings.days("policy_review_reminder_days"))
        if step:
            self.add("policy_review", version, step, owners,
                     f"The social media policy is due for review by {_date(due_on)}",
                     f"Version {version.label} is due for review by {_date(due_on)}. Draft the "
                     "next version and take it to the governing body.", url)
        late = (self.today - due_on).days
        if late >= 1:
            self.add("policy_review", version, "overdue", owners,
                     "The social media policy's review is overdue",
                     f"Version {version.label} was due for review on {_date(due_on)}.", url)
        if late >= self.settings.escalate_after_days:
            self.add("policy_review", version, "escalated",
                     Person.objects.for_school(self.school).filter(role="governor"),
                     f"The social media policy's review is {counted(late, 'day')} overdue",
                     f"Version {version.label} was due for review on {_date(due_on)}; the "
                     "governing body agrees each version (governance.sign-off).", url)

    def filtering_review(self) -> None:
        state = filtering_review_state(self.school)
        if not state.recorded:
            return
        leader, governor = named_responsibles(self.school, self.today)
        owners = [p for p in (leader, governor) if p is not None]
        if not owners:
            return
        url = reverse("registers:oversight")
        if state.next_due is None:
            self.add("filtering_review", "none", "none-recorded", owners,
                     "No filtering and monitoring review is recorded",
                     "The DfE standards ask for a review at least once a year, recorded "
                     "(when, who, what was checked, what was done).", url)
            return
        record = f"{state.pk}"
        step = step_before(state.next_due, self.today,
                           self.settings.days("policy_review_reminder_days"))
        if step:
            self.add("filtering_review", record, step, owners,
                     f"The filtering and monitoring review is due by {_date(state.next_due)}",
                     "The DfE standards ask for a review at least once a year.", url)
        late = (self.today - state.next_due).days
        if late >= 1:
            self.add("filtering_review", record, "overdue", owners,
                     "The filtering and monitoring review is overdue",
                     f"It was due on {_date(state.next_due)}.", url)
        if late >= self.settings.escalate_after_days:
            self.add("filtering_review", record, "escalated",
                     [*holders(self.school, "headteacher"),
                      *holders(self.school, "chair_of_governors")],
                     f"The filtering and monitoring review is {counted(late, 'day')} overdue",
                     f"It was due on {_date(state.next_due)}.", url)

    def advisories(self) -> None:
        for advisory in JudgementAdvisory.objects.for_school(self.school).filter(
            seen_at__isnull=True
        ).select_related("advised_to"):
            self.add("judgement", advisory, "new", [advisory.advised_to],
                     "A professional judgement has been advised to you",
                     "A member of staff has told you of a professional judgement taken or "
                     "proposed outside the policy (exceptions.professional-judgement). Please "
                     "read it and say whether Local Authority advice is needed.",
                     reverse("registers:advisory", args=[advisory.pk]))

    def access_requests(self) -> None:
        for request in SubjectAccessRequest.objects.for_school(self.school).filter(
            released_at__isnull=True
        ).select_related("created_by"):
            owners = [request.created_by] if request.created_by else []
            owners += list(holders(self.school, "headteacher"))
            url = reverse("registers:access_request", args=[request.pk])
            step = step_before(request.due_on, self.today, self.settings.days("task_reminder_days"))
            if step:
                self.add("access_request", request, step, owners,
                         f"A subject access request is due by {_date(request.due_on)}",
                         "Review what is held back and release the bundle.", url)
            if (self.today - request.due_on).days >= 1:
                self.add("access_request", request, "overdue", owners,
                         "A subject access request is overdue",
                         f"The answer was due on {_date(request.due_on)}.", url)


def due_reminders(school: School, now: dt.datetime) -> list[Due]:
    """Every reminder due at ``now``, sent before or not."""
    collect = _Collector(school, now)
    collect.profile_reviews()
    collect.contact_reviews()
    collect.contacts_to_acknowledge()
    collect.acknowledgements()
    collect.sign_off()
    collect.policy_review()
    collect.filtering_review()
    collect.advisories()
    collect.access_requests()
    return collect.due


def email(reminder: Reminder, now: dt.datetime | None = None) -> bool:
    """E-mail one reminder; records the outcome. True when sent."""
    person = reminder.recipient
    address = address_of(person)
    reminder.email_attempts += 1
    if not address:
        reminder.email_problem = "No e-mail address is recorded for this person."
        reminder.save(update_fields=["email_attempts", "email_problem"])
        return False
    school = reminder.school.name
    body = (
        f"Hello {person.preferred_name or person.first_name},\n\n{reminder.body}\n\n"
        f"Open it here (you will be asked to sign in):\n{settings.SITE_URL}{reminder.url}\n\n"
        f"{school}: social media policy.\n"
    )
    try:
        send_mail(f"{reminder.title} ({school})", body, settings.DEFAULT_FROM_EMAIL, [address],
                  fail_silently=False)
    except Exception as exc:
        log.warning("reminder e-mail to person %s failed: %s", person.pk, type(exc).__name__)
        reminder.email_problem = f"The e-mail could not be sent ({type(exc).__name__})."
        reminder.save(update_fields=["email_attempts", "email_problem"])
        return False
    reminder.emailed_at = now or timezone.now()
    reminder.email_problem = ""
    reminder.save(update_fields=["email_attempts", "email_problem", "emailed_at"])
    return True


def send(school: School, due: list[Due], now: dt.datetime, *, by_email: bool = True
         ) -> list[Reminder]:
    """Record each reminder not sent before, and e-mail it. Returns the new ones."""
    made = []
    known = set(
        Reminder.objects.for_school(school)
        .filter(key__in=[d.key for d in due])
        .values_list("key", flat=True)
    )
    for item in due:
        if item.key in known:
            continue
        known.add(item.key)
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    school=school, recipient=item.recipient, key=item.key, kind=item.kind,
                    title=item.title[:200], body=item.body, url=item.url, created_at=now,
                )
        except IntegrityError:  # another run sent it a moment ago
            continue
        made.append(reminder)
    if by_email:
        for reminder in made:
            email(reminder, now)
    return made


def notify_now(school: School, now: dt.datetime | None = None) -> list[Reminder]:
    """Send what is due at once (a new declaration, an advisory): called after a change so that
    nobody waits for the scheduler; the scheduler would send the same, once."""
    now = now or timezone.now()
    by_email = settings_for(school).email_reminders
    return send(school, due_reminders(school, now), now, by_email=by_email)


def retry_emails(school: School, now: dt.datetime) -> int:
    sent = 0
    failed = Reminder.objects.for_school(school).filter(
        Q(emailed_at__isnull=True),
        ~Q(email_problem=""),
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        created_at__lt=now,  # not the ones that failed a moment ago in this run
    ).select_related("recipient__user", "school")
    for reminder in failed:
        if address_of(reminder.recipient):
            sent += email(reminder, now)
    return sent


def run_for_school(school: School, now: dt.datetime) -> RunReport:
    report = RunReport(school)
    today = timezone.localdate(now)
    report.tasks_opened += len(profiles.sync_reviews(school, today, now))
    report.tasks_opened += len(declarations.sync_reviews(school, today, now))
    by_email = settings_for(school).email_reminders
    report.sent = send(school, due_reminders(school, now), now, by_email=by_email)
    if by_email:
        report.emailed = sum(1 for r in report.sent if r.emailed_at)
        report.email_problems = sum(1 for r in report.sent if r.email_problem)
        report.emailed += retry_emails(school, now)
    return report


def run(now: dt.datetime | None = None, schools: Iterable[School] | None = None
        ) -> list[RunReport]:
    now = now or timezone.now()
    return [run_for_school(school, now) for school in (schools or School.objects.all())]


def unread_for(person: Person) -> list[Reminder]:
    return list(
        Reminder.objects.for_school(person.school_id).filter(recipient=person, read_at__isnull=True)
    )
