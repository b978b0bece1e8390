from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """Safeguarding records: reports, alerts, evidence, cases to outcome, audit (issue 3)."""

    name = "smpolicy.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding records"

    def ready(self) -> None:
        from smpolicy.safeguarding import access_changes, audit
        from smpolicy.schools import notices, signals

        notices.register(access_changes.home_notices)
        signals.api_key_changed.connect(audit.api_key_changed, dispatch_uid="audit-api-keys")
