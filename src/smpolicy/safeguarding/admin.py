"""Nothing of safeguarding is in the Django admin, on purpose.

Reports, evidence, cases, the audit log, alerts, access changes and second factors open only on
the app's own pages, where need to know and the second factor apply to everyone, a deployment's
superuser included; the admin is for configuration (``smpolicy.web.admin_site``). A model left
unregistered has no admin URL at all, so no permission can open it.
"""
