from django.apps import AppConfig


class AskingConfig(AppConfig):
    """Ask the policy: the page, the decisions API, and the record of decisions asked."""

    name = "smpolicy.asking"
    label = "asking"
    verbose_name = "Ask the policy"
