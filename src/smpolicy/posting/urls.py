"""The posting pages, mounted at /posts/ by the site's urls.py."""

from django.urls import path

from smpolicy.posting import views

app_name = "posting"

urlpatterns = [
    path("check/", views.check_page, name="check"),
    path("", views.queues, name="queues"),
    path("alerts/", views.alert_list, name="alerts"),
    path("<int:pk>/", views.post_detail, name="post"),
    path("<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<int:pk>/check/", views.post_check, name="post_check"),
    path("<int:pk>/submit/", views.post_submit, name="post_submit"),
    path("<int:pk>/approve/", views.post_approve, name="post_approve"),
    path("<int:pk>/reject/", views.post_reject, name="post_reject"),
    path("<int:pk>/publish/", views.post_publish, name="post_publish"),
    path("<int:pk>/withdraw/", views.post_withdraw, name="post_withdraw"),
    path("<int:pk>/tags/", views.post_tags, name="post_tags"),
    path("<int:pk>/export/", views.post_export, name="post_export"),
    path("<int:pk>/images/<int:image_pk>/", views.post_image, name="post_image"),
    path(
        "<int:pk>/images/<int:image_pk>/remove-location/",
        views.post_image_clean,
        name="post_image_clean",
    ),
    path("spokespeople/", views.spokespeople, name="spokespeople"),
    path("spokespeople/<int:pk>/", views.spokesperson_change, name="spokesperson_change"),
    path("consent/", views.consent_register, name="consent"),
    path("consent/import/", views.consent_import, name="consent_import"),
    path("consent/<int:pk>/", views.consent_pupil, name="consent_pupil"),
    path("branding/", views.branding, name="branding"),
    path("branding/<int:pk>/", views.branding_decide, name="branding_decide"),
    path("settings/", views.posting_settings_page, name="settings"),
]
