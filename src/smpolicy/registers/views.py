"""The registers' pages: your tasks, declarations, profile reviews, the policy and its versions,
oversight, governors' reports, reminders and subject access requests.

Every query is scoped to the signed-in person's school; a record of another school is a 404.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from smpolicy.jobs import exports
from smpolicy.policy import PackError
from smpolicy.registers import declarations, governors, oversight, pdf, profiles, sar, versions
from smpolicy.registers.forms import (
    AccessRequestForm,
    AcknowledgeDeclarationForm,
    AcknowledgePolicyForm,
    AdvisoryForm,
    AdvisoryResponseForm,
    AskProfileReviewForm,
    ContactReviewForm,
    DeclarationForm,
    FamilySearchForm,
    HeldBackDecisionForm,
    InForceForm,
    MeetingForm,
    NewVersionForm,
    ProfileReviewForm,
    RecordDecisionForm,
    ResponsibilityForm,
    ReviewDateForm,
    SettingsForm,
    SignForm,
    family_matches,
)
from smpolicy.registers.models import (
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    RegisterSettings,
    Reminder,
    SocialContact,
    SocialContactReview,
    SubjectAccessRequest,
)
from smpolicy.registers.reminders import notify_now
from smpolicy.registers.roles import can, register_capabilities, requires_register
from smpolicy.registers.terms import from_slug, recent_terms, term_of
from smpolicy.safeguarding import totp
from smpolicy.safeguarding.access import second_factor_redirect
from smpolicy.schools.access import forbidden
from smpolicy.schools.models import Person

Status = PolicyVersion.Status


def _person(request: HttpRequest) -> Person:
    return request.person  # type: ignore[attr-defined]


def _school(request: HttpRequest) -> Any:
    return request.school  # type: ignore[attr-defined]


def _now() -> dt.datetime:
    return timezone.now()


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# -- home ---------------------------------------------------------------------------------------


@requires_register("own", "governance")
def home(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    current = versions.in_force(school)
    tasks = []
    if current is not None and not versions.has_acknowledged(person, current) and can(
        person, "own"
    ):
        tasks.append(("Read and acknowledge the social media policy "
                      f"(version {current.label})", reverse("registers:policy"), None))
    for review in ProfileReview.objects.for_school(school).filter(
        person=person, completed_at__isnull=True
    ):
        tasks.append(("Review your own social media profiles",
                      reverse("registers:profile_review", args=[review.pk]), review.due_on))
    open_reviews = SocialContactReview.objects.for_school(school).filter(
        contact__staff=person, completed_at__isnull=True).order_by("due_on")
    first_due: dict[int, dt.date] = {}
    for review in open_reviews:
        first_due.setdefault(review.contact_id, review.due_on)
    for contact_id, due in first_due.items():
        tasks.append(("Review a social contact you declared",
                      reverse("registers:review_declaration", args=[contact_id]), due))
    for version in PolicyVersion.objects.for_school(school).filter(status=Status.UNDER_REVIEW):
        if (can(person, "sign_as_chair") and version.chair_signed_on is None) or (
            can(person, "sign_as_head") and version.head_signed_on is None
        ):
            tasks.append((f"Sign the social media policy (version {version.label})",
                          reverse("registers:version", args=[version.pk]), None))
    lead: dict[str, Any] = {}
    if can(person, "lead"):
        lead["waiting"] = (
            SocialContact.objects.for_school(school)
            .filter(status=SocialContact.Status.DECLARED)
            .exclude(staff=person)
            .count()
        )
        lead["overdue_reviews"] = ProfileReview.objects.for_school(school).filter(
            completed_at__isnull=True, due_on__lt=timezone.localdate()
        ).count()
        lead["coverage"] = versions.coverage(current) if current else None
    if can(person, "judgements"):
        lead["advisories"] = JudgementAdvisory.objects.for_school(school).filter(
            advised_to=person, seen_at__isnull=True
        ).count()
    unread = Reminder.objects.for_school(school).filter(recipient=person, read_at__isnull=True)
    return render(request, "registers/home.html", {
        "tasks": tasks,
        "lead": lead,
        "reminders": unread[:20],
        "unread": unread.count(),
        "reg": register_capabilities(person),
        "current": current,
    })


# -- declared social contacts -------------------------------------------------------------------


def _contact_or_404(request: HttpRequest, pk: int) -> SocialContact:
    contact = get_object_or_404(
        SocialContact.objects.for_school(_school(request)).select_related("staff"), pk=pk
    )
    person = _person(request)
    if contact.staff_id != person.pk and not can(person, "see_declarations"):
        raise Http404("No such declaration")
    return contact


@requires_register("own", "see_declarations")
def declaration_list(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    mine = SocialContact.objects.for_school(school).filter(staff=person)
    register = None
    show = request.GET.get("show", "open")
    if can(person, "see_declarations"):
        register = SocialContact.objects.for_school(school).select_related(
            "staff", "acknowledged_by").prefetch_related("family")
        if show == "waiting":
            register = register.filter(status=SocialContact.Status.DECLARED)
        elif show == "open":
            register = register.exclude(status=SocialContact.Status.ENDED)
    return render(request, "registers/declarations.html", {
        "mine": mine, "register": register, "show": show,
        "can_declare": can(person, "own"),
    })


@requires_register("own")
def declare(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    search = FamilySearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    shown = family_matches(school, query)
    chosen_ids = [int(v) for v in request.POST.getlist("family") if v.isdigit()]
    chosen = list(Person.objects.for_school(school).filter(pk__in=chosen_ids,
                                                           role__in=("pupil", "parent")))
    shown = chosen + [p for p in shown if p.pk not in chosen_ids]
    if request.method == "POST":
        form = DeclarationForm(request.POST, school=school, shown=shown)
        if form.is_valid():
            contact = declarations.declare(
                person, list(form.cleaned_data["family"]), form.cleaned_data["how_known"],
                form.cleaned_data["platforms"], form.cleaned_data["other_platforms"],
            )
            notify_now(school)
            messages.success(request, "Thank you: your declaration is recorded and the senior "
                             "leadership team has been told.")
            return redirect("registers:declaration", pk=contact.pk)
    else:
        form = DeclarationForm(school=school, shown=shown)
    return render(request, "registers/declare.html", {
        "search": search, "form": form, "query": query, "searched": bool(query),
    })


@requires_register("own", "see_declarations")
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    contact = _contact_or_404(request, pk)
    can_ack = (
        can(person, "lead") and contact.staff_id != person.pk and contact.is_open
        and contact.status == SocialContact.Status.DECLARED
    )
    form = AcknowledgeDeclarationForm()
    return render(request, "registers/declaration.html", {
        "contact": contact,
        "family": declarations.family_of(contact),
        "reviews": contact.reviews.select_related("pupil", "completed_by"),
        "can_ack": can_ack,
        "is_own": contact.staff_id == person.pk,
        "form": form,
    })


@require_POST
@requires_register("lead")
def acknowledge_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    contact = _contact_or_404(request, pk)
    if contact.staff_id == person.pk:
        return forbidden(request, "Nobody acknowledges their own declaration: another member "
                         "of the senior leadership team will.")
    form = AcknowledgeDeclarationForm(request.POST)
    if not form.is_valid():
        return render(request, "registers/declaration.html", {
            "contact": contact, "family": declarations.family_of(contact),
            "reviews": contact.reviews.all(), "can_ack": True, "form": form,
        }, status=400)
    try:
        declarations.acknowledge(contact, person, form.cleaned_data["note"])
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Acknowledged.")
    return redirect("registers:declaration", pk=contact.pk)


@requires_register("own")
def review_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    contact = _contact_or_404(request, pk)
    if contact.staff_id != person.pk or not contact.is_open:
        raise Http404("No such declaration to review")
    if request.method == "POST":
        form = ContactReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["outcome"] == "changed":
                contact.how_known = data["how_known"]
                contact.platforms = data["platforms"]
                contact.other_platforms = data["other_platforms"]
                contact.save(update_fields=["how_known", "platforms", "other_platforms"])
            declarations.complete_review(contact, person, data["outcome"], data["note"])
            notify_now(_school(request))
            messages.success(request, "Thank you: your review is recorded.")
            return redirect("registers:declaration", pk=contact.pk)
    else:
        form = ContactReviewForm(initial={
            "how_known": contact.how_known, "platforms": contact.platforms,
            "other_platforms": contact.other_platforms,
        })
    return render(request, "registers/review_declaration.html", {
        "contact": contact, "form": form, "family": declarations.family_of(contact),
        "open_reviews": contact.reviews.filter(completed_at__isnull=True),
    })


# -- profile reviews ----------------------------------------------------------------------------


@requires_register("own")
def my_profile_review(request: HttpRequest) -> HttpResponse:
    found = ProfileReview.objects.for_school(_school(request)).filter(
        person=_person(request)).order_by("completed_at", "-created_at").first()
    if found is None:
        return render(request, "registers/profile_review_none.html")
    return redirect("registers:profile_review", pk=found.pk)


@requires_register("own", "lead")
def profile_review(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    review = get_object_or_404(
        ProfileReview.objects.for_school(_school(request)).select_related("person"), pk=pk
    )
    own = review.person_id == person.pk
    if not own and not can(person, "lead"):
        raise Http404("No such review")
    form = ProfileReviewForm(checklist=review.checklist)
    if request.method == "POST":
        if not own or not review.is_open:
            return forbidden(request, "Only the person themselves completes their review.")
        form = ProfileReviewForm(request.POST, checklist=review.checklist)
        if form.is_valid():
            profiles.complete(review, form.answers(), form.cleaned_data["notes"])
            messages.success(request, "Thank you: your profile review is done.")
            return redirect("registers:profile_review", pk=review.pk)
    return render(request, "registers/profile_review.html", {
        "review": review, "form": form, "own": own,
        "overdue": review.is_overdue(),
        "governor": review.person.role == "governor",
    })


@requires_register("lead")
def profile_reviews(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    form = AskProfileReviewForm(school=school)
    if request.method == "POST":
        form = AskProfileReviewForm(request.POST, school=school)
        if form.is_valid():
            review = profiles.open_review(
                form.cleaned_data["person"], form.cleaned_data["due_on"],
                ProfileReview.Reason.ASKED, _person(request),
            )
            notify_now(school)
            messages.success(request, f"{review.person.full_name} has been asked to review "
                             "their profiles.")
            return redirect("registers:profile_reviews")
    reviews = ProfileReview.objects.for_school(school).select_related("person")
    today = timezone.localdate()
    return render(request, "registers/profile_reviews.html", {
        "open": reviews.filter(completed_at__isnull=True).order_by("due_on"),
        "done": reviews.filter(completed_at__isnull=False).order_by("-completed_at")[:50],
        "today": today, "form": form,
    })


# -- the policy: reading and acknowledging ------------------------------------------------------


def _sections(pack: Any) -> list[tuple[str, list[Any]]]:
    grouped: list[tuple[str, list[Any]]] = []
    for clause in pack.clauses.values():
        if clause.id == "governance.sign-off":
            continue
        if not grouped or grouped[-1][0] != clause.section:
            grouped.append((clause.section, []))
        grouped[-1][1].append(clause)
    return grouped


@requires_register("own", "governance")
def policy(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    current = versions.in_force(school)
    if current is None:
        return render(request, "registers/policy.html", {"current": None})
    form = AcknowledgePolicyForm()
    if request.method == "POST":
        form = AcknowledgePolicyForm(request.POST)
        if form.is_valid():
            versions.acknowledge(person, current)
            messages.success(request, f"Thank you: you have acknowledged version "
                             f"{current.label} of the policy.")
            return redirect("registers:policy")
    ack = current.acknowledgements.filter(person=person).first()
    return render(request, "registers/policy.html", {
        "current": current, "sections": _sections(versions.pack_of(current)),
        "ack": ack, "form": form, "covered": person.role in versions.COVERED_ROLES,
    })


@requires_register("lead", "governance")
def coverage(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    current = versions.in_force(school)
    chosen = current
    if request.GET.get("version"):
        chosen = PolicyVersion.objects.for_school(school).filter(
            pk=request.GET["version"] if request.GET["version"].isdigit() else 0).first()
    result = versions.coverage(chosen) if chosen else None
    return render(request, "registers/coverage.html", {
        "current": current, "version": chosen, "coverage": result,
        # Governors see counts; names are for the leadership who follow them up.
        "names": can(person, "lead"),
    })


# -- the policy's versions ----------------------------------------------------------------------


def _version_or_404(request: HttpRequest, pk: int) -> PolicyVersion:
    return get_object_or_404(PolicyVersion.objects.for_school(_school(request)), pk=pk)


@requires_register("lead", "governance", "sign_as_chair", "sign_as_head", second_factor=True)
def version_list(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    all_versions = PolicyVersion.objects.for_school(school).select_related("chair", "head")
    current = versions.in_force(school)
    return render(request, "registers/versions.html", {
        "versions": all_versions, "current": current,
        "can_draft": can(_person(request), "lead"),
        "overdue": current.review_overdue() if current else False,
    })


@requires_register("lead", second_factor=True)
def new_version(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    form = NewVersionForm()
    if request.method == "POST":
        form = NewVersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = versions.new_version(
                    school, _person(request), form.cleaned_data["changes"],
                    form.cleaned_data["pack_file"], form.cleaned_data["label"],
                )
            except (versions.VersionError, PackError) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Draft version {version.label} created.")
                return redirect("registers:version", pk=version.pk)
    return render(request, "registers/new_version.html", {"form": form})


@requires_register("lead", "governance", "sign_as_chair", "sign_as_head", second_factor=True)
def version(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    item = _version_or_404(request, pk)
    under_review = item.status == Status.UNDER_REVIEW
    return render(request, "registers/version.html", {
        "version": item,
        "can_lead": can(person, "lead"),
        "can_sign_chair": under_review and can(person, "sign_as_chair"),
        "can_sign_head": under_review and can(person, "sign_as_head"),
        "can_meeting": under_review and (can(person, "sign_as_chair")
                                         or can(person, "sign_as_head")),
        "can_in_force": item.status == Status.APPROVED and can(person, "sign_as_head"),
        "sign_form": SignForm(),
        "meeting_form": MeetingForm(initial={"meeting_on": item.agreed_at_meeting_on}),
        "in_force_form": InForceForm(),
        "review_form": ReviewDateForm(initial={"review_due_on": item.review_due_on}),
        "acknowledged": item.acknowledgements.count(),
    })


def _step(request: HttpRequest, item: PolicyVersion, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except versions.VersionError as error:
        messages.error(request, str(error))
    except IntegrityError:
        messages.error(request, "Another version is already in force.")
    else:
        messages.success(request, done)
        notify_now(_school(request))
    return redirect("registers:version", pk=item.pk)


@require_POST
@requires_register("lead", second_factor=True)
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    return _step(request, item, lambda: versions.submit(item),
                 "Under review: the Chair and the Headteacher have been asked to sign it.")


@require_POST
@requires_register("lead", second_factor=True)
def version_back_to_draft(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    return _step(request, item, lambda: versions.back_to_draft(item),
                 "Back to draft; any signatures were cleared.")


@require_POST
@requires_register("sign_as_chair", "sign_as_head", second_factor=True)
def version_sign(request: HttpRequest, pk: int, as_: str) -> HttpResponse:
    person = _person(request)
    item = _version_or_404(request, pk)
    if as_ not in ("chair", "head") or not can(person, f"sign_as_{as_}"):
        return forbidden(request, "Only the Chair of Governors and the Headteacher sign the "
                         "policy, each for themselves.")
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("signed_on", ["Give the date."])))
        return redirect("registers:version", pk=item.pk)
    who = "the Chair of Governors" if as_ == "chair" else "the Headteacher"
    return _step(request, item,
                 lambda: versions.sign(item, person, as_, form.cleaned_data["signed_on"]),
                 f"Signed as {who}.")


@require_POST
@requires_register("sign_as_chair", "sign_as_head", second_factor=True)
def version_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("meeting_on", ["Give the date."])))
        return redirect("registers:version", pk=item.pk)
    return _step(request, item,
                 lambda: versions.record_meeting(item, form.cleaned_data["meeting_on"]),
                 "The Full Governing Body meeting is recorded.")


@require_POST
@requires_register("sign_as_head", second_factor=True)
def version_in_force(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    form = InForceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("registers:version", pk=item.pk)
    return _step(
        request, item,
        lambda: versions.put_in_force(item, form.cleaned_data["in_force_from"],
                                      form.cleaned_data["review_due_on"]),
        f"Version {item.label} is in force; everyone it covers will be asked to acknowledge it.",
    )


@require_POST
@requires_register("lead", second_factor=True)
def version_review_date(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    form = ReviewDateForm(request.POST)
    if form.is_valid():
        versions.set_review_date(item, form.cleaned_data["review_due_on"])
        messages.success(request, "The review date is changed.")
    else:
        messages.error(request, "Give the review date.")
    return redirect("registers:version", pk=item.pk)


@require_POST
@requires_register("lead", second_factor=True)
def version_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    return _step(request, item, lambda: versions.archive(item), "Archived.")


def _may_read_version(request: HttpRequest, item: PolicyVersion) -> bool:
    person = _person(request)
    if item.status == Status.IN_FORCE:
        return can(person, "own") or can(person, "governance")
    return any(can(person, c) for c in ("lead", "governance", "sign_as_chair", "sign_as_head"))


@requires_register("own", "governance")
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    if not _may_read_version(request, item):
        raise Http404("No such version")
    if item.status != Status.IN_FORCE and not totp.is_verified(request):
        return second_factor_redirect(request)
    data = pdf.policy_pdf(item, versions.pack_of(item))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="social-media-policy-{item.label}.pdf"'
    )
    return response


@requires_register("own", "governance")
def version_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    item = _version_or_404(request, pk)
    if not _may_read_version(request, item):
        raise Http404("No such version")
    if item.status != Status.IN_FORCE and not totp.is_verified(request):
        return second_factor_redirect(request)
    response = HttpResponse(item.pack_yaml, content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.pack_id}-{item.label}.yaml"'
    return response


# -- oversight and professional judgement -------------------------------------------------------


@requires_register("lead", "governance", "see_declarations")
def oversight_page(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    form = ResponsibilityForm(school=school)
    if request.method == "POST":
        if not can(person, "name_responsible"):
            return forbidden(request, "The headteacher or the Chair of Governors records who is "
                             "named responsible.")
        form = ResponsibilityForm(request.POST, school=school)
        if form.is_valid():
            item = form.save(commit=False)
            item.recorded_by = person
            item.save()
            messages.success(request, f"Recorded: {item}.")
            return redirect("registers:oversight")
    today = timezone.localdate()
    found = oversight.responsibles(school, today)
    state = oversight.filtering_review_state(school)
    advisories = JudgementAdvisory.objects.for_school(school)
    return render(request, "registers/oversight.html", {
        "named": [(label, found[kind]) for kind, label in
                  oversight.Responsibility.Kind.choices],
        "state": state, "overdue": state.overdue(today),
        "network_url": _url("network:reviews") or _url("network:review_list"),
        "form": form, "can_name": can(person, "name_responsible"),
        "advised_this_year": advisories.filter(created_at__gte=timezone.now()
                                               - dt.timedelta(days=365)).count(),
        "la_sought": advisories.filter(la_advice=JudgementAdvisory.LaAdvice.SOUGHT).count(),
    })


@requires_register("own", "judgements")
def advisory_list(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(request, "registers/advisories.html", {
        "advisories": oversight.advisories_for(person),
    })


@requires_register("own")
def advise(request: HttpRequest) -> HttpResponse:
    person, school = _person(request), _school(request)
    recipient = oversight.advisory_recipient(school, person)
    form = AdvisoryForm()
    if request.method == "POST" and recipient is not None:
        form = AdvisoryForm(request.POST)
        form.instance.school = school
        form.instance.advised_by = person
        form.instance.advised_to = recipient
        if form.is_valid():
            item = form.save()
            notify_now(school)
            messages.success(request, f"Thank you: {recipient.full_name} has been told.")
            return redirect("registers:advisory", pk=item.pk)
    return render(request, "registers/advise.html", {"form": form, "recipient": recipient})


@requires_register("own", "judgements")
def advisory(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    item = get_object_or_404(oversight.advisories_for(person), pk=pk)
    is_recipient = item.advised_to_id == person.pk
    if is_recipient:
        oversight.mark_seen(item, person)
    form = AdvisoryResponseForm(instance=item)
    if request.method == "POST":
        if not is_recipient:
            return forbidden(request, "Only the person it was advised to answers it.")
        form = AdvisoryResponseForm(request.POST, instance=item)
        if form.is_valid():
            saved = form.save(commit=False)
            if form.cleaned_data["close"] and saved.closed_at is None:
                saved.closed_at = timezone.now()
            saved.save()
            messages.success(request, "Saved.")
            return redirect("registers:advisory", pk=item.pk)
    return render(request, "registers/advisory.html", {
        "item": item, "form": form, "is_recipient": is_recipient,
    })


# -- governors' reports -------------------------------------------------------------------------


def _term_or_404(slug: str) -> Any:
    term = from_slug(slug)
    if term is None:
        raise Http404("No such term")
    return term


@requires_register("governance")
def governors_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "registers/governors.html", {
        "terms": recent_terms(today), "current": term_of(today),
    })


@requires_register("governance")
def governors_report(request: HttpRequest, term: str) -> HttpResponse:
    chosen = _term_or_404(term)
    report = governors.build(_school(request), chosen)
    return render(request, "registers/governors_report.html", {"report": report})


@requires_register("governance")
def governors_pdf(request: HttpRequest, term: str) -> HttpResponse:
    """Queue the PDF for a worker (smpolicy.jobs.exports) and show its page: drawing every
    section's charts can take longer than a page should."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    chosen = _term_or_404(term)
    job = exports.queue(_school(request), request.user, "governors_report",
                        {"term": chosen.slug})
    return redirect("jobs:export", job.pk)


