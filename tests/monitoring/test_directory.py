"""networks.yaml, people.csv and category lists: read as documented, refused with a reason."""

from __future__ import annotations

import pytest

from smpolicy.monitoring import CategoryLists, DirectoryError, ListsError, Networks, People


def test_networks_map_addresses_to_kinds_and_the_narrowest_range_wins():
    networks = Networks.from_yaml("""
networks:
  - {name: Guest WiFi, kind: guest_wifi, ranges: [10.30.0.0/16]}
  - {name: Office, kind: staff_network, ranges: [10.30.5.0/24], device: school}
  - {name: Laptops at home, kind: pupil_network, ranges: ["fd00::/8"], on_premises: false}
""")
    assert networks.lookup("10.30.0.17").kind == "guest_wifi"
    assert networks.lookup("10.30.0.17").role == "parent"
    assert networks.lookup("10.30.0.17").device == "personal"
    assert networks.lookup("10.30.5.9").kind == "staff_network"
    assert networks.lookup("10.30.5.9").device == "school"
    assert networks.lookup("fd00::5").on_premises is False
    assert networks.lookup("::ffff:10.30.0.17").kind == "guest_wifi"
    assert networks.lookup("192.168.0.1") is None
    assert networks.lookup("not-an-address") is None


@pytest.mark.parametrize(("text", "message"), [
    ("networks: 3", "expected 'networks:'"),
    ("networks:\n  - {name: A, kind: cafe, ranges: [10.0.0.0/8]}", "networks[0].kind: 'cafe'"),
    ("networks:\n  - {name: A, kind: guest_wifi, ranges: [10.0.0.300/8]}", "ranges[0]"),
    ("networks:\n  - {name: A, kind: guest_wifi}", "networks[0].ranges"),
    ("networks:\n  - {name: A, kind: guest_wifi, ranges: [10.0.0.0/8], role: alien}", "role"),
    ("networks:\n  - {name: A, kind: guest_wifi, ranges: [10.0.0.0/8], colour: red}", "colour"),
    ("networks: [", "not valid YAML"),
])
def test_a_bad_networks_file_is_refused_naming_the_place(text, message):
    with pytest.raises(DirectoryError, match=r"networks\.yaml"):
        Networks.from_yaml(text, "networks.yaml")
    with pytest.raises(DirectoryError) as error:
        Networks.from_yaml(text, "networks.yaml")
    assert message in str(error.value)


def test_people_by_login_or_address():
    people = People.from_csv("login,address,role,age,name\nben,,pupil,9,Ben\n,10.1.1.1,staff,,Jo\n")
    assert people.find("BEN", "10.9.9.9").name == "Ben"
    assert people.find(None, "10.1.1.1").name == "Jo"
    assert people.find("ben", "10.1.1.1").name == "Ben"  # the login wins
    assert people.find("nobody", "10.2.2.2") is None


@pytest.mark.parametrize(("text", "message"), [
    ("name,age\nBen,9\n", "the header needs 'role'"),
    ("login,role\nben,wizard\n", "line 2: role 'wizard'"),
    ("login,role,age\nben,pupil,nine\n", "line 2: age 'nine'"),
    ("login,address,role\n,,pupil\n", "line 2: give a login or an address"),
])
def test_a_bad_people_file_is_refused_naming_the_line(text, message):
    with pytest.raises(DirectoryError) as error:
        People.from_csv(text, "people.csv")
    assert message in str(error.value)


def test_category_lists_default_to_the_inappropriate_ones_present(fixtures):
    lists = CategoryLists(fixtures / "lists")
    assert lists.categories == ("adult", "gambling")
    assert CategoryLists.available(fixtures / "lists") == ["adult", "gambling", "social_networks"]
    assert lists.categories_of("www.badsite.example") == ("adult",)
    assert lists.categories_of("badsite.example.org") == ()
    assert lists.categories_of("notbadsite.example") == ()
    assert lists.sizes() == {"adult": 2, "gambling": 1}


def test_a_missing_lists_folder_or_category_is_refused(fixtures, tmp_path):
    with pytest.raises(ListsError, match="not a folder"):
        CategoryLists(tmp_path / "nowhere")
    with pytest.raises(ListsError, match="no list for drugs"):
        CategoryLists(fixtures / "lists", ["drugs"])
