"""Signals the schools app sends for apps above it to act on, so it never imports them.

``api_key_changed``: a key was made or revoked (``key``, ``action`` "created" or "revoked",
``by`` the user, ``request`` when there was one). Safeguarding writes it to the school's audit log.
"""

from __future__ import annotations

from django.dispatch import Signal

api_key_changed = Signal()
