"""Admin for network monitoring: every list is scoped to the user's school."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from smpolicy.network.models import FilteringReview, Finding, NetworkSettings, ScanRun
from smpolicy.schools.admin import SchoolScopedAdmin


@admin.register(Finding)
class FindingAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    # The admin can't ask for the second factor, and a finding may be about a pupil: so it never
    # shows or searches who a finding is about (person, name, login, age). The DSL team sees
    # that on the network pages, with the second factor.
    list_display = ["first_seen", "clause", "role", "client", "platform", "category",
                    "requests", "status"]
    list_filter = ["clause", "network", "status", "role"]
    search_fields = ["client", "domain", "platform", "category"]
    date_hierarchy = "first_seen"
    # The incident's report is a safeguarding record: it is reached from the network pages.
    exclude = ["person", "person_name", "user", "age", "incident_key", "report"]
    readonly_fields = ["fingerprint", "clause", "verdict", "network", "client", "role",
                       "platform", "category", "domain", "requests", "first_seen",
                       "last_seen", "window_start", "window_seconds", "obligations", "report_to",
                       "scan", "created", "updated"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # findings come from scans, never typed in


@admin.register(ScanRun)
class ScanRunAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["created", "source", "format", "lines", "unparsed", "findings_new",
                    "findings_seen_again"]
    readonly_fields = ["created", "by", "source", "format", "lines", "parsed", "unparsed",
                       "blocked", "findings_new", "findings_seen_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(FilteringReview)
class FilteringReviewAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["reviewed_on", "reviewers", "governor", "next_review_due"]


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(SchoolScopedAdmin, admin.ModelAdmin):
    list_display = ["school", "window_minutes", "retention_days", "report_staff"]
