"""Network monitoring pages, mounted at /network/ by the site's urls.py."""

from django.urls import path

from smpolicy.network import views

app_name = "network"

urlpatterns = [
    path("", views.findings, name="findings"),
    path("findings.csv", views.findings_csv, name="findings_csv"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("upload/", views.upload, name="upload"),
    path("scans/<int:pk>/", views.scan, name="scan"),
    path("scans/<int:pk>/progress/", views.scan_progress, name="scan_progress"),
    path("blocklist/", views.blocklist_page, name="blocklist"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review_correct, name="review_correct"),
    path("settings/", views.settings_page, name="settings"),
]
