"""Forms of the network monitoring pages."""

from __future__ import annotations

import io
import ipaddress
import re
from typing import Any

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from smpolicy.monitoring import BLOCKLIST_FORMATS, FORMATS, DirectoryError, Networks, People
from smpolicy.monitoring.directory import DEFAULT_DEVICES, DEFAULT_ROLES, DEVICES
from smpolicy.network.models import NETWORK_LABELS, FilteringReview, Finding, NetworkSettings
from smpolicy.policy.vocabulary import ROLES

MAX_LOG_BYTES = 512 * 1024 * 1024
MAX_PEOPLE_BYTES = 5 * 1024 * 1024
FORMAT_LABELS = {
    "auto": "Tell from the file",
    "squid": "Squid access.log (native)",
    "dnsmasq": "dnsmasq query log",
    "pihole": "Pi-hole (pihole.log or FTL query export)",
    "zeek": "Zeek dns.log or ssl.log (TSV or JSON)",
    "csv": "CSV with a header (Smoothwall, Lightspeed and other filters' exports)",
    "fortigate": "FortiGate log (key=value)",
    "sophos": "Sophos Firewall log (key=value)",
    "cef": "CEF (FortiGate, Sophos and other firewalls' syslog)",
    "w3c": "W3C extended log with a #Fields line (IIS and proxies)",
}


