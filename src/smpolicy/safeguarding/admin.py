"""The admin shows safeguarding records read-only, to the safeguarding team, after a second factor.

Nothing here can add, change or delete a record: evidence and audit entries are append-only, and a
report changes only through the app's own pages (which record why). Even a superuser sees these
models only if their own post gives them the ``safeguarding`` capability, and then only what need
to know allows, as in the app.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from smpolicy.safeguarding import access, audit, totp
from smpolicy.safeguarding.models import (
    Advice,
    AuditEntry,
    Case,
    Destruction,
    Evidence,
    EvidenceText,
    Outcome,
    PoliceReferral,
    Report,
    RetentionChange,
    SecondFactor,
)
from smpolicy.schools.access import attach
from smpolicy.schools.admin import SchoolScopedAdmin


class NeedToKnowAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    """Read-only, need-to-know, second factor: the rules of the app's own pages."""

    # The lookup from this model to its Report ("" for Report itself, None: no report).
    report_path: str | None = "report"
    headteacher_only = False

    def _person(self, request: HttpRequest) -> Any:
        if not hasattr(request, "person"):
            attach(request)
        return request.person  # type: ignore[attr-defined]

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_active or not user.is_staff:
            return False
        person = self._person(request)
        if person is None or not access.is_dsl_team(user):
            return False
        if self.headteacher_only and not access.is_headteacher(person):
            return False
        return totp.is_verified(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def _scoped(self, request: HttpRequest) -> bool:
        return True  # superusers too: one school's records, and only what they need to know

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if not self._allowed(request):
            return qs.none()
        person = self._person(request)
        if self.report_path is None:
            return qs
        full = access.full_reports(person, request.user)
        if self.report_path == "":
            return qs.filter(pk__in=full.values("pk"))
        return qs.filter(**{f"{self.report_path}__in": full.values("pk")})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def _needs_second_factor(self, request: HttpRequest) -> bool:
        """The safeguarding team, signed in to the admin but not yet past the second step."""
        user = request.user
        return (
            user.is_authenticated
            and user.is_staff
            and access.is_dsl_team(user)
            and not totp.is_verified(request)
        )

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if self._needs_second_factor(request):
            return access.second_factor_redirect(request)
        response = super().change_view(request, object_id, *args, **kwargs)
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is not None and response.status_code == 200:
            audit.record("view (admin)", obj, school=obj.school_id, request=request)
        return response

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._needs_second_factor(request):
            return access.second_factor_redirect(request)
        response = super().changelist_view(request, *args, **kwargs)
        person = self._person(request)
        if person is not None and response.status_code == 200:
            audit.record(
                "list (admin)",
                None,
                school=person.school_id,
                request=request,
                record_type=self.model._meta.model_name,
            )
        return response


@admin.register(Report)
class ReportAdmin(NeedToKnowAdmin):
    report_path = ""
    list_display = ["reference", "kind", "status", "occurred_at", "recorded_at"]
    list_filter = ["kind", "status"]
    search_fields = ["reference"]


@admin.register(Evidence)
class EvidenceAdmin(NeedToKnowAdmin):
    list_display = ["__str__", "report", "kind", "size", "sha256", "added_at"]
    list_filter = ["kind"]


@admin.register(EvidenceText)
class EvidenceTextAdmin(NeedToKnowAdmin):
    report_path = "evidence__report"
    list_display = ["evidence", "status", "created_at"]


@admin.register(Case)
class CaseAdmin(NeedToKnowAdmin):
    report_path = None
    list_display = ["reference", "title", "status", "opened_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.filter(pk__in=access.visible_cases(self._person(request), request.user))


class CaseEntryAdmin(NeedToKnowAdmin):
    report_path = None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.filter(case__in=access.visible_cases(self._person(request), request.user))


@admin.register(Outcome)
class OutcomeAdmin(CaseEntryAdmin):
    list_display = ["case", "kind", "decided_on"]


@admin.register(Advice)
class AdviceAdmin(CaseEntryAdmin):
    list_display = ["case", "source", "advised_on"]


@admin.register(PoliceReferral)
class PoliceReferralAdmin(CaseEntryAdmin):
    list_display = ["case", "chosen_on", "referred_on"]


@admin.register(AuditEntry)
class AuditEntryAdmin(NeedToKnowAdmin):
    report_path = None
    headteacher_only = True
    list_display = ["at", "username", "action", "record_type", "reference", "note"]
    list_filter = ["action", "record_type"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        person = self._person(request)
        if person is None:
            return qs.none()
        hidden = (
            Report.objects.for_school(person.school_id)
            .exclude(pk__in=access.full_reports(person, request.user).values("pk"))
            .values_list("reference", flat=True)
        )
        return qs.exclude(reference__in=list(hidden))


@admin.register(Destruction)
class DestructionAdmin(NeedToKnowAdmin):
    report_path = None
    list_display = ["reference", "kind", "confirmed_by_name", "confirmed_at"]


@admin.register(RetentionChange)
class RetentionChangeAdmin(NeedToKnowAdmin):
    list_display = ["report", "kind", "retain_until_after", "made_by", "made_at"]


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    """A superuser resets a lost authenticator by deleting it; the person enrols again. The secret
    is never shown."""

    list_display = ["user", "confirmed_at", "locked_until"]
    fields = ["user", "confirmed_at", "locked_until"]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
