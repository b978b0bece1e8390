"""The safeguarding pages, mounted at /safeguarding/ (app_name ``safeguarding``).

``safeguarding:report_new`` is the "Start a report" target of the Ask the policy page; it takes
``?kind=`` or the Ask page's own answers (``action``, ``role``, ``counterpart``, ``platform``,
``account``, ``flags``) and opens the right form, prefilled.
"""

from django.urls import path

from smpolicy.safeguarding import access_views, channel_views, views

app_name = "safeguarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "reports/<int:pk>/evidence/<int:correct>/correct/",
        views.evidence_add,
        name="evidence_correct",
    ),
    path("reports/<int:pk>/triage/", views.triage, name="triage"),
    path("reports/<int:pk>/destroy/", views.destroy, name="destroy"),
    path("reports/<int:pk>/retention/", views.retention_change, name="retention_change"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/teams/", channel_views.teams_channel, name="teams_channel"),
    path("records/", views.records, name="records"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/actions/", views.action_add, name="action_add"),
    path("cases/<int:pk>/outcomes/", views.outcome_add, name="outcome_add"),
    path("cases/<int:pk>/advice/", views.advice_add, name="advice_add"),
    path("cases/<int:pk>/police/", views.police_referral_add, name="police_referral_add"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("people/", views.people, name="people"),
    path("people/<int:person_pk>/chronology/", views.chronology, name="chronology"),
    path("people/<int:pupil_pk>/transfer/", views.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/export/", views.transfer_export, name="transfer_export"),
    path("retention/", views.retention_review, name="retention"),
    path("governors/", views.governor_counts, name="governor_counts"),
    path("audit/", views.audit_log, name="audit"),
    path("second-factor/", views.second_factor_setup, name="second_factor_setup"),
    path("second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path(
        "second-factor/recover/",
        access_views.second_factor_recover,
        name="second_factor_recover",
    ),
    path(
        "second-factor/recovery-codes/", access_views.recovery_codes, name="recovery_codes"
    ),
    path("access/", access_views.access_changes_page, name="access_changes"),
    path(
        "access/<int:pk>/decide/", access_views.access_change_decide, name="access_change_decide"
    ),
    path("concern/<slug:slug>/", views.parent_concern_start, name="parent_concern"),
    path(
        "concern/<slug:slug>/<str:token>/",
        views.parent_concern_write,
        name="parent_concern_write",
    ),
]
