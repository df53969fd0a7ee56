import pytest
from django.core.exceptions import ValidationError

from territories.models import Territory

from .factories import make_territories

Kind = Territory.Kind
pytestmark = pytest.mark.django_db


def test_the_hierarchy_answers_who_contains_whom():
    places = make_territories()
    assert places["aubin"].ancestors() == [places["loire"], places["dep"]]
    assert places["aubin"].departement() == places["dep"]
    assert set(places["dep"].communes()) == {places[name] for name in ("aubin", "brissac", "chemille", "beaupreau")}
    assert set(places["loire"].communes()) == {places["aubin"], places["brissac"]}
    assert places["dep"].contains(places["chemille"]) and places["mauges"].contains(places["chemille"])
    assert not places["loire"].contains(places["chemille"])


@pytest.mark.parametrize("kind, code, parent, field", [
    (Kind.COMMUNE, "49007", None, "parent"),  # a commune hangs from somewhere
    (Kind.COMMUNE, "53130", "loire", "parent"),  # Laval (53) is not in Maine-et-Loire
    (Kind.COMMUNE, "4907", "loire", "code"),
    (Kind.INTERCOMMUNALITY, "244900016", "dep", "code"),  # checksum
    (Kind.INTERCOMMUNALITY, "200049864", "loire", "parent"),  # intercommunalities are not nested
    (Kind.DEPARTEMENT, "53", "dep", "parent"),
])
def test_refused_with_a_clear_message(kind, code, parent, field):
    places = make_territories()
    territory = Territory(kind=kind, code=code, name="X", parent=places.get(parent))
    with pytest.raises(ValidationError) as error:
        territory.full_clean()
    assert field in error.value.message_dict


def test_a_commune_outside_any_intercommunality_hangs_from_its_departement():
    places = make_territories()
    island = Territory(kind=Kind.COMMUNE, code="49999", name="Île", parent=places["dep"])
    island.full_clean()
