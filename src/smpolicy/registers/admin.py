"""Admin for the registers: every list is scoped to the user's school (SchoolScopedAdmin).

Policy versions and subject access requests are not here: a version's sign-off and a request's
bundle are decided on their own pages, with the second factor and the people the policy names
(``smpolicy.web.admin_site`` says why the admin keeps to configuration). Nor are declared social
contacts (they name a member of staff's friends among the families) or professional-judgement
advisories (what happened, in the person's words): those are records, read on the registers'
pages by the people who need them, never by a deployment superuser."""

from __future__ import annotations

from django.contrib import admin

from smpolicy.registers.models import (
    Acknowledgement,
    ProfileReview,
    RegisterSettings,
    Reminder,
    Responsibility,
)
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(RegisterSettings)
class RegisterSettingsAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "profile_review_days", "escalate_after_days", "email_reminders"]


@admin.register(ProfileReview)
class ProfileReviewAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["person", "reason", "due_on", "completed_at"]
    list_filter = ["reason"]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["person", "asked_by"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["person", "version", "acknowledged_at"]
    list_filter = ["version__label"]
    search_fields = ["person__first_name", "person__last_name"]
    autocomplete_fields = ["person"]


@admin.register(Responsibility)
class ResponsibilityAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["kind", "person", "starts_on", "ends_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["person", "recorded_by"]


@admin.register(Reminder)
class ReminderAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "recipient__last_name"]
    readonly_fields = ["key", "created_at", "emailed_at", "email_attempts", "email_problem"]

