from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "smpolicy.jobs"
    label = "jobs"
    verbose_name = "Scheduled jobs"

    def ready(self) -> None:
        # The Celery app must exist before any task is sent, or `shared_task` would fall back to
        # Celery's default app (AMQP on localhost).
        from smpolicy.jobs import celery  # noqa: F401
