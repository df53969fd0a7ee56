"""Votes across territories: which communes a roll, a vote and a paper-day officer may cover.

The ballot engine asks through its hooks (``voting.services.areas``) and knows no territory: these
answers are registered in ``territories/wagtail_hooks.py``. A site that is no collectivity's (a
one-town installation before territories) gets no opinion: nothing is refused there.
"""

from django.utils.translation import gettext as _

from common.scoping import site_ids_with_perm

from ..models import Territory

MAX_LISTED = 10
"""Offending rows or communes named in a refusal; the officer fixes those and tries again."""


def territory_of_site(site) -> Territory | None:
    if site is None:
        return None
    return Territory.objects.filter(site=site).first()


def contest_territory(contest) -> Territory | None:
    """The territory a vote is for: its ``area`` code, or its issuing collectivity's whole territory.

    None when the vote's site is no collectivity's, or its area matches no territory.
    """
    issuer = territory_of_site(contest.site)
    if not contest.area:
        return issuer
    return Territory.objects.filter(code="".join(contest.area.split()).upper()).first()


def commune_codes(territory: Territory) -> set[str]:
    return set(territory.communes().values_list("code", flat=True))


def _outside(territory: Territory, communes) -> list[str]:
    """Codes not within ``territory`` (rows without a commune are, only on a commune's own roll)."""
    allowed = commune_codes(territory)
    if territory.kind == Territory.Kind.COMMUNE:
        allowed.add("")
    return sorted(code for code in communes if code not in allowed)


def roll_communes_refusal(roll, communes: dict[str, list[int]]) -> str | None:
    """A roll whose electors live outside its collectivity's territory is refused, its first rows named."""
    territory = territory_of_site(roll.site)
    if territory is None:
        return None
    outside = _outside(territory, communes)
    if not outside:
        return None
    rows = sorted((line, code) for code in outside for line in communes[code])
    if rows:
        listed = "; ".join(
            _("line %(line)d: %(commune)s") % {"line": line, "commune": code or _("no commune")}
            for line, code in rows[:MAX_LISTED])
    else:
        listed = ", ".join(code or _("no commune") for code in outside[:MAX_LISTED])
    return _(
        "Electors of communes outside %(territory)s (%(count)d communes): %(rows)s. A roll of %(territory)s lists "
        "only electors of its communes, each with the INSEE code of its commune. Nothing was imported."
    ) % {"territory": territory.name, "count": len(outside), "rows": listed}


def contest_area_refusal(contest) -> str | None:
    """A vote targets its issuer's territory or a part of it, and its roll lies within that target."""
    issuer = territory_of_site(contest.site)
    if issuer is None:
        return None
    target = contest_territory(contest)
    if target is None:
        return _("No territory has the code “%(code)s”: give the INSEE code of a commune or département, or the "
                 "SIREN of an intercommunality.") % {"code": contest.area}
    if not issuer.contains(target):
        return _("%(issuer)s can hold a vote only within its territory: %(target)s is outside it.") % {
            "issuer": issuer.name, "target": target.name}
    if contest.roll_id and contest.eligibility == "roll":
        communes = contest.roll.entries.order_by().values_list("commune", flat=True).distinct()
        outside = _outside(target, communes)
        if outside:
            return _("The roll “%(roll)s” lists electors outside %(target)s (communes %(communes)s): choose a roll of "
                     "%(target)s.") % {"roll": contest.roll.name, "target": target.name,
                                       "communes": ", ".join(code or _("no commune") for code in outside[:MAX_LISTED])}
    return None


def default_commune(roll) -> str | None:
    """A town's own roll: its entries are the town's electors."""
    territory = territory_of_site(roll.site)
    return territory.code if territory is not None and territory.kind == Territory.Kind.COMMUNE else None


def paper_communes(user, contest) -> set[str] | None:
    """The communes of the vote's territory whose officers ``user`` is: their stations are theirs on paper day.

    None for a vote that is no collectivity's: no opinion.
    """
    target = contest_territory(contest)
    if target is None:
        return None
    site_ids = site_ids_with_perm(user, "voting.record_paper")
    communes = target.communes().exclude(site=None)
    if site_ids is not None:
        communes = communes.filter(site_id__in=site_ids)
    return set(communes.values_list("code", flat=True))


def commune_names(codes) -> dict[str, str]:
    return dict(Territory.objects.filter(kind=Territory.Kind.COMMUNE, code__in=codes).values_list("code", "name"))
