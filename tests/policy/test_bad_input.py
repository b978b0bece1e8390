"""Bad situations and bad packs get clear errors naming the field and what it allows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from smpolicy.policy import Engine, PackError, SituationError, decide, load_pack, parse_pack
from smpolicy.policy.pack import DEFAULT_PACK


@pytest.mark.parametrize(
    ("situation", "field", "words"),
    [
        ({"action": "post"}, "actor.role", ["required", "staff", "parent"]),
        ({"actor": {"role": "staff"}}, "action", ["required", "connect", "have_social_contact"]),
        ({"actor": {"role": "teacher"}, "action": "post"}, "actor.role", ["'teacher'", "governor"]),
        ({"actor": {"role": "staff"}, "action": "frend"}, "action", ["'frend'", "connect"]),
        ({"actor": {"role": "staff", "age": "twelve"}, "action": "post"}, "actor.age", ["whole number"]),
        ({"actor": {"role": "staff", "age": True}, "action": "post"}, "actor.age", ["whole number"]),
        ({"actor": {"role": "staff"}, "action": "post", "on_premises": "yes"}, "on_premises", ["true or false"]),
        ({"actor": {"role": "staff"}, "action": "post", "on_premises": 1}, "on_premises", ["true or false"]),
        ({"actor": {"role": "staff"}, "action": "post", "content": {"about": ["pupil"]}},
         "content.about", ["'pupil'", "pupils", "school_decisions"]),
        ({"actor": {"role": "staff"}, "action": "post", "content": {"about": "pupils"}},
         "content.about", ["list"]),
        ({"actor": {"role": "staff"}, "action": "post", "channel": {"account": "work"}},
         "channel.account", ["'work'", "official", "personal_phone"]),
        ({"actor": {"role": "staff"}, "action": "post", "network": "wifi"}, "network", ["guest_wifi"]),
        ({"actor": {"role": "staff"}, "action": "post", "counterpart": {"role": "pupil", "on_roll": "yes"}},
         "counterpart.on_roll", ["current", "former", "never"]),
        ({"actor": {"role": "staff"}, "action": "post", "permissions": {"speak_for_school": "no"}},
         "permissions.speak_for_school", ["true or false"]),
        ({"actor": "staff", "action": "post"}, "actor", ["object"]),
        (["not", "an", "object"], "situation", ["object"]),
    ],
)
def test_a_bad_situation_names_the_field_and_what_it_allows(situation, field, words) -> None:
    with pytest.raises(SituationError) as caught:
        decide(situation)
    assert caught.value.field == field
    message = str(caught.value)
    assert message.startswith(field)
    for word in words:
        assert word in message


def test_unknown_fields_are_ignored() -> None:
    decision = decide({"actor": {"role": "staff", "shoe_size": 9}, "action": "other", "mood": "sunny"})
    assert decision["verdict"] == "not_covered"


def test_an_absent_boolean_is_not_false() -> None:
    unknown = decide({"actor": {"role": "staff"}, "action": "speak_for_school"})
    refused = decide({"actor": {"role": "staff"}, "action": "speak_for_school",
                      "permissions": {"speak_for_school": False}})
    assert unknown["verdict"] == refused["verdict"] == "needs_approval"
    assert unknown["missing"] == ["permissions.speak_for_school"]
    assert refused["missing"] == []


def test_every_decision_records_the_pack_and_its_version() -> None:
    decision = decide({"actor": {"role": "staff"}, "action": "other"})
    assert decision["policy"] == {"pack": "straits-primary", "version": "2026.11.1"}


def test_every_decision_quotes_its_clause() -> None:
    decision = decide({"actor": {"role": "parent"}, "action": "access",
                       "channel": {"platform": "facebook"}, "network": "guest_wifi"})
    assert "“Parents are not permitted to use the school's WiFi" in decision["explanation"]
    assert "(community.wifi)" in decision["explanation"]


# -- packs ----------------------------------------------------------------------------------------


def _shipped() -> dict:
    text = (Path(__file__).parents[2] / "src/smpolicy/policy/packs" / f"{DEFAULT_PACK}.yaml").read_text()
    return yaml.safe_load(text)


def _error(data: dict) -> str:
    with pytest.raises(PackError) as caught:
        parse_pack(data, source="school.yaml")
    return str(caught.value)


def test_a_rule_citing_an_unknown_clause_is_refused() -> None:
    data = _shipped()
    data["rules"][0]["clause"] = "code.no-such-clause"
    assert _error(data) == "school.yaml: rules[0].clause: 'code.no-such-clause' is not a clause id of this pack"


def test_a_condition_on_an_unknown_field_is_refused() -> None:
    data = _shipped()
    data["rules"][1]["when"]["actor.shoe_size"] = 9
    message = _error(data)
    assert "rules[1].when.actor.shoe_size: unknown field" in message
    assert "counterpart.on_roll" in message


def test_a_condition_value_outside_the_vocabulary_is_refused() -> None:
    data = _shipped()
    data["rules"][0]["when"]["counterpart.role"] = "pupils"
    message = _error(data)
    assert "rules[0].when.counterpart.role.is: 'pupils' is not one of" in message


def test_a_bad_verdict_or_obligation_is_refused() -> None:
    data = _shipped()
    data["rules"][0]["verdict"] = "forbidden"
    assert "rules[0].verdict: 'forbidden' is not one of prohibited" in _error(data)
    data = _shipped()
    data["rules"][0]["obligations"][0]["to"] = "police"
    assert "rules[0].obligations[0].to: 'police' is not one of dsl" in _error(data)


def test_a_duplicate_rule_id_or_clause_id_is_refused() -> None:
    data = _shipped()
    data["rules"][1]["id"] = data["rules"][0]["id"]
    assert "rules[1].id" in _error(data)
    data = _shipped()
    data["clauses"][1]["id"] = data["clauses"][0]["id"]
    assert "clauses[1].id" in _error(data)


def test_a_key_given_twice_in_a_pack_file_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "school.yaml"
    pack.write_text("pack: {id: x, version: '1'}\npack: {id: y, version: '2'}\n")
    with pytest.raises(PackError, match="appears twice"):
        load_pack(pack)


def test_a_pack_that_is_not_yaml_or_not_there_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [unclosed\n")
    with pytest.raises(PackError, match="not valid YAML"):
        load_pack(broken)
    with pytest.raises(PackError, match="cannot read"):
        load_pack(tmp_path / "absent.yaml")


def test_a_school_can_adapt_its_pack_without_code(tmp_path: Path) -> None:
    data = _shipped()
    data["pack"]["version"] = "2027.1"
    # This school decides parents on the guest WiFi are only advised against social media.
    for rule in data["rules"]:
        if rule["id"] == "parent-social-media-on-school-wifi":
            rule["verdict"] = "advisory"
    path = tmp_path / "our-school.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    engine = Engine(load_pack(path))
    decision = engine.decide({"actor": {"role": "parent"}, "action": "access",
                              "channel": {"platform": "facebook"}, "network": "guest_wifi"})
    assert decision["verdict"] == "advisory"
    assert decision["policy"]["version"] == "2027.1"


def test_the_shipped_pack_holds_every_clause_of_the_school_policy_verbatim() -> None:
    shared = Path(__file__).parents[3] / "shared/policy/clauses.yaml"
    if not shared.exists():  # the shared folder sits beside the repo in CI and on developers' machines
        shared = Path("/work/shared/policy/clauses.yaml")
    source = {c["id"]: c for c in yaml.safe_load(shared.read_text())}
    shipped = {c["id"]: c for c in _shipped()["clauses"]}
    assert list(shipped) == list(source)
    for cid, clause in source.items():
        assert shipped[cid]["text"] == clause["text"], cid
        assert shipped[cid]["section"] == clause["section"], cid


def test_a_decision_is_the_caller_s_own_to_change() -> None:
    situation = {"actor": {"role": "staff"}, "action": "other"}
    first = decide(situation)
    first["obligations"].clear()
    first["verdict"] = "allowed"
    again = decide(situation)
    assert again["verdict"] == "not_covered" and again["obligations"]


def test_the_compiled_reader_is_inspectable() -> None:
    source = Engine().plan.reader_source
    assert source.startswith("def read(s):")
    assert "actor.get('role')" in source
