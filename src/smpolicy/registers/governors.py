"""The governors' termly report: anonymised counts, with charts where a picture says it better.

The report is built as data (``build(school, term)``), then shown as a web page and printed as a
PDF from the same data. Nothing in it names or describes a person: it holds counts of records, the
policy's clause ids, category labels and dates no finer than a day for the policy's own sign-off.
The other apps' sections (safeguarding reports, network monitoring, posts for the school) appear
where those apps' models exist, read defensively: a section whose app is absent, or whose records
cannot be read, is left out and the report says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.models import Q
from django.utils import timezone

from smpolicy.registers import versions
from smpolicy.registers.models import (
    JOINER_ROLES,
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    Responsibility,
    SocialContact,
    SocialContactReview,
)
from smpolicy.registers.oversight import filtering_review_state, optional_model, responsibles
from smpolicy.registers.terms import Term
from smpolicy.schools.models import ROLE_LABELS, School, year_group_order
from smpolicy.words import counted

log = logging.getLogger(__name__)


@dataclass
class Chart:
    title: str
    bars: list[tuple[str, int]]
    # For a stacked bar per row (e.g. acknowledged of covered): the whole of each row.
    totals: list[int] | None = None
    unit: str = ""


@dataclass
class Block:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""


@dataclass
class Section:
    title: str
    clause: str
    blocks: list[Block]
    intro: str = ""


@dataclass
class Report:
    school_name: str
    term: Term
    generated_at: dt.datetime
    sections: list[Section]
    left_out: list[str]

    @property
    def charts(self) -> list[Chart]:
        return [b.chart for s in self.sections for b in s.blocks if b.chart is not None]


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not recorded"


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _in(span: tuple[dt.datetime, dt.datetime], name: str) -> Q:
    return Q(**{f"{name}__gte": span[0], f"{name}__lt": span[1]})


def _on(term: Term, name: str) -> Q:
    return Q(**{f"{name}__gte": term.start, f"{name}__lte": term.end})


# -- small numbers -------------------------------------------------------------------------------
# Counts about children are shown the way the DfE publishes statistics: a count from 1 to 4 is
# "fewer than 5", since a governor who knows the school could tell who a "1" is. Where one cell of
# a breakdown is hidden, the next smallest is hidden too, so that the total minus the others cannot
# give it back. Counts about the policy's own running (versions, sign-off, staff) are shown whole.
SMALL = 5
HIDDEN = f"fewer than {SMALL}"
WITHHELD = "not shown"
SMALL_NOTE = (
    f"Counts from 1 to {SMALL - 1} about pupils' records are shown as \u201c{HIDDEN}\u201d, and "
    "are not drawn, so that no child can be recognised from them; where the total would give "
    "such a count back, one more count is \u201cnot shown\u201d."
)


def _hidden(n: int) -> bool:
    return 0 < n < SMALL


def _count(n: int) -> str:
    return HIDDEN if _hidden(n) else str(n)


def _breakdown(
    counts: list[tuple[str, int]], total_shown: bool = True
) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """The rows and chart bars of a breakdown by category, with small cells hidden."""
    hidden = {label for label, n in counts if _hidden(n)}
    if len(hidden) == 1 and total_shown:
        rest = sorted((n, label) for label, n in counts if label not in hidden and n > 0)
        if rest:
            hidden.add(rest[0][1])
    rows = [
        (label, _count(n) if label not in hidden or _hidden(n) else WITHHELD)
        for label, n in counts
    ]
    bars = [(label, n) for label, n in counts if label not in hidden]
    return rows, bars


# -- this app's sections ------------------------------------------------------------------------


def policy_section(school: School, term: Term) -> Section:
    current = versions.in_force(school)
    on = min(term.end, timezone.localdate())
    block = Block("The version in force")
    if current is None:
        block.rows.append(("Version in force", "None recorded"))
    else:
        block.rows += [
            ("Version in force", current.label),
            ("In force since", _day(current.in_force_from)),
            ("Signed by the Chair of Governors on", _day(current.chair_signed_on)),
            ("Signed by the Headteacher on", _day(current.head_signed_on)),
            ("Agreed at the Full Governing Body meeting on", _day(current.agreed_at_meeting_on)),
            ("Review due by", _day(current.review_due_on)),
            ("Review overdue", _yes(current.review_overdue(on))),
        ]
    made = PolicyVersion.objects.for_school(school)
    span = term.span()
    block.rows += [
        ("Versions approved this term", str(made.filter(_in(span, "approved_at")).count())),
        ("Versions waiting for sign-off", str(
            made.filter(status=PolicyVersion.Status.UNDER_REVIEW).count())),
    ]
    return Section("The policy", "governance.sign-off", [block])


def acknowledgement_section(school: School, term: Term) -> Section:
    current = versions.in_force(school)
    if current is None:
        return Section(
            "Acknowledgement of the policy", "scope.staff",
            [Block("Coverage", [("Version in force", "None recorded")])],
        )
    cover = versions.coverage(current)
    block = Block(
        f"Who has acknowledged version {current.label}",
        [
            ("People the policy covers", str(cover.total)),
            ("Have acknowledged it", str(len(cover.done))),
            ("Have not yet", str(len(cover.not_done))),
            ("Coverage", f"{cover.percent}%"),
        ],
        Chart(
            "Acknowledged, by role (of everyone in that role)",
            [(label, done) for label, done, _ in cover.by_role],
            totals=[total for _, _, total in cover.by_role],
        ),
    )
    return Section("Acknowledgement of the policy", "scope.staff", [block])


def profile_review_section(school: School, term: Term) -> Section:
    span = term.span()
    on = min(term.end, timezone.localdate())
    reviews = ProfileReview.objects.for_school(school)
    opened = reviews.filter(_in(span, "created_at"))
    by_role = Counter(opened.values_list("person__role", flat=True))
    block = Block(
        "New starters' reviews of their own social media",
        [
            ("Opened this term", str(opened.count())),
            ("Completed this term", str(reviews.filter(_in(span, "completed_at")).count())),
            ("Open now", str(reviews.filter(completed_at__isnull=True).count())),
            ("Overdue now", str(
                reviews.filter(completed_at__isnull=True, due_on__lt=on).count())),
        ],
        Chart(
            "Reviews opened this term, by role",
            [(ROLE_LABELS[role], by_role.get(role, 0)) for role in JOINER_ROLES],
        ),
    )
    return Section("New starters' profile reviews", "code.review-own-profiles", [block])


def declaration_section(school: School, term: Term) -> Section:
    span = term.span()
    on = min(term.end, timezone.localdate())
    contacts = SocialContact.objects.for_school(school)
    open_ = contacts.exclude(status=SocialContact.Status.ENDED)
    reviews = SocialContactReview.objects.for_school(school)
    overdue_reviews = reviews.filter(completed_at__isnull=True, due_on__lt=on).count()
    block = Block(
        "Social contacts with pupils' families made known to the senior leadership team",
        [
            ("In place", str(open_.count())),
            ("Declared this term", str(contacts.filter(_in(span, "declared_at")).count())),
            ("Acknowledged by a senior leader", str(
                open_.filter(status=SocialContact.Status.ACKNOWLEDGED).count())),
            ("Waiting for acknowledgement", str(
                open_.filter(status=SocialContact.Status.DECLARED).count())),
            ("Reviews done this term", str(reviews.filter(_in(span, "completed_at")).count())),
            ("Reviews overdue", str(overdue_reviews)),
            ("Ended this term", str(contacts.filter(_in(span, "ended_at")).count())),
        ],
        Chart(
            "Declared contacts in place, by state",
            [
                ("Acknowledged", open_.filter(status=SocialContact.Status.ACKNOWLEDGED).count()),
                ("Waiting", open_.filter(status=SocialContact.Status.DECLARED).count()),
            ],
        ),
    )
    return Section("Declared social contacts", "personal-info.social-contacts", [block])


def judgement_section(school: School, term: Term) -> Section:
    span = term.span()
    advised = JudgementAdvisory.objects.for_school(school).filter(_in(span, "created_at"))
    block = Block(
        "Professional judgements advised to the headteacher",
        [
            ("Advised this term", str(advised.count())),
            ("Already taken when advised", str(
                advised.filter(when=JudgementAdvisory.When.TAKEN).count())),
            ("Local Authority advice sought", str(
                advised.filter(la_advice=JudgementAdvisory.LaAdvice.SOUGHT).count())),
            ("Not yet read by the headteacher", str(advised.filter(seen_at__isnull=True).count())),
        ],
    )
    return Section(
        "Acting outside the policy", "exceptions.professional-judgement", [block]
    )


def oversight_section(school: School, term: Term) -> Section:
    on = min(term.end, timezone.localdate())
    named = responsibles(school, on)
    state = filtering_review_state(school)
    rows = [
        ("A senior leader is named responsible", _yes(
            named[Responsibility.Kind.FILTERING_LEADER] is not None)),
        ("A governor is named responsible", _yes(
            named[Responsibility.Kind.FILTERING_GOVERNOR] is not None)),
    ]
    if state.recorded:
        rows += [
            ("Last annual review", _day(state.last_on)),
            ("Next review due", _day(state.next_due)),
            ("Review overdue", _yes(state.overdue(on))),
        ]
    return Section(
        "Filtering and monitoring: oversight", "monitoring",
        [Block("The DfE filtering and monitoring standards", rows)],
        intro="The governing body names a senior leader and a governor as responsible, and "
        "filtering and monitoring are reviewed at least once a year.",
    )


# -- other apps' sections, where they exist -----------------------------------------------------


def _choices(model: type[models.Model], name: str) -> dict[str, str]:
    try:
        return {str(k): str(v) for k, v in model._meta.get_field(name).choices or ()}
    except Exception:
        return {}


def safeguarding_section(school: School, term: Term) -> Section | None:
    report_model = optional_model("safeguarding", "Report")
    if report_model is None:
        return None
    span = term.span()
    reports: Any = report_model._default_manager.filter(school=school).filter(
        _in(span, "recorded_at")
    )
    kinds = _choices(report_model, "kind")
    by_kind = Counter(reports.values_list("kind", flat=True))
    by_clause: Counter[str] = Counter()
    for clauses in reports.values_list("clauses", flat=True):
        by_clause.update(c for c in (clauses or []) if isinstance(c, str))
    waits = [
        (opened - made).total_seconds() / 60
        for made, opened in reports.filter(first_opened_at__isnull=False).values_list(
            "recorded_at", "first_opened_at"
        )
    ]
    urgent = reports.filter(urgent=True)
    urgent_quick = sum(
        1 for made, opened in urgent.filter(first_opened_at__isnull=False).values_list(
            "recorded_at", "first_opened_at") if (opened - made) <= dt.timedelta(minutes=15)
    )
    kind_rows, kind_bars = _breakdown([(kinds.get(k, k), n) for k, n in by_kind.most_common()])
    clause_rows, clause_bars = _breakdown(by_clause.most_common(), total_shown=False)
    blocks = [
        Block(
            "Reports made this term, by kind",
            [("Reports made", _count(reports.count())), *kind_rows],
            Chart("Reports by kind", kind_bars) if kind_bars else None,
            note=SMALL_NOTE,
        ),
        Block(
            "By the policy's clause",
            clause_rows,
            Chart("Reports by clause", clause_bars[:10]) if clause_bars else None,
        ),
        Block(
            "Time to first response",
            [
                ("Median time until a report was first opened",
                 counted(round(statistics.median(waits)), "minute") if waits
                 else "no reports opened"),
                ("Urgent reports", _count(urgent.count())),
                ("Urgent reports opened within 15 minutes", _count(urgent_quick)),
                ("Not yet opened", _count(reports.filter(first_opened_at__isnull=True).count())),
            ],
        ),
    ]
    involvement_model = optional_model("safeguarding", "Involvement")
    if involvement_model is not None:
        blocks.append(year_group_block(involvement_model, reports))
    case_model = optional_model("safeguarding", "Case")
    if case_model is not None:
        cases: Any = case_model._default_manager.filter(school=school)
        blocks.append(Block("Cases", [
            ("Opened this term", _count(cases.filter(_in(span, "opened_at")).count())),
            ("Closed this term", _count(cases.filter(_in(span, "closed_at")).count())),
            ("Open at the end of the term", _count(
                cases.filter(opened_at__lt=span[1]).filter(
                    Q(closed_at__isnull=True) | Q(closed_at__gte=span[1])).count())),
        ]))
    outcome_model = optional_model("safeguarding", "Outcome")
    if outcome_model is not None:
        outcomes: Any = outcome_model._default_manager.filter(school=school).filter(
            _on(term, "decided_on")
        )
        labels = _choices(outcome_model, "kind")
        by_outcome = Counter(outcomes.values_list("kind", flat=True))
        outcome_rows, outcome_bars = _breakdown(
            [(labels.get(k, k), n) for k, n in by_outcome.most_common()], total_shown=False
        )
        blocks.append(Block(
            "Outcomes decided this term",
            outcome_rows or [("Outcomes decided", "0")],
            Chart("Outcomes by kind", outcome_bars) if outcome_bars else None,
        ))
    return Section("Safeguarding reports", "code.report-child-contact", blocks,
                   intro="Counts of records, never of named people.")


def year_group_block(involvement_model: Any, reports: Any) -> Block:
    """This term's reports by the year group of the pupils in them (a report about pupils of two
    year groups counts in both); small counts hidden like every count about pupils."""
    pairs = set(
        involvement_model._default_manager.filter(report__in=reports, role="pupil").values_list(
            "report_id", "person__year_group"
        )
    )
    by_year = Counter(year or "Year group not recorded" for _, year in pairs)
    ordered = sorted(by_year.items(), key=lambda item: year_group_order(
        "" if item[0] == "Year group not recorded" else item[0]))
    rows, bars = _breakdown(ordered, total_shown=False)
    return Block(
        "Reports about pupils, by the pupils' year group",
        rows or [("Reports about pupils", "0")],
        Chart("Reports by year group", bars) if bars else None,
    )


def network_section(school: School, term: Term) -> Section | None:
    finding_model = optional_model("network", "Finding")
    if finding_model is None:
        return None
    span = term.span()
    findings: Any = finding_model._default_manager.filter(school=school).filter(
        _in(span, "first_seen")
    )
    by_clause = Counter(findings.values_list("clause", flat=True))
    by_category = Counter(findings.values_list("category", flat=True))
    by_network = Counter(findings.values_list("network", flat=True))
    network_labels = {"guest_wifi": "Guest WiFi", "staff_network": "Staff network",
                      "pupil_network": "Pupil network", "": "Unknown network"}
    statuses = _choices(finding_model, "status")
    by_status = Counter(findings.values_list("status", flat=True))
    clause_rows, clause_bars = _breakdown(by_clause.most_common())
    category_rows, category_bars = _breakdown(by_category.most_common())
    network_rows, _ = _breakdown(
        [(network_labels.get(k, k), n) for k, n in by_network.most_common()]
    )
    status_rows, _ = _breakdown([(statuses.get(k, k), n) for k, n in by_status.most_common()])
    return Section("Network monitoring findings", "monitoring", [
        Block(
            "Findings this term, by clause",
            [("Findings", _count(findings.count())), *clause_rows],
            Chart("Findings by clause", clause_bars[:10]) if clause_bars else None,
            note=SMALL_NOTE,
        ),
        Block(
            "By category",
            category_rows,
            Chart("Findings by category", category_bars[:10]) if category_bars else None,
        ),
        Block("By network", network_rows),
        Block("Reviewed", status_rows),
    ])


def posting_section(school: School, term: Term) -> Section | None:
    """Posts for the school (staff.speaking-for-school): drafted this term by state, and the
    approvers' decisions. Reads the posting app's OfficialPost (or a Post) with a status."""
    post_model = optional_model("posting", "OfficialPost") or optional_model("posting", "Post")
    if post_model is None:
        return None
    names = {f.name for f in post_model._meta.get_fields()}
    if "status" not in names or "school" not in names:
        return None
    posts: Any = post_model._default_manager.filter(school=school)
    when = next((n for n in ("created", "created_at", "submitted_at") if n in names), None)
    if when:
        posts = posts.filter(_in(term.span(), when))
    labels = _choices(post_model, "status")
    by_status = Counter(posts.values_list("status", flat=True))
    blocks = [Block(
        "Posts drafted this term, by where they are now",
        [("Posts", str(posts.count()))]
        + [(labels.get(k, k), str(n)) for k, n in by_status.most_common()],
        Chart("Posts by state", [(labels.get(k, k), n) for k, n in by_status.most_common()])
        if by_status else None,
    )]
    approval_model = optional_model("posting", "PostApproval")
    if approval_model is not None:
        approval_names = {f.name for f in approval_model._meta.get_fields()}
        if {"decision", "decided_at", "school"} <= approval_names:
            decided: Any = approval_model._default_manager.filter(school=school).filter(
                _in(term.span(), "decided_at"))
            decisions = _choices(approval_model, "decision")
            by_decision = Counter(decided.values_list("decision", flat=True))
            blocks.append(Block("Approval decisions this term", [
                (decisions.get(k, k), str(n)) for k, n in by_decision.most_common()]
                or [("Decisions", "0")]))
    return Section("Posts for the school", "staff.speaking-for-school", blocks)


OWN_SECTIONS: tuple[Callable[[School, Term], Section], ...] = (
    policy_section,
    acknowledgement_section,
    profile_review_section,
    declaration_section,
    judgement_section,
    oversight_section,
)
OTHER_SECTIONS: tuple[tuple[str, Callable[[School, Term], Section | None]], ...] = (
    ("Safeguarding reports", safeguarding_section),
    ("Network monitoring findings", network_section),
    ("Posts for the school", posting_section),
)


def build(school: School, term: Term, now: dt.datetime | None = None) -> Report:
    sections = [make(school, term) for make in OWN_SECTIONS]
    left_out = []
    for title, make in OTHER_SECTIONS:
        try:
            with transaction.atomic():  # a failed query must not spoil the rest on PostgreSQL
                section = make(school, term)
        except (DatabaseError, LookupError, ValueError, TypeError) as error:
            log.warning("governors' report: %s left out: %s", title, type(error).__name__)
            left_out.append(f"{title}: the records could not be read.")
            continue
        if section is None:
            left_out.append(f"{title}: not recorded in this system.")
        else:
            sections.append(section)
    return Report(school.name, term, now or timezone.now(), sections, left_out)
