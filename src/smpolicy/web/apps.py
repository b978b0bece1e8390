from django.apps import AppConfig


class WebConfig(AppConfig):
    # Holds the site-wide templates (base layout, sign-in) and static files.
    name = "smpolicy.web"
    label = "web"
