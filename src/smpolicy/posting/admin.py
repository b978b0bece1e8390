"""Admin for the posting registers. Official posts and written branding permissions are not here:
their words may name pupils, and their steps go through their pages, which enforce who may take
them. Spokespeople are made on the headteacher's page; here what was approved is read-only, and
any other change is recorded in the entry's history (recording.py) under the admin account that
made it. The histories themselves are shown on the registers' pages only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from smpolicy.posting.models import (
    PhotoConsent,
    PostingSettings,
    RecordedChanges,
    Spokesperson,
)
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(PostingSettings)
class PostingSettingsAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "approval_steps"]


class _RecordedAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    """The frozen fields are read-only; any other change is written to the entry's history."""

    exclude = ["school"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        model: type[RecordedChanges] = self.model
        return [n for n in model.FROZEN if n != "school"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the register's page, where the headteacher's rules apply

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        from smpolicy.posting import recording

        fields = [n for n in form.changed_data if n not in self.model.FROZEN]
        changes = {n: getattr(obj, n) for n in fields}
        obj.refresh_from_db()  # the form set them; recording.change sets and records them
        person = getattr(request, "person", None)
        recording.change(
            obj,
            person,
            "admin",
            changes,
            note="Changed in the admin",
            actor_name=f"{person.full_name if person else ''} (admin: {request.user})".strip(),
        )


@admin.register(Spokesperson)
class SpokespersonAdmin(_RecordedAdmin):
    list_display = [
        "person",
        "approved_by",
        "approved_on",
        "training_completed_on",
        "expires_on",
        "revoked_on",
    ]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["revoked_by"]


@admin.register(PhotoConsent)
class PhotoConsentAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["pupil", "use", "status", "given_by", "given_on", "valid_until", "recorded_at"]
    list_filter = ["use", "status"]
    search_fields = ["pupil__first_name", "pupil__last_name"]
    autocomplete_fields = ["pupil", "given_by", "recorded_by"]
    exclude = ["school"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a change is a new entry

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
