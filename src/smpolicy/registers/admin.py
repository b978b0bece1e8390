"""Admin for the registers: every list is scoped to the user's school (SchoolScopedAdmin).

Policy versions and subject access requests are not here: a version's sign-off and a request's
bundle are decided on their own pages, with the second factor and the people the policy names
(``smpolicy.web.admin_site`` says why the admin keeps to configuration)."""

from __future__ import annotations

from django.contrib import admin

from smpolicy.registers.models import (
    Acknowledgement,
    JudgementAdvisory,
    ProfileReview,
    RegisterSettings,
    Reminder,
    Responsibility,
    SocialContact,
    SocialContactReview,
)
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(RegisterSettings)
class RegisterSettingsAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "profile_review_days", "escalate_after_days", "email_reminders"]


class ContactReviewInline(SchoolScopedAdmin, admin.TabularInline):
    model = SocialContactReview
    fk_name = "contact"
    exclude = ["school"]
    extra = 0


@admin.register(SocialContact)
class SocialContactAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["staff", "status", "declared_at", "review_due_on"]
    list_filter = ["status"]
    search_fields = ["staff__first_name", "staff__last_name"]
    autocomplete_fields = ["staff", "family", "acknowledged_by"]
    inlines = [ContactReviewInline]


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


@admin.register(JudgementAdvisory)
class JudgementAdvisoryAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["advised_by", "advised_to", "when", "created_at", "la_advice"]
    list_filter = ["when", "la_advice"]
    autocomplete_fields = ["advised_by", "advised_to"]


@admin.register(Reminder)
class ReminderAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "recipient__last_name"]
    readonly_fields = ["key", "created_at", "emailed_at", "email_attempts", "email_problem"]

