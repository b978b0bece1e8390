"""The platform catalogue: social media platforms, their policy category, minimum age and hosts.

>>> from smpolicy.platforms import default_catalogue
>>> cat = default_catalogue()
>>> cat.get("twitter").id
'x'
>>> platform, kind = cat.match_domain("scontent-lhr8-1.xx.fbcdn.net")
>>> platform.id, kind
('facebook', 'cdn')
"""

from smpolicy.platforms.catalogue import (
    CATEGORIES,
    DOMAIN_KINDS,
    Catalogue,
    CatalogueError,
    Platform,
    PlatformDomain,
    default_catalogue,
)

__all__ = [
    "CATEGORIES",
    "DOMAIN_KINDS",
    "Catalogue",
    "CatalogueError",
    "Platform",
    "PlatformDomain",
    "default_catalogue",
]