# -- reminders and settings ---------------------------------------------------------------------


@requires_register("own", "governance")
def reminder_list(request: HttpRequest) -> HttpResponse:
    mine = Reminder.objects.for_school(_school(request)).filter(recipient=_person(request))
    if request.method == "POST":
        chosen = mine.filter(read_at__isnull=True)
        if request.POST.get("reminder", "").isdigit():
            chosen = chosen.filter(pk=request.POST["reminder"])
        chosen.update(read_at=timezone.now())
        back = "registers:home" if request.POST.get("next") == "home" else "registers:reminders"
        return redirect(back)
    return render(request, "registers/reminders.html", {"reminders": mine[:200]})


@requires_register("lead")
def settings_page(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    found = RegisterSettings.objects.for_school(school).first() or RegisterSettings(school=school)
    form = SettingsForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The schedule is saved.")
        return redirect("registers:settings")
    return render(request, "registers/settings.html", {"form": form})


# -- subject access -----------------------------------------------------------------------------


def handles_requests(view: Any) -> Any:
    """A subject access page: the register capability, then a second factor verified in this
    session, for everyone: a request gathers everything the school holds about a person."""

    @wraps(view)
    def verified(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from smpolicy.safeguarding import access, totp

        if not totp.is_verified(request):
            return access.second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return requires_register("subject_access")(verified)


def _reviews_records(request: HttpRequest) -> bool:
    from smpolicy.safeguarding import totp

    return sar.may_review_records(request.user, totp.is_verified(request))


def _request_or_404(request: HttpRequest, pk: int) -> SubjectAccessRequest:
    return get_object_or_404(
        SubjectAccessRequest.objects.for_school(_school(request)).select_related(
            "person", "school"),
        pk=pk,
    )


@handles_requests
def access_requests(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    form = AccessRequestForm(school=school)
    if request.method == "POST":
        form = AccessRequestForm(request.POST, school=school)
        if form.is_valid():
            item = sar.start(form.cleaned_data["person"], form.cleaned_data["received_on"],
                             _person(request))
            return redirect("registers:access_request", pk=item.pk)
    found = SubjectAccessRequest.objects.for_school(school).select_related("person")
    reviews = _reviews_records(request)
    person = _person(request)
    rows = []
    for item in found:
        # Counted only for the DSL team with the second factor, within their need-to-know.
        records = (
            sum(1 for r in sar.records_for(item, person, request.user) if not r.decided)
            if reviews else 0
        )
        rows.append((item, len(sar.undecided(item)), records))
    return render(request, "registers/access_requests.html", {
        "requests": rows, "reviews_records": reviews, "form": form,
    })


def _access_request_page(request: HttpRequest, item: SubjectAccessRequest,
                         record_form: RecordDecisionForm | None = None,
                         status: int = 200) -> HttpResponse:
    person = _person(request)
    reviews = _reviews_records(request)
    records = sar.records_for(item, person, request.user) if reviews else []
    if records:
        from smpolicy.safeguarding import audit

        # The page shows each record's kind and account (to redact from): a view, so audited.
        for shown in records:
            audit.record("subject_access_review", shown.report, school=item.school_id,
                         request=request, note=f"subject access request {item.pk}: listed")
    return render(request, "registers/access_request.html", {
        "item": item,
        "included": [i for i in sar.items_of(item) if not i["held_back"]],
        "held_back": sar.held_back(item),
        # Only the DSL team with the second factor reads anything of safeguarding records here;
        # for everyone else the page is the same whatever records its subject has.
        "reviews_records": reviews,
        "is_subject": item.person_id == person.pk,
        "records": records,
        "records_pending": sum(1 for r in records if not r.decided),
        "record_form": record_form,
        "decisions": RecordDecisionForm.base_fields["decision"].choices,
        "exemptions": RecordDecisionForm.base_fields["exemption"].choices,
        "safeguarding_url": _url("safeguarding:index"),
    }, status=status)


def _decide_record(request: HttpRequest, item: SubjectAccessRequest) -> HttpResponse:
    person = _person(request)
    if not _reviews_records(request):
        # The same answer as for a record that does not exist: no hint either way.
        raise Http404("No such item")
    if item.person_id == person.pk:
        return forbidden(request, "You are the subject of this request, so another member of "
                         "the DSL team decides what it discloses of safeguarding records. If "
                         "there is no one else, ask the Chair of Governors to arrange it.")
    form = RecordDecisionForm(request.POST)
    if not form.is_valid():
        return _access_request_page(request, item, form, status=400)
    data = form.cleaned_data
    try:
        sar.decide_record(
            item, data["report"], decision=data["decision"], exemption=data["exemption"],
            reason=data["reason"], released_text=data["released_text"], by=person,
            user=request.user, http_request=request,
        )
    except sar.NotReviewable:
        raise Http404("No such item") from None
    except sar.SelfDecision as error:
        return forbidden(request, str(error))
    messages.success(request, "Decision recorded.")
    return redirect("registers:access_request", pk=item.pk)


@handles_requests
def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    if request.method == "POST":
        if "report" in request.POST:
            return _decide_record(request, item)
        if request.POST.get("release") == "1":
            pending_records = _reviews_records(request) and any(
                not r.decided for r in sar.records_for(item, _person(request), request.user))
            if sar.undecided(item) or pending_records:
                messages.error(request, "Decide every held-back item first.")
            else:
                item.released_at = timezone.now()
                item.save(update_fields=["released_at"])
                messages.success(request, "Marked as answered.")
            return redirect("registers:access_request", pk=item.pk)
        form = HeldBackDecisionForm(request.POST)
        if form.is_valid():
            try:
                sar.decide(item, form.cleaned_data["item"], form.cleaned_data["decision"],
                           form.cleaned_data["note"], _person(request))
            except KeyError:
                raise Http404("No such item") from None
            messages.success(request, "Decision recorded.")
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("registers:access_request", pk=item.pk)
    return _access_request_page(request, item)


@handles_requests
def access_bundle(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    records = (
        sar.records_to_release(item, _person(request), request.user)
        if _reviews_records(request) else []
    )
    if records:
        from smpolicy.safeguarding import audit

        for report, _decision in records:
            audit.record("subject_access_bundle", report, school=item.school_id,
                         request=request, note=f"subject access request {item.pk}: in the bundle")
    response = HttpResponse(sar.bundle(item, records), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{item.pk}.zip"'
    response["Cache-Control"] = "no-store, private"
    return response
