"""The pages of files built by a worker, mounted at /exports/ by the site's urls.py."""

from django.urls import path

from smpolicy.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.export, name="export"),
    path("<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("<int:pk>/download/", views.export_download, name="export_download"),
]
