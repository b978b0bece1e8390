"""Records kept as they were written: the ORM layer every app's append-only records share.

Querysets refuse updates and deletes, so the mistake is a clear Python error where it is made;
each app also guards its tables in the database (safeguarding.dbguard, posting.history).
"""

from __future__ import annotations

from typing import Any

from smpolicy.schools.models import SchoolOwnedQuerySet


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete a record that is kept as it was written."""


class AppendOnlyQuerySet(SchoolOwnedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")
