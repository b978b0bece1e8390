"""The network log scanner (issue 5): plain Python, no Django.

``scan(lines, networks, people)`` reads proxy, DNS or filter log lines and yields the findings of
the log-scan contract (../shared/contracts/log-scan.md), then a summary; ``smpolicy scan-logs`` is
its command line (command.py) and ``blocklist`` writes the guest WiFi block list for the filters
schools run. Every verdict and clause comes from the policy engine.
"""

from smpolicy.monitoring.blocklist import BLOCKLIST_FORMATS, blocklist, blocklist_domains
from smpolicy.monitoring.classify import Classifier, Target, normal_host
from smpolicy.monitoring.directory import DirectoryError, Network, Networks, People, PersonEntry
from smpolicy.monitoring.formats import FORMATS, ParseOptions, Tally, detect
from smpolicy.monitoring.lists import DEFAULT_INAPPROPRIATE, CategoryLists, ListsError
from smpolicy.monitoring.routing import recipients, route
from smpolicy.monitoring.scanner import FINDING_FIELDS, Finding, Scanner, parse_window, scan

__all__ = [
    "BLOCKLIST_FORMATS",
    "DEFAULT_INAPPROPRIATE",
    "FINDING_FIELDS",
    "FORMATS",
    "CategoryLists",
    "Classifier",
    "DirectoryError",
    "Finding",
    "ListsError",
    "Network",
    "Networks",
    "ParseOptions",
    "People",
    "PersonEntry",
    "Scanner",
    "Tally",
    "Target",
    "blocklist",
    "blocklist_domains",
    "detect",
    "normal_host",
    "parse_window",
    "recipients",
    "route",
    "scan",
]
