"""Admin for the registers: every list is scoped to the user's school (SchoolScopedAdmin)."""

from __future__ import annotations

from django.contrib import admin

from smpolicy.registers.models import (
    Acknowledgement,
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    RegisterSettings,
    Reminder,
    Responsibility,
    SocialContact,
    SocialContactReview,
    SubjectAccessRequest,
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


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["label", "status", "chair_signed_on", "head_signed_on",
                    "agreed_at_meeting_on", "in_force_from", "review_due_on"]
    list_filter = ["status"]
    autocomplete_fields = ["created_by", "chair", "head"]
    readonly_fields = ["pack_sha256"]


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


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["person", "received_on", "due_on", "released_at"]
    autocomplete_fields = ["person", "created_by"]
