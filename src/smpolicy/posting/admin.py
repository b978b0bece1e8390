"""Admin for the posting registers. Official posts, their approvals and history are read-only
here: their steps go through workflow.py, which enforces who may take them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smpolicy.posting.models import (
    BrandingPermission,
    OfficialPost,
    PhotoConsent,
    PostEvent,
    PostingSettings,
    Spokesperson,
)
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(PostingSettings)
class PostingSettingsAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "approval_steps"]


@admin.register(Spokesperson)
class SpokespersonAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = [
        "person",
        "approved_by",
        "approved_on",
        "training_completed_on",
        "expires_on",
        "revoked_on",
    ]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["person", "approved_by", "revoked_by"]
    exclude = ["school"]


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


@admin.register(BrandingPermission)
class BrandingPermissionAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["requested_by", "status", "decided_by", "valid_from", "expires_on"]
    list_filter = ["status"]
    search_fields = ["requested_by__first_name", "requested_by__last_name", "purpose"]
    autocomplete_fields = ["requested_by", "decided_by"]
    exclude = ["school"]


class PostEventInline(admin.TabularInline):
    model = PostEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OfficialPost)
class OfficialPostAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "scheduled_for", "updated"]
    list_filter = ["status", "platform"]
    search_fields = ["text", "author__first_name", "author__last_name"]
    inlines = [PostEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in OfficialPost._meta.concrete_fields] + ["tagged_pupils"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
