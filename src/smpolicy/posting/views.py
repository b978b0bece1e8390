"""The posting pages: Check a post, official posts and their approval, and the three registers
(spokespeople, photo consent, written permissions for branding).

The views gather input and show results. What may happen to an official post is decided in
workflow.py, verdicts by the engine (through the checker's ``decision``): a view that is refused
by the workflow says why, with a 403 when the person may never do it.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from smpolicy.asking.engines import engine_for
from smpolicy.posting import alerts, checking, recording, workflow
from smpolicy.posting.consent_import import example_csv, import_consent
from smpolicy.posting.context import posting_settings
from smpolicy.posting.forms import (
    BrandingDecisionForm,
    BrandingRequestForm,
    CheckForm,
    ConsentForm,
    ConsentImportForm,
    DecisionNoteForm,
    PostForm,
    PupilSearchForm,
    RenewForm,
    RestrictForm,
    RevokeForm,
    SettingsForm,
    SpokespersonForm,
    TrainingForm,
    platform_choices,
)
from smpolicy.posting.models import (
    BrandingPermission,
    ConsentUse,
    OfficialPost,
    PhotoConsent,
    PostAlert,
    PostApproval,
    PostImage,
    Spokesperson,
)
from smpolicy.posting.present import present_result
from smpolicy.posting.registers import (
    ConsentCheck,
    consent_check,
    consent_state,
    is_headteacher,
)
from smpolicy.posting.uploads import (
    UploadError,
    clean_copy,
    uploads_in_memory,
    validate_uploads,
)
from smpolicy.schools.access import capabilities, forbidden, requires
from smpolicy.schools.models import Person, today
from smpolicy.schools.positions import dsl_team

Status = OfficialPost.Status


def _person_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Official posts and registers act as a person of the school: an account not linked to one
    (an administrator's) is told so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.person is None:  # type: ignore[attr-defined]
            return forbidden(
                request,
                "Your account is not linked to a person at the school, so it cannot write, "
                "approve or record anything here.",
            )
        return view(request, *args, **kwargs)

    return wrapped


def _head_only(request: HttpRequest) -> HttpResponse | None:
    if not is_headteacher(request.person):  # type: ignore[attr-defined]
        return forbidden(
            request,
            "Only the headteacher can do this (staff.speaking-for-school, code.school-branding).",
        )
    return None


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    person = getattr(request, "person", None)
    context.setdefault("is_head", is_headteacher(person))
    context.setdefault("unseen_post_alerts", alerts.unseen_count(person))
    return render(request, template, context, status=status)


def _data_uri(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


# -- Check a post ------------------------------------------------------------------------------


@csrf_exempt  # checked inside, once uploads are set to stay in memory
@uploads_in_memory
@csrf_protect
@requires("check_post")
def check_page(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    engine = engine_for(school)
    result: dict[str, Any] | None = None
    consent: ConsentCheck | None = None
    if request.method == "POST":
        form = CheckForm(request.POST, request.FILES, school=school)
        if form.is_valid():
            data = form.cleaned_data
            images = []
            try:
                images = validate_uploads(request.FILES.getlist("images"))
            except UploadError as exc:
                form.add_error("images", str(exc))
            saving = "save" in request.POST
            if saving and data["account"] != "official":
                form.add_error("account", "Only posts for an official account are saved as drafts.")
            if saving and not data["platform"]:
                form.add_error("platform", "Choose which official account it is for.")
            if form.is_valid():
                try:
                    raw = checking.check(
                        school,
                        person,
                        text=data["text"],
                        images=images,
                        account=data["account"],
                        platform=data["platform"] or None,
                        role="staff",
                        school_activity=data["school_activity"],
                        images_of=form.images_of(),
                        declared=data["declared"],
                    )
                except checking.CheckInputError as exc:
                    form.add_error(None, str(exc))
                else:
                    if saving:
                        return _save_checked_draft(request, data, images, raw)
                    result = present_result(
                        raw, data["text"], engine, [image.preview_data_uri() for image in images]
                    )
                    for shown, image in zip(result["images"], images, strict=True):
                        if image.location is not None:
                            cleaned = clean_copy(image)
                            shown["clean_copy"] = _data_uri(cleaned.content_type, cleaned.data)
                            shown["clean_name"] = _clean_name(image.name, cleaned.format)
                    if images:
                        # The same check an official post gets before approval (item 6).
                        faces = sum(1 for f in raw.get("findings", []) if f.get("kind") == "face")
                        consent = consent_check(
                            list(data["tagged"]), data["platform"], faces, [today()]
                        )
    else:
        account = request.GET.get("account", "personal")
        form = CheckForm(initial={"account": account}, school=school, searched=request.GET)
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return _render(
        request,
        "posting/check.html",
        {
            "form": form,
            "result": result,
            "consent": consent,
            "text": form.data.get("text", "") if result else "",
        },
        status=status,
    )


def _clean_name(name: str, fmt: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    extension = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}.get(fmt, "img")
    return f"{stem}-no-location.{extension}"


def _save_checked_draft(
    request: HttpRequest, data: dict[str, Any], images: list[Any], raw: dict[str, Any]
) -> HttpResponse:
    person = request.person  # type: ignore[attr-defined]
    if person is None:
        return forbidden(request, "Your account is not linked to a person at the school.")
    try:
        post = workflow.create_post(
            person, platform=data["platform"], text=data["text"], images=images, check_result=raw
        )
        if data["tagged"]:
            workflow.set_tags(post, person, list(data["tagged"]))
    except workflow.NotAllowed as exc:
        return forbidden(request, str(exc))
    messages.success(
        request,
        "Saved as a draft official post. Tag the pupils shown, set when it "
        "goes out, and submit it for approval.",
    )
    return redirect("posting:post", pk=post.pk)


# -- Official posts: queues ------------------------------------------------------------------


@requires("check_post")
@_person_required
def queues(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    now = timezone.now()
    approver = workflow.may_approve_any(person)
    # Each post's approvals come in one query for all (who may answer next, a rejection's note),
    # and the check result, the largest column, is not read: the list shows none of it.
    posts = (
        OfficialPost.objects.for_school(school)
        .select_related("author")
        .defer("check_result")
        .prefetch_related(
            Prefetch("approvals", queryset=PostApproval.objects.select_related("approver"))
        )
    )
    mine = [p for p in posts.filter(author=person)]
    every = list(posts) if approver else mine
    by_status: dict[str, list[OfficialPost]] = {}
    for post in every:
        by_status.setdefault(post.status_at(now), []).append(post)
    sections = [
        ("needs-my-approval", "Needs my approval", workflow.awaiting(person, every, now)),
        (
            "drafts",
            "Drafts",
            [p for p in mine if p.status_at(now) in (Status.DRAFT, Status.CHECKED)],
        ),
        ("pending", "Waiting for approval", by_status.get(Status.SUBMITTED, [])),
        ("approved", "Approved: ready to publish", by_status.get(Status.APPROVED, [])),
        ("rejected", "Rejected", by_status.get(Status.REJECTED, [])),
        ("expired", "Expired", by_status.get(Status.EXPIRED, [])),
        ("published", "Published", by_status.get(Status.PUBLISHED, [])[:20]),
    ]
    if not approver:
        sections = sections[1:]
    rejected_notes = {
        post.pk: max(
            (a for a in post.approvals.all() if a.decision == "rejected"),
            key=lambda a: a.decided_at,
            default=None,
        )
        for post in by_status.get(Status.REJECTED, [])
    }
    return _render(
        request,
        "posting/queues.html",
        {"sections": sections, "approver": approver, "now": now, "rejected_notes": rejected_notes},
    )


@requires("check_post")
@_person_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """What needs the person: posts waiting for their approval, answers to their own posts."""
    person = request.person  # type: ignore[attr-defined]
    found = (
        PostAlert.objects.for_school(request.school)  # type: ignore[attr-defined]
        .filter(recipient=person)
        .select_related("post", "post__author")
        .defer("post__check_result")
        .prefetch_related(
            Prefetch(
                "post__approvals",
                queryset=PostApproval.objects.filter(decision="rejected"),
                to_attr="rejections",
            )
        )
        .order_by(models.F("seen_at").desc(nulls_first=True), "-created_at", "-pk")[:100]
    )
    # The rejection note is shown beside its alert: the e-mail said only that it is here.
    rows = []
    for alert in found:
        note = None
        if alert.kind == PostAlert.Kind.REJECTED:
            rejection = next((a for a in alert.post.rejections if a.round == alert.round), None)
            note = rejection.note if rejection else None
        rows.append((alert, note))
    return _render(request, "posting/alerts.html", {"rows": rows, "now": timezone.now()})


# -- Official posts: one post ----------------------------------------------------------------


def _post_for(request: HttpRequest, pk: int) -> OfficialPost:
    post = get_object_or_404(
        OfficialPost.objects.for_school(request.school).select_related("author"),  # type: ignore[attr-defined]
        pk=pk,
    )
    if not workflow.may_view(request.person, post):  # type: ignore[attr-defined]
        raise Http404("No such post.")
    return post


@requires("check_post")
@_person_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    person = request.person  # type: ignore[attr-defined]
    now = timezone.now()
    if post.status_at(now) != post.status:
        workflow.expire(post, now)  # an approval that lapsed is written down when first seen
    alerts.mark_seen(post, person, now)
    status = post.status_at(now)
    presented = None
    if post.check_result:
        presented = present_result(post.check_result, post.text, engine_for(post.school))
        for shown, image in zip(presented["images"], post.images_in_order, strict=False):
            shown["url"] = reverse("posting:post_image", args=[post.pk, image.pk])
            shown["stored"] = image
    ready = workflow.readiness(post, now)
    step = workflow.next_step(post)
    may_answer = status == Status.SUBMITTED and person.pk in workflow.approvers_for_step(
        post, step, timezone.localdate(now)
    )
    approvers, approvers_why = workflow.who_approves(post, timezone.localdate(now))
    context = {
        "post": post,
        "status": status,
        "status_label": Status(status).label,
        "is_author": post.author_id == person.pk,
        "may_answer": may_answer,
        "step": step,
        "presented": presented,
        "check_current": workflow.check_is_current(post),
        "ready": ready,
        "approvals": workflow.approvals_this_round(post),
        "standing": workflow.standing_approvals(post, status),
        "approvers": approvers,
        "approvers_why": approvers_why,
        "events": post.events.select_related("actor").order_by("at", "pk"),
        "images": post.images_in_order,
        "note_form": DecisionNoteForm(),
        "editable": status in workflow.EDITABLE or status in workflow.IN_APPROVAL,
        "consent_use": ConsentUse(
            "website" if post.platform == "website" else "social_media"
        ).label,
    }
    return _render(request, "posting/post.html", context)


@csrf_exempt  # checked inside, once uploads are set to stay in memory
@uploads_in_memory
@csrf_protect
@requires("check_post")
@_person_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    person = request.person  # type: ignore[attr-defined]
    if post.author_id != person.pk:
        return forbidden(request, "Only the post's author can edit it.")
    images = post.images_in_order
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                added = validate_uploads(request.FILES.getlist("images"))
            except UploadError as exc:
                form.add_error("images", str(exc))
            else:
                removed = [int(v) for v in request.POST.getlist("remove_image") if v.isdigit()]
                try:
                    workflow.edit_post(
                        post,
                        person,
                        text=form.cleaned_data["text"],
                        platform=form.cleaned_data["platform"],
                        scheduled_for=form.cleaned_data["scheduled_for"],
                        add_images=added,
                        remove_images=removed,
                    )
                except workflow.WorkflowError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, "Saved. Check it again before you submit it.")
                    return redirect("posting:post", pk=post.pk)
    else:
        initial = {
            "text": post.text,
            "platform": post.platform,
            "scheduled_for": timezone.localtime(post.scheduled_for) if post.scheduled_for else None,
        }
        form = PostForm(initial=initial)
    status = 422 if request.method == "POST" else 200
    return _render(
        request,
        "posting/post_edit.html",
        {"post": post, "form": form, "images": images},
        status=status,
    )


def _step(
    request: HttpRequest, pk: int, action: Callable[[OfficialPost, Person], Any], done: str
) -> HttpResponse:
    post = _post_for(request, pk)
    try:
        action(post, request.person)  # type: ignore[attr-defined]
    except workflow.NotAllowed as exc:
        return forbidden(request, str(exc))
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    except checking.CheckInputError as exc:
        messages.error(request, f"The post could not be checked: {exc}")
    else:
        messages.success(request, done)
    return redirect("posting:post", pk=pk)


@require_POST
@requires("check_post")
@_person_required
def post_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, workflow.check_post, "Checked.")


@require_POST
@requires("check_post")
@_person_required
def post_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, workflow.submit, "Submitted for approval.")


@require_POST
@requires("check_post")
@_person_required
def post_approve(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "").strip()[:2000]
    return _step(request, pk, lambda post, by: workflow.approve(post, by, note), "Approved.")


@require_POST
@requires("check_post")
@_person_required
def post_reject(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "").strip()[:2000]
    return _step(
        request, pk, lambda post, by: workflow.reject(post, by, note), "Rejected, with your note."
    )


@require_POST
@requires("check_post")
@_person_required
def post_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, workflow.mark_published, "Recorded as published.")


@require_POST
@requires("check_post")
@_person_required
def post_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, workflow.withdraw, "Withdrawn.")


@requires("check_post")
@_person_required
def post_tags(request: HttpRequest, pk: int) -> HttpResponse:
    """Tag the pupils shown: find by name, add or remove; works without JavaScript."""
    post = _post_for(request, pk)
    person = request.person  # type: ignore[attr-defined]
    if post.author_id != person.pk:
        return forbidden(request, "Only the post's author tags the pupils shown.")
    tagged = list(post.tagged_pupils.order_by("last_name", "first_name"))
    if request.method == "POST":
        ids = {p.pk for p in tagged}
        add, remove = request.POST.get("add", ""), request.POST.get("remove", "")
        if add.isdigit():
            ids.add(int(add))
        if remove.isdigit():
            ids.discard(int(remove))
        pupils = list(Person.objects.for_school(post.school_id).filter(pk__in=ids, role="pupil"))
        try:
            workflow.set_tags(post, person, pupils)
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        back = reverse("posting:post_tags", args=[post.pk])
        q = request.POST.get("q", "")
        return redirect(f"{back}?q={q}" if q else back)
    search = PupilSearchForm(request.GET)
    found: list[Person] = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        found = list(
            Person.objects.for_school(post.school_id)
            .filter(role="pupil")
            .search(search.cleaned_data["q"])
            .exclude(pk__in=[p.pk for p in tagged])[:30]
        )
    use = "website" if post.platform == "website" else "social_media"
    rows = [(p, consent_state(p, use)) for p in tagged]
    found_rows = [(p, consent_state(p, use)) for p in found]
    return _render(
        request,
        "posting/tags.html",
        {
            "post": post,
            "rows": rows,
            "found": found_rows,
            "search": search,
            "consent_use": ConsentUse(use).label,
        },
    )


@requires("check_post")
@_person_required
def post_image(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    image = get_object_or_404(PostImage.objects.for_school(post.school_id), pk=image_pk, post=post)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{_safe_name(image)}"'
    return response


def _safe_name(image: PostImage) -> str:
    extension = image.content_type.split("/")[-1].replace("jpeg", "jpg")
    return f"image-{image.position + 1}.{extension}"


@require_POST
@requires("check_post")
@_person_required
def post_image_clean(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    post = _post_for(request, pk)
    image = get_object_or_404(PostImage.objects.for_school(post.school_id), pk=image_pk, post=post)
    return _step(
        request,
        pk,
        lambda _post, by: workflow.remove_location(image, by),
        "The location is removed: the image kept is a clean copy. Check the post again.",
    )


@requires("check_post")
@_person_required
def post_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved post as a zip: its text and its images, ready to publish by hand."""
    post = _post_for(request, pk)
    if post.status_at() not in (Status.APPROVED, Status.PUBLISHED):
        messages.error(request, "Only an approved post can be exported.")
        return redirect("posting:post", pk=pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("post.txt", post.text)
        for image in post.images_in_order:
            archive.writestr(_safe_name(image), bytes(image.data))
    workflow.record_export(post, request.person)  # type: ignore[attr-defined]
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="official-post-{post.pk}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


# -- Spokespeople ----------------------------------------------------------------------------


def _form_errors(form: Any, exc: Exception) -> None:
    """A model's ValidationError shown on the form, by field where it names one."""
    for field, errors in getattr(exc, "message_dict", {"__all__": [str(exc)]}).items():
        form.add_error(None if field == "__all__" or field not in form.fields else field, errors)


@requires("check_post")
@_person_required
def spokespeople(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    head = is_headteacher(person)
    form = SpokespersonForm(school)
    if request.method == "POST":
        refused = _head_only(request)
        if refused:
            return refused
        form = SpokespersonForm(school, request.POST)
        if form.is_valid():
            try:
                entry = recording.approve_spokesperson(person, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"{entry.person.full_name} may now speak for the school.")
                return redirect("posting:spokespeople")
    on = today()
    entries = (
        Spokesperson.objects.for_school(school)
        .select_related("person", "approved_by")
        .prefetch_related("events")
    )
    rows = [
        {
            "entry": e,
            "valid": e.is_valid_on(on),
            "trained": e.training_done_on(on),
            "events": list(e.events.all()),
        }
        for e in entries
    ]
    status = 422 if request.method == "POST" else 200
    return _render(
        request,
        "posting/spokespeople.html",
        {
            "rows": rows,
            "form": form,
            "head": head,
            "platform_choices": platform_choices(),
        },
        status=status,
    )


@require_POST
@requires("check_post")
@_person_required
def spokesperson_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Record training, change restrictions, renew or revoke: each one an event in the entry's
    history."""
    refused = _head_only(request)
    if refused:
        return refused
    entry = get_object_or_404(Spokesperson.objects.for_school(request.school), pk=pk)  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    name = entry.person.full_name
    change = request.POST.get("change", "training")
    forms_for = {
        "revoke": (RevokeForm, f"{name} may no longer speak for the school."),
        "restrict": (RestrictForm, f"{name}'s restrictions are changed."),
        "renew": (RenewForm, f"{name}'s approval is renewed."),
        "training": (TrainingForm, f"Training recorded for {name}."),
    }
    if change not in forms_for:
        return HttpResponseBadRequest("Unknown change.")
    form_class, done = forms_for[change]
    form = form_class(request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, f"{name}: {' '.join(problems)}")
        return redirect("posting:spokespeople")
    data = form.cleaned_data
    try:
        if change == "revoke":
            recording.revoke_spokesperson(entry, person, data["reason"])
        elif change == "restrict":
            recording.restrict(
                entry,
                person,
                platforms=data["platforms"],
                restrictions=data["restrictions"],
                note=data["note"],
            )
        elif change == "renew":
            recording.renew(entry, person, data["expires_on"], note=data["note"])
        else:
            recording.record_training(entry, person, data["training_completed_on"])
    except recording.NotAllowed as exc:
        return forbidden(request, str(exc))
    except (recording.RecordingError, ValidationError) as exc:
        messages.error(request, f"{name}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
    else:
        messages.success(request, done)
    return redirect("posting:spokespeople")


# -- Photo consent ---------------------------------------------------------------------------


@requires("check_post")
@_person_required
def consent_register(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    search = PupilSearchForm(request.GET)
    pupils = Person.objects.for_school(school).filter(role="pupil")
    if search.is_valid() and search.cleaned_data["q"].strip():
        pupils = pupils.search(search.cleaned_data["q"])
    page = Paginator(pupils, 50).get_page(request.GET.get("page"))
    on = today()
    rows = [
        (
            pupil,
            consent_state(pupil, ConsentUse.WEBSITE, on),
            consent_state(pupil, ConsentUse.SOCIAL_MEDIA, on),
        )
        for pupil in page
    ]
    return _render(
        request,
        "posting/consent.html",
        {
            "rows": rows,
            "page": page,
            "search": search,
            "may_record": "manage_people" in capabilities(request.user),
            "may_import": _may_import_consent(request),
        },
    )


@requires("check_post")
@_person_required
def consent_pupil(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    pupil = get_object_or_404(Person.objects.for_school(school).filter(role="pupil"), pk=pk)
    may_record = "manage_people" in capabilities(request.user)
    form = ConsentForm(pupil)
    if request.method == "POST":
        if not may_record:
            return forbidden(
                request,
                "Photo consent is recorded by the school office and senior "
                "leaders (people who manage the school's people).",
            )
        form = ConsentForm(pupil, request.POST)
        if form.is_valid():
            entry = PhotoConsent(
                school=school,
                pupil=pupil,
                recorded_by=request.person,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
            try:
                entry.full_clean()
            except Exception as exc:
                for field, errors in getattr(exc, "message_dict", {"__all__": [str(exc)]}).items():
                    form.add_error(None if field == "__all__" else field, errors)
            else:
                entry.save()
                messages.success(request, "Recorded.")
                return redirect("posting:consent_pupil", pk=pupil.pk)
    history = (
        PhotoConsent.objects.for_school(school)
        .filter(pupil=pupil)
        .select_related("given_by", "recorded_by")
        .order_by("-pk")
    )
    states = [consent_state(pupil, use) for use in ConsentUse.values]
    status = 422 if request.method == "POST" else 200
    return _render(
        request,
        "posting/consent_pupil.html",
        {
            "pupil": pupil,
            "form": form,
            "history": history,
            "states": states,
            "may_record": may_record,
        },
        status=status,
    )


def _may_import_consent(request: HttpRequest) -> bool:
    """The DSL team, the headteacher and the site's administrators import consent from the
    MIS: it is a bulk change to records about children."""
    if request.user.is_superuser:  # type: ignore[union-attr]
        return True
    person = request.person  # type: ignore[attr-defined]
    if person is None:
        return False
    school = request.school  # type: ignore[attr-defined]
    return is_headteacher(person) or any(p.pk == person.pk for p in dsl_team(school))


@requires("check_post")
def consent_import(request: HttpRequest) -> HttpResponse:
    """Import photo consent from the MIS's CSV: checked first or at once, all or nothing."""
    if not _may_import_consent(request):
        return forbidden(
            request,
            "Photo consent is imported from the MIS by the headteacher, the Designated "
            "Safeguarding Lead and their deputies, or the site's administrator.",
        )
    form = ConsentImportForm()
    report = None
    if request.method == "POST":
        form = ConsentImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_consent(
                request.school,  # type: ignore[attr-defined]
                form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
                recorded_by=request.person,  # type: ignore[attr-defined]
            )
            if report.ok and not report.dry_run:
                messages.success(request, report.summary())
    status = 422 if (request.method == "POST" and (report is None or not report.ok)) else 200
    return _render(
        request,
        "posting/consent_import.html",
        {"form": form, "report": report, "example": example_csv()},
        status=status,
    )


# -- Written permissions for branding --------------------------------------------------------


@requires("check_post")
@_person_required
def branding(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    head = is_headteacher(person)
    form = BrandingRequestForm()
    if request.method == "POST":
        form = BrandingRequestForm(request.POST)
        if form.is_valid():
            try:
                recording.request_branding(person, **form.cleaned_data)
            except recording.NotAllowed as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Your request has gone to the headteacher.")
                return redirect("posting:branding")
    permissions = (
        BrandingPermission.objects.for_school(school)
        .select_related("requested_by", "decided_by")
        .prefetch_related("events")
    )
    mine = permissions.filter(requested_by=person)
    on = today()
    context = {
        "form": form,
        "head": head,
        "mine": [(p, p.is_valid_on(on)) for p in mine],
        "waiting": permissions.filter(status=BrandingPermission.Status.REQUESTED) if head else [],
        "everyone": [(p, p.is_valid_on(on)) for p in permissions] if head else [],
    }
    status = 422 if request.method == "POST" else 200
    return _render(request, "posting/branding.html", context, status=status)


@requires("check_post")
@_person_required
def branding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    refused = _head_only(request)
    if refused:
        return refused
    permission = get_object_or_404(BrandingPermission.objects.for_school(request.school), pk=pk)  # type: ignore[attr-defined]
    person = request.person  # type: ignore[attr-defined]
    if request.method == "POST" and "revoke" in request.POST:
        form = BrandingDecisionForm()
        try:
            recording.revoke_branding(permission, person, request.POST.get("note", ""))
        except recording.RecordingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Revoked.")
            return redirect("posting:branding")
    elif request.method == "POST":
        form = BrandingDecisionForm(request.POST)
        if permission.status != BrandingPermission.Status.REQUESTED:
            messages.error(request, "This request has already been answered.")
            return redirect("posting:branding")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "grant":
                    recording.grant_branding(
                        permission,
                        person,
                        written_permission=data["written_permission"],
                        valid_from=data["valid_from"],
                        expires_on=data["expires_on"],
                    )
                else:
                    recording.refuse_branding(permission, person, data["note"])
            except ValidationError as exc:
                _form_errors(form, exc)
            except recording.RecordingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Answered; the request shows your answer.")
                return redirect("posting:branding")
    elif request.method == "GET":
        form = BrandingDecisionForm(initial={"valid_from": today()})
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    status = 422 if request.method == "POST" else 200
    return _render(
        request,
        "posting/branding_decide.html",
        {"permission": permission, "form": form, "events": permission.events.all()},
        status=status,
    )


# -- Settings --------------------------------------------------------------------------------


@requires("check_post")
@_person_required
def posting_settings_page(request: HttpRequest) -> HttpResponse:
    refused = _head_only(request)
    if refused:
        return refused
    found = posting_settings(request.school)  # type: ignore[attr-defined]
    if request.method == "POST":
        form = SettingsForm(request.POST, request.FILES, instance=found)
        if form.is_valid():
            form.save()
            messages.success(request, "Saved.")
            return redirect("posting:settings")
    else:
        form = SettingsForm(instance=found)
    status = 422 if request.method == "POST" else 200
    return _render(request, "posting/settings.html", {"form": form, "found": found}, status=status)
