"""A network finding the policy says must be reported becomes a safeguarding report, for the
person the engine's obligations name (the headteacher for inappropriate content, the DSL at once
where a child may be at risk), alerted as any report is. Only a new finding does: a log scanned
again adds nothing. The report's situation is the one the scan decided the finding from (with
its network's on_premises and the device), now as something that happened.

The scanner cuts a pupil's morning on a platform into one finding per window; the DSL needs one
report of it. So findings are reported as incidents: who (the person, else the login, else the
device), what (the platform, else the category) and the school's local day. An incident's report
is raised once, from the findings the scan that first saw it found, with their count and times;
findings of the same incident recorded later are linked to that report (``Finding.report``) and
raise neither a report nor an alert: safeguarding records are append-only, so the report's
account is never rewritten, and its page counts the findings linked to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.utils import timezone

from smpolicy.monitoring.routing import NOBODY, URGENCY, situation_for
from smpolicy.network.models import Finding
from smpolicy.safeguarding import alerts, audit, intake
from smpolicy.safeguarding.models import Report

# The account lists each finding's times up to this many: beyond it the count and the first and
# last times say enough, and the report's page lists every linked finding.
TIMES_IN_ACCOUNT = 12


def incident_key(finding: Finding) -> str:
    """Who reached what on which local day: the findings one report stands for. Hashed, since
    the column is shown where who a finding is about is not (the admin)."""
    if finding.person_id is not None:
        who = f"person:{finding.person_id}"
    elif finding.user:
        who = f"login:{finding.user.casefold()}"
    else:
        who = f"client:{finding.client}"
    what = f"platform:{finding.platform}" if finding.platform else f"category:{finding.category}"
    day = timezone.localtime(finding.first_seen).date()
    key = f"{who}|{what}|{day.isoformat()}"
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def _urgency(finding: Finding) -> tuple[int, dt.datetime]:
    rank = URGENCY.index(finding.report_to) if finding.report_to in URGENCY else len(URGENCY)
    return rank, finding.first_seen


def _hhmm(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


ROLE_WORDS = {"pupil": "A pupil", "staff": "A member of staff", "volunteer": "A volunteer",
              "trainee": "A trainee", "governor": "A governor", "parent": "A parent or carer",
              "public": "A visitor", "third_party": "A contractor or visitor"}


def label(finding: Finding) -> str:
    """What was found, in words, for the report's page and lists: who (by role: the report
    names the pupil where the DSL may see it), what and where."""
    from smpolicy.safeguarding.models import platform_name

    who = ROLE_WORDS.get(finding.role, "A device")
    if finding.platform:
        what = platform_name(finding.platform)
    else:
        what = f"{finding.category or 'blocked'} content".replace("_", " ")
    rule = {
        "community.age-restrictions": ", which is for older children",
        "community.inappropriate-content": ", which the filter should stop",
        "community.wifi": ", against the rules for the school's WiFi",
    }.get(finding.clause, "")
    return f"{who} reached {what} on the {finding.network_label.lower()}{rule}"


def _account(findings: Sequence[Finding], lead: Finding) -> str:
    who = lead.person_name or f"a device at {lead.client}"
    reached = lead.platform or lead.category or "a site"
    domains = sorted({f.domain for f in findings})
    first = min(f.first_seen for f in findings)
    last = max(f.last_seen for f in findings)
    requests = sum(f.requests for f in findings)
    ordered = sorted(findings, key=lambda f: f.first_seen)
    times = [f"{_hhmm(f.first_seen)}-{_hhmm(f.last_seen)} ({f.requests})"
             for f in ordered[:TIMES_IN_ACCOUNT]]
    if len(ordered) > TIMES_IN_ACCOUNT:
        times.append(f"and {len(ordered) - TIMES_IN_ACCOUNT} more")
    shown_domains = ", ".join(domains[:5]) + (f" and {len(domains) - 5} more"
                                              if len(domains) > 5 else "")
    return (
        f"Network monitoring found {who} ({lead.role}) reaching {reached} ({shown_domains}) "
        f"on the {lead.network or 'school'} network on "
        f"{timezone.localtime(first):%A %d %B %Y}: {requests} requests in "
        f"{len(findings)} finding(s) between {_hhmm(first)} and {_hhmm(last)} "
        f"(times: {'; '.join(times)}) (policy: {lead.clause}). Findings of the same day "
        "recorded later are linked to this report."
    )


def report_incident(
    findings: Sequence[Finding], routes_memo: intake.RoutesMemo | None = None
) -> Report | None:
    """One report (and its alerts) for findings of one incident; None if none must be
    reported. The findings need not be saved yet: the caller links them to the report.
    ``routes_memo``: see ``intake.create_report`` (one scan's incidents share it)."""
    reportable = [f for f in findings if f.report_to != NOBODY]
    if not reportable:
        return None
    # The most urgent finding decides: a report to the DSL is never lost in one to the head.
    lead = min(reportable, key=_urgency)
    situation = {**situation_for(lead), "occurred": True}
    kind = (
        Report.Kind.INAPPROPRIATE_CONTENT
        if lead.clause == "community.inappropriate-content"
        else Report.Kind.NETWORK_MONITORING
    )
    ordered = sorted(reportable, key=lambda f: f.first_seen)
    answers = intake.Answers(
        kind=kind,
        reporter=None,
        reporter_name="Network monitoring",
        occurred_at=ordered[0].first_seen,
        account=_account(reportable, lead),
        pupils=[lead.person] if lead.person is not None and lead.role == "pupil" else [],
        platform=lead.platform,
        on_premises=situation.get("on_premises"),
        details={
            "network_label": label(lead),
            "network_finding": lead.fingerprint,
            "network_incident": incident_key(lead),
            "network_findings": [f.fingerprint for f in ordered],
            "network_requests": sum(f.requests for f in ordered),
            "network_times": [
                [f.first_seen.isoformat(), f.last_seen.isoformat(), f.requests] for f in ordered
            ],
        },
        situation=situation,
    )
    report, routes = intake.create_report(lead.school, answers, routes_memo=routes_memo)
    made = alerts.raise_alerts(report, routes)
    audit.record("create", report, school=lead.school,
                 note=f"raised by network monitoring from {len(ordered)} finding(s); "
                 f"{len(made)} alert(s)")
    return report


def report_finding(finding: Finding) -> Report | None:
    """One finding's report (an incident of one finding)."""
    return report_incident([finding])
