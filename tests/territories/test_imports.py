"""INSEE's files as they are published and as spreadsheets re-save them; all or nothing."""

import io

import pytest
from django.utils import translation

from territories.exceptions import TerritoryImportError
from territories.models import Territory
from territories.services.imports import import_territories

Kind = Territory.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Messages are read in English here; French (the default) is checked once below.
    with translation.override("en"):
        yield

DEPARTEMENTS = (
    "DEP,REG,CHEFLIEU,TNCC,NCC,NCCENR,LIBELLE\r\n"
    "2A,94,2A004,3,CORSE DU SUD,Corse-du-Sud,Corse-du-Sud\r\n"
    "49,52,49007,0,MAINE ET LOIRE,Maine-et-Loire,Maine-et-Loire\r\n"
    "53,52,53130,3,MAYENNE,Mayenne,Mayenne\r\n"
)
# The "Composition communale" sheet saved as CSV from Excel: title lines, ";" and Windows-1252.
COMPOSITION = (
    "Composition communale des EPCI au 1er janvier 2024\r\n"
    "Source : Insee, Code officiel géographique\r\n"
    ";;;;;\r\n"
    "CODGEO;LIBGEO;EPCI;LIBEPCI;DEP;REG\r\n"
    "49007;Angers;244900015;CU Angers Loire Métropole;49;52\r\n"
    "49015;Avrillé;244900015;CU Angers Loire Métropole;49;52\r\n"
    "49092;Chemillé-en-Anjou;200060127;CA Mauges Communauté;49;52\r\n"
    "49328;Les Ponts-de-Cé;244900015;CU Angers Loire Métropole;49;52\r\n"
    "53130;Laval;200049864;CA Laval Agglomération;53;52\r\n"
    "53062;Château-Gontier-sur-Mayenne;200049864;CA Laval Agglomération;53;52\r\n"
    "49046;Bouchemaine;200049864;CA Laval Agglomération;49;52\r\n"  # an intercommunality across two départements
    "2A247;Ota;ZZZZZZZZZ;Sans objet;2A;94\r\n"
)
COMMUNES = (
    "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\r\n"
    "COM,49007,52,49,49D,491,1,ANGERS,Angers,Angers,4999,\r\n"
    "COMD,49001,52,49,49D,491,0,LES ALLEUDS,Les Alleuds,Les Alleuds,,49050\r\n"
    "COM,49050,52,49,49D,491,0,BRISSAC LOIRE AUBANCE,Brissac Loire Aubance,Brissac Loire Aubance,4904,\r\n"
)


def upload(text: str, encoding="utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def names(kind):
    return dict(Territory.objects.filter(kind=kind).values_list("code", "name"))


def test_departements_then_composition_build_the_hierarchy():
    import_territories(upload("\ufeff" + DEPARTEMENTS))  # with Excel's byte-order mark
    report = import_territories(upload(COMPOSITION, "cp1252"))

    assert names(Kind.DEPARTEMENT) == {"2A": "Corse-du-Sud", "49": "Maine-et-Loire", "53": "Mayenne"}
    assert names(Kind.INTERCOMMUNALITY) == {"244900015": "CU Angers Loire Métropole",
                                            "200060127": "CA Mauges Communauté",
                                            "200049864": "CA Laval Agglomération"}
    assert report.created == {Kind.DEPARTEMENT: 0, Kind.INTERCOMMUNALITY: 3, Kind.COMMUNE: 8}
    avrille = Territory.objects.get(code="49015")
    assert avrille.name == "Avrillé" and avrille.parent.code == "244900015" and avrille.departement().code == "49"
    laval = Territory.objects.get(kind=Kind.INTERCOMMUNALITY, code="200049864")
    assert laval.parent.code == "53"  # most of its communes
    assert Territory.objects.get(code="49046").parent.code == "49"  # its commune in 49 hangs from 49
    assert Territory.objects.get(code="2A247").parent.code == "2A"  # in no intercommunality


def test_importing_again_updates_names_and_creates_nothing_twice():
    import_territories(upload(DEPARTEMENTS))
    import_territories(upload(COMPOSITION))
    renamed = COMPOSITION.replace("CU Angers Loire Métropole", "Angers Loire Métropole")
    report = import_territories(upload(renamed))
    assert sum(report.created.values()) == 0
    assert report.updated[Kind.INTERCOMMUNALITY] == 1
    assert Territory.objects.get(code="244900015").name == "Angers Loire Métropole"
    assert Territory.objects.filter(kind=Kind.COMMUNE).count() == 8


def test_only_the_chosen_departements():
    import_territories(upload(DEPARTEMENTS))
    import_territories(upload(COMPOSITION), departements={"49"})
    assert not Territory.objects.filter(code="53130").exists()
    assert set(names(Kind.INTERCOMMUNALITY)) == {"244900015", "200060127", "200049864"}


def test_communes_file_keeps_communes_only():
    import_territories(upload(DEPARTEMENTS))
    import_territories(upload(COMMUNES))
    assert names(Kind.COMMUNE) == {"49007": "Angers", "49050": "Brissac Loire Aubance"}  # not the delegated one


@pytest.mark.parametrize("text, message", [
    (COMPOSITION, "Département 49 is not known yet"),  # départements not imported first
    ("nom;prénom\nDupont;Jean\n", "not one of INSEE's lists"),
    (DEPARTEMENTS + "20,94,20004,0,CORSE,Corse,Corse\r\n", "Line 5"),
])
def test_bad_files_are_refused_and_nothing_is_imported(text, message):
    with pytest.raises(TerritoryImportError) as error:
        import_territories(upload(text))
    assert message in " ".join(error.value.messages)
    assert not Territory.objects.exists()


def test_one_bad_row_and_nothing_of_the_file_is_imported():
    import_territories(upload(DEPARTEMENTS))
    broken = COMPOSITION.replace("49092;", "4992;").replace("Ponts-de-Cé;244900015", "Ponts-de-Cé;244900016")
    with pytest.raises(TerritoryImportError) as error:
        import_territories(upload(broken))
    messages = " ".join(error.value.messages)
    assert "Line 7" in messages and "4992" in messages and "Line 8" in messages and "244900016" in messages
    assert Territory.objects.count() == 3


def test_an_excel_file_is_refused_clearly():
    with pytest.raises(TerritoryImportError, match="CSV UTF-8"):
        import_territories(io.BytesIO(b"PK\x03\x04\x14\x00\x06\x00" + bytes(100)))


def test_errors_are_given_in_french_first():
    with translation.override("fr"), pytest.raises(TerritoryImportError) as error:
        import_territories(upload(DEPARTEMENTS + "20,94,20004,0,CORSE,Corse,Corse\r\n"))
    assert error.value.messages == ["Ligne 5 : « 20 » n'est pas un code de département (par ex. 49, 2A, 974)."]
