"""The school's pages: home, people, importing people, API keys, and sign-in."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.views.decorators.http import require_POST

from smpolicy.schools import apikeys, notices
from smpolicy.schools.access import (
    CAPABILITIES,
    SchoolRequest,
    capabilities,
    login_url,
    requires,
)
from smpolicy.schools.clientaddress import client_address
from smpolicy.schools.forms import (
    ApiKeyForm,
    ColumnMappingForm,
    ImportPeopleForm,
    MisConnectionForm,
    PeopleFilterForm,
)
from smpolicy.schools.importing import guess_columns, import_people
from smpolicy.schools.mis_sync import sync_school
from smpolicy.schools.models import ApiKey, ImportMapping, MisConnection, Person, School
from smpolicy.schools.passwords import PasswordResetForm, client_may_ask, link_lifetime
from smpolicy.schools.sso import sign_in_choices

PEOPLE_PER_PAGE = 50


@dataclass(frozen=True)
class Action:
    label: str
    description: str
    url: str | None


# Pages for each capability, by URL name, with what each is for (the capability's description
# when None); a page another app has not built yet shows no link.
CAPABILITY_PAGES: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "ask_policy": (
        ("Ask the policy", "asking:ask", None),
        ("Policy tasks", "registers:home", "Your declarations, profile review, policy to read"),
    ),
    "check_post": (
        ("Check a post", "posting:check", None),
        ("Official posts", "posting:queues", "Drafts, approvals and posts ready to publish"),
    ),
    "log_concern": (
        ("Report a concern", "safeguarding:report_new", "What the policy says must be reported"),
        ("Your reports", "safeguarding:my_reports", None),
    ),
    "safeguarding": (
        ("Safeguarding records", "safeguarding:index", None),
        (
            "Posts and access",
            "safeguarding:access_changes",
            "Who holds the DSL's, the headteacher's and the Chair's posts; changes to confirm",
        ),
    ),
    "network_monitoring": (
        ("Network findings", "network:findings", "What the school's filter and DNS logs show"),
    ),
    "governor_reports": (
        ("Governors' reports", "registers:governors", None),
        ("Safeguarding counts", "safeguarding:governor_counts", "Anonymised counts"),
    ),
    "manage_people": (
        ("People", "schools:people", None),
        ("Import people", "schools:import_people", "Add or update people from a CSV file"),
        (
            "Posts and access",
            "safeguarding:access_changes",
            "Ask for a change to who holds the posts that open safeguarding records",
        ),
    ),
    "manage_api_keys": (
        ("API keys", "schools:api_keys", "Keys for other systems, such as the MIS or website"),
    ),
    "mis_sync": (
        ("MIS sync", "schools:mis_sync", "Keep pupils, staff and parents in step with the MIS"),
    ),
}


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def actions_for(names: frozenset[str]) -> list[Action]:
    """What a user with these capabilities can do, with a link where the page exists."""
    actions = []
    for name, description in CAPABILITIES.items():
        if name not in names:
            continue
        pages = [
            Action(label, about or description, url)
            for label, url_name, about in CAPABILITY_PAGES.get(name, ())
            if (url := _url(url_name))
        ]
        actions += pages or [Action(description, "", None)]
    return actions


@login_required(login_url=reverse_lazy("schools:login"))
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "schools/home.html",
        {
            "actions": actions_for(capabilities(request.user)),
            "notices": notices.for_request(request),
            # The concern form's whole address, for staff to give parents (newsletters, the site).
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )


@requires("manage_people")
def people(request: SchoolRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    found = Person.objects.for_school(request.school).select_related("line_manager")
    if form.is_valid():
        if form.cleaned_data["role"]:
            found = found.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["q"]:
            found = found.search(form.cleaned_data["q"])
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/people.html",
        {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count},
    )


# The uploaded export waits in the session while its columns are mapped (at most 5 MB).
PENDING_IMPORT = "schools.pending_import"


@requires("manage_people")
def import_people_page(request: SchoolRequest) -> HttpResponse:
    report = None
    mapping_form = None
    form = ImportPeopleForm()
    if request.method == "POST" and request.POST.get("action") == "map":
        pending = request.session.get(PENDING_IMPORT)
        if not pending:
            messages.error(request, "Upload the file again: it is no longer waiting here.")
            return redirect("schools:import_people")
        data = base64.b64decode(pending["data"])
        headers = pending["headers"]
        mapping_form = ColumnMappingForm(request.POST, headers=headers, guessed={})
        if mapping_form.is_valid():
            kind = mapping_form.cleaned_data["kind"] or "people"
            columns = mapping_form.cleaned_data["mapping"]
            report = import_people(
                request.school, data, dry_run=mapping_form.cleaned_data["dry_run"], kind=kind,
                mapping=columns,
            )
            if report.ok:
                # Chosen once: the next export of this shape needs no mapping.
                ImportMapping.objects.update_or_create(
                    school=request.school,
                    signature=report.signature,
                    defaults={"headers": headers, "columns": columns, "kind": kind,
                              "created_by": request.user},
                )
                if report.written:
                    request.session.pop(PENDING_IMPORT, None)
                    mapping_form = None
    elif request.method == "POST":
        form = ImportPeopleForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            kind = form.cleaned_data["kind"] or "people"
            report = import_people(
                request.school, data, dry_run=form.cleaned_data["dry_run"],
                kind=None if kind == "people" else kind,
            )
            if report.needs_mapping:
                request.session[PENDING_IMPORT] = {
                    "data": base64.b64encode(data).decode("ascii"),
                    "headers": report.headers,
                }
                mapping_form = ColumnMappingForm(
                    headers=report.headers,
                    guessed=guess_columns(report.headers),
                    initial={"kind": kind, "dry_run": form.cleaned_data["dry_run"]},
                )
                report = None
    response = render(
        request,
        "schools/import_people.html",
        {"form": form, "report": report, "mapping_form": mapping_form},
    )
    response["Cache-Control"] = "no-store"
    return response


@requires("mis_sync")
def mis_sync(request: SchoolRequest) -> HttpResponse:
    """The Wonde connection, a dry run, and a sync now, with the report of what changed."""
    connection = MisConnection.objects.for_school(request.school).first()
    initial = (
        {"mis_school_id": connection.mis_school_id, "nightly": connection.nightly}
        if connection
        else None
    )
    has_token = bool(connection and connection.token)
    form = MisConnectionForm(initial=initial, has_token=has_token)
    report = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("dry_run", "sync"):
            report = sync_school(request.school, dry_run=action == "dry_run")
            connection = MisConnection.objects.for_school(request.school).first()
            status = 200 if report.ok else 422
        else:
            form = MisConnectionForm(request.POST, has_token=has_token)
            if not form.is_valid():
                status = 422
            else:
                connection = connection or MisConnection(school=request.school)
                connection.mis_school_id = form.cleaned_data["mis_school_id"]
                connection.nightly = form.cleaned_data["nightly"]
                if form.cleaned_data["token"]:
                    connection.set_token(form.cleaned_data["token"])
                connection.save()
                messages.success(request, "The Wonde connection is saved. Try a dry run first.")
                return redirect("schools:mis_sync")
    response = render(
        request,
        "schools/mis_sync.html",
        {"form": form, "connection": connection, "report": report},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


def _api_keys_page(
    request: SchoolRequest, form: ApiKeyForm, new: apikeys.NewKey | None = None, status: int = 200
) -> HttpResponse:
    keys = ApiKey.objects.for_school(request.school)
    response = render(
        request,
        "schools/api_keys.html",
        {
            "form": form,
            "new": new,
            "active": [k for k in keys if k.is_active],
            "revoked": [k for k in keys if not k.is_active],
            "scopes": apikeys.SCOPES,
        },
        status=status,
    )
    if new is not None:  # the one page that shows a whole key: never kept by a browser or proxy
        response["Cache-Control"] = "no-store"
    return response


@requires("manage_api_keys")
def api_keys(request: SchoolRequest) -> HttpResponse:
    if request.method != "POST":
        return _api_keys_page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _api_keys_page(request, form, status=422)
    data = form.cleaned_data
    new = apikeys.create(request.school, data["name"], data["scopes"], request.user, request)
    # The key is shown in this response only: a redirect would have to carry it in the URL or
    # the session.
    return _api_keys_page(request, ApiKeyForm(), new=new)


@require_POST
@requires("manage_api_keys")
def api_key_revoke(request: SchoolRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey.objects.for_school(request.school), pk=pk)
    if apikeys.revoke(key, request.user, request):
        messages.success(request, f"The key “{key.name}” is revoked: it no longer works.")
    else:
        messages.info(request, f"The key “{key.name}” was revoked already.")
    return redirect("schools:api_keys")


class LoginView(auth_views.LoginView):
    """The password form, with a button for each school's single sign-on beside it."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("schools:home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Only a safe next page is passed on to the provider's round trip.
        choices = sign_in_choices(self.get_redirect_url())
        context["sso_choices"] = choices
        context["sso_many_schools"] = len({choice.school.pk for choice in choices}) > 1
        # Parents and carers have no account: the sign-in page is where they arrive, so it leads
        # to each school's concern form (the template leaves it out where safeguarding is not).
        context["concern_schools"] = list(School.objects.order_by("name"))
        return context


# Template names of our own: django.contrib.admin ships registration/password_reset_*.html and,
# listed first in INSTALLED_APPS, its templates would win.
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/reset_password.html"
    email_template_name = "registration/reset_password_email.txt"
    subject_template_name = "registration/reset_password_subject.txt"
    success_url = reverse_lazy("schools:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not client_may_ask(client_address(self.request)):
            form.add_error(
                None,
                "Too many reset links have been asked for from here in the last hour. "
                "Please try again in an hour, or ask the school office to reset your password.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"timeout_hours": link_lifetime()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_password_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "timeout_hours": link_lifetime()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_password_new.html"
    success_url = reverse_lazy("schools:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_password_done.html"


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("schools:login")

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("schools:password_change_done")

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Django's own view sends the anonymous to settings.LOGIN_URL; ours names the page.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        return super().dispatch(request, *args, **kwargs)
