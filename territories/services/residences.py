"""Where residents live: their commune, from the postcode and commune they give, and what follows from it.

One account for the whole platform: the commune says which collectivities are the resident's (their
town, its intercommunality, the département), for votes (``territories.eligibility``), the home
page's list of what is open for them (``home.open_now``) and their data download.
"""

from django.utils.translation import gettext as _
from wagtail.models import Site

from .. import codes
from ..exceptions import ResidenceError
from ..models import PostalCode, Residence, Territory
from .postcodes import POSTCODE


def normalise_postcode(value: str) -> str:
    return codes.normalise(value)


def communes_for_postcode(postcode: str):
    """The communes La Poste gives this postcode, by name (none for a malformed one)."""
    postcode = normalise_postcode(postcode)
    if not POSTCODE.match(postcode):
        return Territory.objects.none()
    return Territory.objects.filter(kind=Territory.Kind.COMMUNE, postcodes__code=postcode).distinct().order_by("name")


def residence_of(user) -> Residence | None:
    """The resident's residence with its commune's chain, their sites and home pages (one query), or None."""
    if not (user and user.is_authenticated):
        return None
    return Residence.objects.select_related(
        "commune__site__root_page", "commune__parent__site__root_page", "commune__parent__parent__site__root_page",
    ).filter(user=user).first()


def set_residence(*, user, postcode: str, commune: Territory) -> Residence:
    """Record (or change) where ``user`` lives; refused, with nothing changed, if the pair is not La Poste's."""
    postcode = normalise_postcode(postcode)
    if not POSTCODE.match(postcode):
        raise ResidenceError(_("Enter your postcode: five digits, e.g. 49320."))
    if commune.kind != Territory.Kind.COMMUNE or not PostalCode.objects.filter(code=postcode, commune=commune).exists():
        raise ResidenceError(_("%(commune)s does not have the postcode %(postcode)s: check them.")
                             % {"commune": commune.name, "postcode": postcode})
    residence, _created = Residence.objects.update_or_create(
        user=user, defaults={"commune": commune, "postcode": postcode})
    return residence


def resident_sites(residence: Residence | None) -> list[Site]:
    """The sites of the resident's collectivities that joined: their town's, intercommunality's, département's."""
    if residence is None:
        return []
    return [territory.site for territory in residence.territories() if territory.site_id]


def export_residence(user) -> dict:
    """The residence, for the resident's data download."""
    residence = residence_of(user)
    if residence is None:
        return {"residence": None}
    return {"residence": {
        "postcode": residence.postcode,
        "commune": residence.commune.name,
        "commune_code": residence.commune.code,
        "collectivities": [f"{territory.name} ({territory.get_kind_display()})" for territory in residence.territories()],
        "updated_at": residence.updated_at,
    }}
