"""The school's networks on a form each (name, kind, address ranges, and who, on what, where),
validated, kept as the networks.yaml the scanner reads."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from smpolicy.network.forms import parse_ranges
from smpolicy.network.models import NetworkSettings

pytestmark = pytest.mark.django_db

SETTINGS = {"inappropriate": "adult", "lists_dir": "", "window_minutes": 60,
            "retention_days": 30}


def post_data(networks, initial=0, **more):
    """The settings form as a browser posts it: the management form, then each network."""
    data = {"networks-TOTAL_FORMS": len(networks), "networks-INITIAL_FORMS": initial,
            "networks-MIN_NUM_FORMS": 0, "networks-MAX_NUM_FORMS": 50, **SETTINGS, **more}
    for i, network in enumerate(networks):
        row = {"on_premises": "on", **network}
        if row["on_premises"] is False:
            del row["on_premises"]
        data.update({f"networks-{i}-{k}": v for k, v in row.items()})
    return data


def saved(school):
    text = NetworkSettings.objects.get(school=school).networks_yaml
    return yaml.safe_load(text)["networks"] if text else []


def test_the_page_shows_each_network_as_a_form_and_a_blank_one(client, it_lead, sign_in):
    sign_in(it_lead)
    page = client.get(reverse("network:settings")).text
    assert page.count('<fieldset class="network"') == 3 + 1 + 1  # three, a blank, the template
    assert 'value="10.30.0.0/16"' in page and 'value="10.10.0.0/16, fd00:10::/64"' in page
    assert "<textarea" not in page.split("Reading the logs")[0]  # no YAML box
    assert 'name="networks-TOTAL_FORMS" value="4"' in page


def test_networks_typed_on_the_form_are_kept_as_networks_yaml(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.post(reverse("network:settings"), post_data([
        {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": "10.30.0.0/16"},
        {"name": "Pupils", "kind": "pupil_network", "ranges": "10.20.0.0/16 10.21.0.0/16"},
        {"name": "Staff", "kind": "staff_network", "ranges": "10.10.0.0/16;fd00:10::/64"},
        {"name": "Loan laptops", "kind": "pupil_network", "ranges": "10.40.0.1",
         "device": "school", "on_premises": False},
        {"name": "", "kind": "", "ranges": ""},  # the blank form, left alone
    ], initial=3))
    assert response.status_code == 302
    assert saved(it_lead.school) == [
        {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": ["10.30.0.0/16"]},
        {"name": "Pupils", "kind": "pupil_network", "ranges": ["10.20.0.0/16", "10.21.0.0/16"]},
        {"name": "Staff", "kind": "staff_network", "ranges": ["10.10.0.0/16", "fd00:10::/64"]},
        {"name": "Loan laptops", "kind": "pupil_network", "ranges": ["10.40.0.1/32"],
         "device": "school", "on_premises": False},
    ]
    networks = NetworkSettings.objects.get(school=it_lead.school).networks()
    laptops = networks.lookup("10.40.0.1")
    assert (laptops.name, laptops.role, laptops.device, laptops.on_premises) == (
        "Loan laptops", "pupil", "school", False)
    assert networks.lookup("10.30.1.2").role == "parent"
    # ...and the page shows them again as they were saved
    page = client.get(reverse("network:settings")).text
    assert page.count('<fieldset class="network"') == 4 + 1 + 1
    assert "on_premises: false" in page  # the networks.yaml shown for the command line


@pytest.mark.parametrize(("ranges", "message"), [
    ("10.30.0.0/33", "&#x27;10.30.0.0/33&#x27; is not an address range"),
    ("10.30.0.0/16, guests, 10.999.0.0/16",
     "&#x27;guests&#x27;, &#x27;10.999.0.0/16&#x27; are not address ranges"),
    ("  ", "Address ranges: This field is required."),
])
def test_a_range_that_is_not_one_is_refused_by_name(client, it_lead, sign_in, ranges, message):
    sign_in(it_lead)
    before = NetworkSettings.objects.get(school=it_lead.school).networks_yaml
    response = client.post(reverse("network:settings"), post_data([
        {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": ranges}]))
    assert response.status_code == 200
    assert message in response.text
    assert 'href="#id_networks-0-ranges"' in response.text  # the summary links to the field
    assert NetworkSettings.objects.get(school=it_lead.school).networks_yaml == before


def test_a_network_needs_a_name_and_a_kind_and_names_differ(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.post(reverse("network:settings"), post_data([
        {"name": "", "kind": "cafe", "ranges": "10.30.0.0/16"}]))
    assert response.status_code == 200
    assert "Name: This field is required." in response.text
    assert "Select a valid choice. cafe is not one of the available choices." in response.text
    response = client.post(reverse("network:settings"), post_data([
        {"name": "WiFi", "kind": "guest_wifi", "ranges": "10.30.0.0/16"},
        {"name": "wifi", "kind": "pupil_network", "ranges": "10.20.0.0/16"}]))
    assert response.status_code == 200
    assert "Two networks are called &#x27;wifi&#x27;" in response.text


def test_a_network_is_removed_by_ticking_remove(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.post(reverse("network:settings"), post_data([
        {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": "10.30.0.0/16"},
        {"name": "Pupils", "kind": "pupil_network", "ranges": "10.20.0.0/16", "DELETE": "on"},
        {"name": "Staff", "kind": "staff_network", "ranges": "10.10.0.0/16"},
    ], initial=3))
    assert response.status_code == 302
    assert [n["name"] for n in saved(it_lead.school)] == ["Guest WiFi", "Staff"]


def test_no_networks_at_all_is_allowed(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.post(reverse("network:settings"), post_data([
        {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": "10.30.0.0/16", "DELETE": "on"},
    ], initial=1))
    assert response.status_code == 302
    assert NetworkSettings.objects.get(school=it_lead.school).networks_yaml == ""


def test_a_post_without_the_networks_forms_is_refused_not_a_500(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.post(reverse("network:settings"), SETTINGS)
    assert response.status_code == 200
    assert "There is a problem" in response.text


def test_ranges_are_read_as_typed():
    assert parse_ranges("10.30.0.0/16,10.31.0.0/16\n fd00:30::/64 ; 192.168.1.7") == [
        "10.30.0.0/16", "10.31.0.0/16", "fd00:30::/64", "192.168.1.7/32"]
    assert parse_ranges("10.30.0.9/16") == ["10.30.0.0/16"]  # the range an address is in
