from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    default = True
    # Holds the site-wide templates (base layout, sign-in) and static files.
    name = "smpolicy.web"
    label = "web"


class SmpolicyAdminConfig(admin_apps.AdminConfig):
    # The admin behind the second factor, for configuration only (see admin_site.py).
    default = False
    default_site = "smpolicy.web.admin_site.SchoolAdminSite"
