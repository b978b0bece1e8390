from django.apps import AppConfig


class PostingConfig(AppConfig):
    """Posting for the school: checking posts, spokespeople, approvals, photo consent and written
    permissions to use the school's name and logo (issue 4)."""

    name = "smpolicy.posting"
    label = "posting"
    verbose_name = "Posting for the school"