class UploadForm(forms.Form):
    log = forms.FileField(
        label="Log file",
        help_text="A web proxy, filter or DNS log; gzip files are read as they are. The log "
        "itself is not kept: only what it shows against the policy.",
    )
    format = forms.ChoiceField(
        label="Format", choices=[(k, FORMAT_LABELS[k]) for k in ("auto", *FORMATS)],
        initial="auto",
    )
    people = forms.FileField(
        label="People CSV (optional)",
        required=False,
        help_text="Columns login and/or address, role, and optionally age and name: who is "
        "behind addresses the school's records do not know.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_log(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["log"]
        if upload.size and upload.size > MAX_LOG_BYTES:
            raise ValidationError("The file is larger than 512 MB: scan it with smpolicy "
                                  "scan-logs --into-db on the server instead.")
        return upload

    def clean_people(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("people")
        if upload and upload.size and upload.size > MAX_PEOPLE_BYTES:
            raise ValidationError("The people CSV is larger than 5 MB; is it the right file?")
        if upload:
            # Read now, so a wrong file is refused here with the log still chosen, not minutes
            # later by the worker.
            text = io.TextIOWrapper(upload.open("rb"), encoding="utf-8-sig", newline="")
            try:
                People.from_csv(text, "the people CSV")
            except DirectoryError as error:
                raise ValidationError(str(error)) from None
            except UnicodeDecodeError:
                raise ValidationError("The people CSV is not UTF-8 text: save it from the "
                                      "spreadsheet as CSV UTF-8.") from None
            finally:
                text.detach()
                upload.seek(0)
        return upload


class FindingFilterForm(forms.Form):
    date_from = forms.DateField(label="From", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    network = forms.ChoiceField(label="Network", required=False)
    clause = forms.ChoiceField(label="Clause", required=False)
    person = forms.CharField(label="Person, login or address", required=False, max_length=150)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *Finding.Status.choices]
    )

    def __init__(self, *args: Any, clauses: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", "Any"), *NETWORK_LABELS.items()]
        self.fields["clause"].choices = [("", "Any"), *((c, c) for c in clauses)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("The 'to' date is before the 'from' date.")
        return data


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Finding.Status.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a false positive: say why, so the next review can learn from it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        false_positive = data.get("status") == Finding.Status.FALSE_POSITIVE
        if false_positive and not data.get("reason", "").strip():
            self.add_error("reason", "Say why this is a false positive.")
        return data


class BlocklistForm(forms.Form):
    format = forms.ChoiceField(label="For", choices=list(BLOCKLIST_FORMATS.items()))
    categories = forms.BooleanField(
        label="Add the categories chosen as inappropriate", required=False, initial=True
    )
    widgets = forms.BooleanField(
        label="Also block widget domains (Like buttons, embedded posts on other sites)",
        required=False,
    )
    guest_only = forms.BooleanField(
        label="AdGuard Home: limit the rules to the guest WiFi's addresses", required=False,
        initial=True,
    )


class ReviewForm(forms.ModelForm):
    """A review, new or corrected. Dates are ISO in the widget: a date input shows nothing of a
    value in any other format, so the defaults (today, a year on) would not show. One review a
    day: a second of the same day is a double submission or a correction, said so."""

    class Meta:
        model = FilteringReview
        fields = ["reviewed_on", "reviewers", "governor", "checked", "outcome", "next_review_due"]
        widgets = {
            "reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "next_review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "checked": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, due = data.get("reviewed_on"), data.get("next_review_due")
        if day and due and due <= day:
            self.add_error("next_review_due", "The next review is due after this one.")
        if day:
            same_day = FilteringReview.objects.for_school(self.instance.school_id).filter(
                reviewed_on=day).exclude(pk=self.instance.pk)
            if same_day.exists():
                self.add_error("reviewed_on", (
                    f"A review of {day.day} {day:%B %Y} is already recorded. To change it, "
                    "choose Correct beside it in the list above."))
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NetworkSettings
        fields = ["inappropriate", "lists_dir", "window_minutes", "retention_days", "report_staff"]


# -- the school's networks, one form each ---------------------------------------------------

#: The kinds of network a school has (the decisions contract's school networks).
SCHOOL_NETWORK_KINDS: tuple[str, ...] = tuple(DEFAULT_ROLES)
MAX_NETWORKS = 50
_RANGE_SEPARATORS = re.compile(r"[\s,;]+")


def parse_ranges(text: str) -> list[str]:
    """Address ranges typed with commas, semicolons, spaces or new lines between them, each
    written as networks.yaml keeps it ("10.30.0.0/16"; an address alone is its own range).
    Raises ValidationError naming every one that is not a range."""
    ranges: list[str] = []
    bad: list[str] = []
    for token in _RANGE_SEPARATORS.split(text.strip()):
        if not token:
            continue
        try:
            ranges.append(str(ipaddress.ip_network(token, strict=False)))
        except ValueError:
            bad.append(token)
    if bad:
        what = "is not an address range" if len(bad) == 1 else "are not address ranges"
        raise ValidationError(f"{', '.join(repr(b) for b in bad)} {what}: write each as "
                              "10.30.0.0/16 or fd00:30::/64")
    if not ranges:
        raise ValidationError("Give at least one address range, such as 10.30.0.0/16.")
    return ranges


class NetworkForm(forms.Form):
    """One of the school's networks: what the scanner reads from networks.yaml."""

    name = forms.CharField(label="Name", max_length=100,
                           help_text="As the school calls it, e.g. Guest WiFi.")
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Choose the kind"), *((k, NETWORK_LABELS[k]) for k in SCHOOL_NETWORK_KINDS)],
    )
    ranges = forms.CharField(
        label="Address ranges", max_length=2000,
        help_text="One or more, with commas or spaces between: e.g. 10.30.0.0/16, fd00:30::/64.",
        widget=forms.TextInput(attrs={"data-ranges": "", "spellcheck": "false",
                                      "autocomplete": "off", "autocapitalize": "off"}),
    )
    role = forms.ChoiceField(
        label="Anyone the school's records do not name is taken to be", required=False,
        choices=[("", "As the kind says (guest WiFi: a parent or visitor; pupil network: a "
                  "pupil; staff network: staff)"), *((r, r.replace("_", " ")) for r in ROLES)],
    )
    device = forms.ChoiceField(
        label="Devices", required=False,
        choices=[("", "As the kind says (guest WiFi: personal; otherwise not known)"),
                 *((d, f"{d.capitalize()} devices") for d in DEVICES)],
    )
    on_premises = forms.BooleanField(
        label="On the school's premises", required=False, initial=True,
        help_text="Untick for a network used elsewhere, such as a VPN for laptops at home.",
    )

    def clean_ranges(self) -> list[str]:
        return parse_ranges(self.cleaned_data["ranges"])

    def entry(self) -> dict[str, Any]:
        """The network as networks.yaml writes it, leaving out what its kind implies."""
        data = self.cleaned_data
        entry: dict[str, Any] = {"name": data["name"].strip(), "kind": data["kind"],
                                 "ranges": data["ranges"]}
        if data.get("role") and data["role"] != DEFAULT_ROLES.get(data["kind"]):
            entry["role"] = data["role"]
        if data.get("device") and data["device"] != DEFAULT_DEVICES.get(data["kind"]):
            entry["device"] = data["device"]
        if not data.get("on_premises"):
            entry["on_premises"] = False
        return entry


class BaseNetworkFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        names: set[str] = set()
        for form in self._kept():
            name = form.cleaned_data["name"].strip().casefold()
            if name in names:
                raise ValidationError(f"Two networks are called {form.cleaned_data['name']!r}: "
                                      "give each its own name.")
            names.add(name)
        try:
            Networks.from_data({"networks": self.entries()}, "networks")
        except DirectoryError as error:  # the scanner's own check, the last word
            raise ValidationError(str(error)) from error

    def _kept(self) -> list[NetworkForm]:
        """The networks to keep: every one already there unless removed, and a new one only
        where something was typed into it (the blank form is left alone)."""
        initial = self.initial_form_count()
        return [form for i, form in enumerate(self.forms)
                if (i < initial or form.has_changed()) and not self._should_delete_form(form)]

    def entries(self) -> list[dict[str, Any]]:
        return [form.entry() for form in self._kept()]

    def as_yaml(self) -> str:
        """The networks as networks.yaml, the file `smpolicy scan-logs --networks` reads."""
        entries = self.entries()
        if not entries:
            return ""
        return yaml.safe_dump({"networks": entries}, sort_keys=False, allow_unicode=True,
                              default_flow_style=None)


NetworkFormSet = forms.formset_factory(
    NetworkForm, formset=BaseNetworkFormSet, extra=1, can_delete=True, max_num=MAX_NETWORKS,
    validate_max=True,
)


def network_initial(settings_: NetworkSettings) -> list[dict[str, Any]]:
    """The school's networks as the forms' initial values (an unreadable file gives none)."""
    try:
        networks = settings_.networks().networks
    except DirectoryError:
        return []
    return [{"name": n.name, "kind": n.kind, "ranges": ", ".join(str(r) for r in n.ranges),
             "role": n.role if n.role != DEFAULT_ROLES.get(n.kind) else "",
             "device": n.device if n.device != DEFAULT_DEVICES.get(n.kind) else "",
             "on_premises": n.on_premises} for n in networks]
