"""The registers' pages, mounted at /registers/ by the site's urls.py."""

from django.urls import path

from smpolicy.registers import views

app_name = "registers"

urlpatterns = [
    path("", views.home, name="home"),
    # declared social contacts
    path("declarations/", views.declaration_list, name="declarations"),
    path("declarations/new/", views.declare, name="declare"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path(
        "declarations/<int:pk>/acknowledge/",
        views.acknowledge_declaration,
        name="acknowledge_declaration",
    ),
    path("declarations/<int:pk>/review/", views.review_declaration, name="review_declaration"),
    # new-staff profile reviews
    path("profile-review/", views.my_profile_review, name="my_profile_review"),
    path("profile-reviews/", views.profile_reviews, name="profile_reviews"),
    path("profile-reviews/<int:pk>/", views.profile_review, name="profile_review"),
    # the policy, acknowledgements and versions
    path("policy/", views.policy, name="policy"),
    path("policy/coverage/", views.coverage, name="coverage"),
    path("policy/versions/", views.version_list, name="versions"),
    path("policy/versions/new/", views.new_version, name="new_version"),
    path("policy/versions/<int:pk>/", views.version, name="version"),
    path("policy/versions/<int:pk>/submit/", views.version_submit, name="version_submit"),
    path("policy/versions/<int:pk>/draft/", views.version_back_to_draft, name="version_draft"),
    path("policy/versions/<int:pk>/sign/<str:as_>/", views.version_sign, name="version_sign"),
    path("policy/versions/<int:pk>/meeting/", views.version_meeting, name="version_meeting"),
    path("policy/versions/<int:pk>/in-force/", views.version_in_force, name="version_in_force"),
    path(
        "policy/versions/<int:pk>/review-date/",
        views.version_review_date,
        name="version_review_date",
    ),
    path("policy/versions/<int:pk>/archive/", views.version_archive, name="version_archive"),
    path("policy/versions/<int:pk>/policy.pdf", views.version_pdf, name="version_pdf"),
    path("policy/versions/<int:pk>/pack.yaml", views.version_yaml, name="version_yaml"),
    # oversight and professional judgement
    path("oversight/", views.oversight_page, name="oversight"),
    path("judgements/", views.advisory_list, name="advisories"),
    path("judgements/new/", views.advise, name="advise"),
    path("judgements/<int:pk>/", views.advisory, name="advisory"),
    # governors' reports
    path("governors/", views.governors_index, name="governors"),
    path("governors/<str:term>/", views.governors_report, name="governors_report"),
    path("governors/<str:term>/pdf/", views.governors_pdf, name="governors_pdf"),
    # reminders, settings, subject access
    path("reminders/", views.reminder_list, name="reminders"),
    path("settings/", views.settings_page, name="settings"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request, name="access_request"),
    path("access-requests/<int:pk>/bundle.zip", views.access_bundle, name="access_bundle"),
]
