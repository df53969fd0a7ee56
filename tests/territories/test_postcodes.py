"""La Poste's postcode file as published (old and new headers, Latin-1 or UTF-8); all or nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from territories.exceptions import TerritoryImportError
from territories.models import PostalCode, Residence, StaffGroup
from territories.services.postcodes import import_postcodes

from .factories import make_territories

pytestmark = pytest.mark.django_db

# The file of data.gouv.fr as La Poste long published it: Latin-1, “#” before the first header, one row
# per locality (Ligne_5), so a pair may come several times; Monaco and communes of other départements.
OLD = (
    "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\r\n"
    "49301;ST AUBIN SUR LOIRE;49320;ST AUBIN SUR LOIRE;\r\n"
    "49301;ST AUBIN SUR LOIRE;49320;ST AUBIN SUR LOIRE;LE PORT\r\n"
    "49301;ST AUBIN SUR LOIRE;49321;ST AUBIN SUR LOIRE;LA VARENNE\r\n"
    "49050;BRISSAC LOIRE;49320;BRISSAC LOIRE AUBANCE;\r\n"
    "49092;CHEMILLE EN ANJOU;49120;CHEMILLÉ EN ANJOU;\r\n"
    "99138;MONACO;98000;MONACO;\r\n"
    "53130;LAVAL;53000;LAVAL;\r\n"
)
# Datanova's newer export: lower-case headers without accents, UTF-8 with a byte-order mark.
NEW = (
    "\ufeffcode_commune_insee;nom_de_la_commune;code_postal;libelle_d_acheminement;ligne_5\n"
    "49023;BEAUPREAU EN MAUGES;49600;BEAUPRÉAU-EN-MAUGES;\n"
    "49092;CHEMILLE EN ANJOU;49120;CHEMILLE EN ANJOU;\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def places():
    return make_territories()


def upload(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def pairs() -> set[tuple[str, str]]:
    return set(PostalCode.objects.values_list("code", "commune__code"))


def test_la_postes_latin1_file_gives_each_commune_its_postcodes(places):
    report = import_postcodes(upload(OLD, "latin-1"))

    assert pairs() == {("49320", "49301"), ("49321", "49301"), ("49320", "49050"), ("49120", "49092")}
    assert PostalCode.objects.get(code="49120").label == "CHEMILLÉ EN ANJOU"
    # Monaco and Laval are not communes of this platform: skipped and counted, not refused.
    assert (report.created, report.skipped_rows) == (4, 2)
    assert report.skipped_examples == ["99138", "53130"]


def test_the_newer_lower_case_utf8_file_is_read_too(places):
    import_postcodes(upload(NEW))

    assert pairs() == {("49600", "49023"), ("49120", "49092")}
    assert PostalCode.objects.get(code="49600").label == "BEAUPRÉAU-EN-MAUGES"


def test_a_comma_separated_resave_with_the_gps_column_is_read(places):
    text = ("Code_commune_INSEE,Nom_commune,Code_postal,Ligne_5,Libellé_d_acheminement,coordonnees_gps\r\n"
            "49050,BRISSAC LOIRE,49320,,BRISSAC LOIRE AUBANCE,\"47.35, -0.45\"\r\n")
    import_postcodes(upload(text, "cp1252"))

    assert PostalCode.objects.get().label == "BRISSAC LOIRE AUBANCE"


def test_importing_again_updates_labels_and_withdraws_what_la_poste_withdrew(places):
    import_postcodes(upload(OLD, "latin-1"))
    resident = get_user_model().objects.create_user("jean", "jean@example.org", "x")
    Residence.objects.create(user=resident, commune=places["aubin"], postcode="49321")
    newer = OLD.replace("49301;ST AUBIN SUR LOIRE;49321;ST AUBIN SUR LOIRE;LA VARENNE\r\n", "").replace(
        "BRISSAC LOIRE AUBANCE", "BRISSAC-LOIRE-AUBANCE")

    report = import_postcodes(upload(newer, "latin-1"))

    assert ("49321", "49301") not in pairs()
    assert PostalCode.objects.get(commune=places["brissac"]).label == "BRISSAC-LOIRE-AUBANCE"
    assert (report.created, report.updated, report.removed, report.unchanged) == (0, 1, 1, 2)
    assert Residence.objects.get(user=resident).postcode == "49321"  # what the resident said stays


def test_malformed_rows_are_listed_with_their_lines_and_nothing_is_imported(places):
    bad = OLD + "1001;L ABERGEMENT CLEMENCIAT;1400;L ABERGEMENT CLEMENCIAT;\r\n" + "49050;BRISSAC LOIRE;;BRISSAC;\r\n"

    with pytest.raises(TerritoryImportError) as refused:
        import_postcodes(upload(bad, "latin-1"))

    assert refused.value.messages == [
        "Line 9: “1001” is not an INSEE commune code (five characters, e.g. 49007; a spreadsheet may have "
        "dropped its leading 0).",
        "Line 10: “” is not a postcode (five digits, e.g. 49320; a spreadsheet may have dropped its leading 0).",
    ]
    assert PostalCode.objects.count() == 0


def test_another_file_is_refused_with_the_columns_expected(places):
    with pytest.raises(TerritoryImportError) as refused:
        import_postcodes(upload("DEP,REG,CHEFLIEU,LIBELLE\r\n49,52,49007,Maine-et-Loire\r\n"))
    assert "Code_commune_INSEE" in refused.value.messages[0]


def test_before_the_communes_are_imported_it_says_what_to_do_first(db):
    with pytest.raises(TerritoryImportError) as refused:
        import_postcodes(upload(OLD, "latin-1"))
    assert refused.value.messages == ["None of the file's communes is known yet: import INSEE's communes first "
                                      "(Territories › Import)."]


def test_a_spreadsheet_or_image_is_refused(places):
    with pytest.raises(TerritoryImportError) as refused:
        import_postcodes(io.BytesIO(b"PK\x03\x04\x00\x00binary"))
    assert "encoding is not recognised" in refused.value.messages[0]


@pytest.fixture
def admin_client(client):
    from wagtail.users.models import UserProfile

    admin = get_user_model().objects.create_superuser(username="root", email="r@example.org", password="x")
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": "en"})  # the admin in English
    client.force_login(admin)
    return client


def csv_file(text, encoding="latin-1"):
    return SimpleUploadedFile("019HexaSmal.csv", text.encode(encoding), content_type="text/csv")


def test_the_admin_import_reports_or_lists_errors(admin_client, places):
    listing = admin_client.get("/admin/territories/").content.decode()
    assert "/admin/territories/import/postcodes/" in listing  # a button on the territories' list

    response = admin_client.post("/admin/territories/import/postcodes/", {"file": csv_file(OLD + "4930;X;49;X;\r\n")})
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in page and "Line 9" in page
    assert PostalCode.objects.count() == 0

    response = admin_client.post("/admin/territories/import/postcodes/", {"file": csv_file(OLD)}, follow=True)
    assert "Postcodes imported: 4 added, 0 updated, 0 withdrawn, 0 unchanged; 2 rows of communes not known here " \
           "skipped." in response.content.decode()
    assert PostalCode.objects.count() == 4


def test_a_collectivitys_staff_cannot_import_postcodes(client, places):
    from .factories import join

    join(places["aubin"], "saint-aubin.localhost")
    editor = get_user_model().objects.create_user("agent", "agent@example.org", "x")
    editor.groups.add(StaffGroup.objects.get(territory=places["aubin"], role=StaffGroup.Role.EDITOR).group)
    client.force_login(editor)
    client.defaults["HTTP_HOST"] = "saint-aubin.localhost"

    assert client.get("/admin/territories/import/postcodes/").status_code in (302, 403)
    assert client.post("/admin/territories/import/postcodes/", {"file": csv_file(OLD)}).status_code in (302, 403)
    assert PostalCode.objects.count() == 0
