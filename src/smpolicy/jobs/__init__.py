"""Work that never waits on a page: the Celery app, the scheduled jobs and when each last ran."""
