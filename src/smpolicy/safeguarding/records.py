"""Append-only records: what the ORM does to refuse a change or a deletion.

The database refuses them too (``dbguard``); this layer gives a clear Python error at the point of
the mistake instead of a database error later, and covers querysets and the admin.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from smpolicy.schools.appendonly import AppendOnlyError, AppendOnlyQuerySet
from smpolicy.schools.models import SchoolOwned

__all__ = ["AppendOnly", "AppendOnlyError", "AppendOnlyQuerySet", "frozen_fields_changed"]


class AppendOnly(SchoolOwned):
    """Abstract base: written once, never changed, never deleted through the ORM.

    A correction is a new record that points at the one it corrects.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"this {self._meta.verbose_name} was recorded and cannot be changed; "
                "add a correction instead"
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"this {self._meta.verbose_name} cannot be deleted")


def frozen_fields_changed(instance: models.Model, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` differ from the row in the database (for partly frozen records)."""
    if instance._state.adding or instance.pk is None:
        return []
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()
    if stored is None:
        return []
    changed = []
    for name in names:
        field = instance._meta.get_field(name)
        if stored[name] != getattr(instance, field.attname):
            changed.append(name)
    return changed
