"""Participation statistics for the steering committee (cached), and their CSV export."""

import csv
import io
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from voting.models import Participation
from voting.services import counting

from ..models import BudgetPage, Idea
from .finalists import finalist_contest


AGE_BANDS = [(0, 17, "< 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"), (45, 54, "45-54"),
             (55, 64, "55-64"), (65, 74, "65-74"), (75, 200, "75+")]


def age_band(birth_year: int | None, reference_year: int) -> str | None:
    if birth_year is None:
        return None
    age = reference_year - birth_year
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), None)


def statistics(*, budget: BudgetPage) -> dict:
    """The edition's participation figures for the town: a dozen queries whatever its size."""
    User = get_user_model()
    ideas = Idea.objects.filter(budget=budget)
    category_labels = dict(Idea.Category.choices)
    status_labels = dict(Idea.Status.choices)
    by_council = [
        (row["council__name"] or _("Whole town"), row["n"])
        for row in ideas.values("council__name").annotate(n=Count("pk")).order_by("council__name")
    ]
    by_category = sorted(
        ((str(category_labels.get(row["category"], row["category"])), row["n"])
         for row in ideas.values("category").annotate(n=Count("pk"))),
        key=lambda item: (-item[1], item[0]),
    )
    by_status = [
        (str(status_labels[row["status"]]), row["n"])
        for row in ideas.values("status").annotate(n=Count("pk")).order_by("status")
    ]
    contest = finalist_contest(budget)
    turnout = counting.turnout(contest) if contest else None
    who = Q(pk__in=ideas.exclude(author=None).values("author_id"))
    if contest:
        who |= Q(pk__in=Participation.objects.filter(contest=contest, voter__user__isnull=False).values("voter__user_id"))
    accounts = User.objects.filter(who)
    birth_years = Counter(accounts.values_list("profile__birth_year", flat=True))
    reference_year = timezone.localtime(budget.vote_opens_at).year
    bands = Counter()
    for birth_year, count in birth_years.items():
        bands[age_band(birth_year, reference_year) or _("not given")] += count
    participants = sum(birth_years.values()) + (turnout["paper"] if turnout else 0)
    registered = Profile.objects.filter(user__is_active=True, user__is_staff=False).count()
    population = budget.population
    return {
        "ideas": sum(count for _label, count in by_council),
        "by_council": by_council,
        "by_category": by_category,
        "by_status": by_status,
        "authors": ideas.exclude(author=None).values("author_id").distinct().count(),
        "votes": turnout["total"] if turnout else None,
        "participants": participants,
        "registered": registered,
        "population": population,
        "registered_percent": round(100 * registered / population, 1) if population else None,
        "age_bands": [(label, bands.get(label, 0)) for _low, _high, label in AGE_BANDS] + [(_("not given"), bands.get(_("not given"), 0))],
    }


STATISTICS_CACHE_SECONDS = 60


def cached_statistics(*, budget: BudgetPage) -> dict:
    """The statistics as the public block shows them: recomputed at most once a minute per edition and language."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = f"budget:statistics:{budget.pk}:{get_language()}"
    stats = cache.get(key)
    if stats is None:
        stats = statistics(budget=budget)
        cache.set(key, stats, STATISTICS_CACHE_SECONDS)
    return stats


def statistics_csv(stats: dict) -> str:
    """The statistics as a CSV file (section, label, value), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("section"), _("label"), _("value")])
    for section, key in ((_("ideas per neighbourhood"), "by_council"), (_("ideas per category"), "by_category"),
                         (_("ideas per state"), "by_status"), (_("participants by age band"), "age_bands")):
        for label, count in stats[key]:
            writer.writerow([section, label, count])
    totals = _("totals")
    writer.writerow([totals, _("ideas"), stats["ideas"]])
    writer.writerow([totals, _("authors"), stats["authors"]])
    writer.writerow([totals, _("participants"), stats["participants"]])
    writer.writerow([totals, _("votes"), "" if stats["votes"] is None else stats["votes"]])
    writer.writerow([totals, _("registered residents"), stats["registered"]])
    writer.writerow([totals, _("population"), stats["population"] or ""])
    writer.writerow([totals, _("share of the population registered (%)"), "" if stats["registered_percent"] is None else stats["registered_percent"]])
    return buffer.getvalue()
