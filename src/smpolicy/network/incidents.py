"""A network finding the policy says must be reported becomes a safeguarding report, for the
person the engine's obligations name (the headteacher for inappropriate content, the DSL at once
where a child may be at risk), alerted as any report is. Only a new finding does: a log scanned
again adds nothing. The report's situation is the one the scan decided the finding from (with
its network's on_premises and the device), now as something that happened."""

from __future__ import annotations

from smpolicy.monitoring.routing import NOBODY, situation_for
from smpolicy.network.models import Finding
from smpolicy.safeguarding import alerts, intake
from smpolicy.safeguarding.models import Report


def report_finding(finding: Finding) -> Report | None:
    if finding.report_to == NOBODY:
        return None
    situation = {**situation_for(finding), "occurred": True}
    kind = (
        Report.Kind.INAPPROPRIATE_CONTENT
        if finding.clause == "community.inappropriate-content"
        else Report.Kind.OTHER
    )
    who = finding.person_name or f"a device at {finding.client}"
    reached = finding.platform or finding.category or "a site"
    answers = intake.Answers(
        kind=kind,
        reporter=None,
        reporter_name="Network monitoring",
        occurred_at=finding.first_seen,
        account=(
            f"Network monitoring found {who} ({finding.role}) reaching {reached} "
            f"({finding.domain}) on the {finding.network or 'school'} network: "
            f"{finding.requests} requests between {finding.first_seen:%Y-%m-%d %H:%M} and "
            f"{finding.last_seen:%Y-%m-%d %H:%M} (policy: {finding.clause})."
        ),
        pupils=[finding.person] if finding.person is not None and finding.role == "pupil" else [],
        platform=finding.platform,
        on_premises=situation.get("on_premises"),
        details={"network_finding": finding.fingerprint},
        situation=situation,
    )
    report, routes = intake.create_report(finding.school, answers)
    alerts.raise_alerts(report, routes)
    return report
