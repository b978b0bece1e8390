"""A school can run on its own policy pack; a pack with a mistake is refused when it is set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from smpolicy.asking.engines import engine_for
from smpolicy.policy.pack import DEFAULT_PACK

SHIPPED = Path(__file__).parents[2] / "src/smpolicy/policy/packs" / f"{DEFAULT_PACK}.yaml"


def test_a_school_without_its_own_pack_uses_the_shipped_one(school) -> None:
    assert engine_for(school).pack.id == "straits-primary"


def test_a_school_s_own_pack_answers_for_it(school, tmp_path: Path) -> None:
    data = yaml.safe_load(SHIPPED.read_text())
    data["pack"].update(id="harbour-primary", version="2027.1")
    path = tmp_path / "harbour.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    school.policy_pack = str(path)
    school.full_clean()
    decision = engine_for(school).decide({"actor": {"role": "staff"}, "action": "other"})
    assert decision["policy"] == {"pack": "harbour-primary", "version": "2027.1"}


def test_a_pack_with_a_mistake_is_refused_naming_it(school, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("pack: {id: x}\n")
    school.policy_pack = str(path)
    with pytest.raises(ValidationError) as caught:
        school.full_clean()
    assert "broken.yaml: clauses: is required" in str(caught.value.message_dict["policy_pack"])
