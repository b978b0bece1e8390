"""Schools, their people and posts, sign-in and capabilities: what every other app builds on.

A deployment may run many schools (a multi-academy trust or a local authority). Every record belongs
to exactly one school: models inherit :class:`smpolicy.schools.models.SchoolOwned`, query through
``.for_school(school)``, and register their admin with
:class:`smpolicy.schools.admin.SchoolScopedAdmin`.
"""
