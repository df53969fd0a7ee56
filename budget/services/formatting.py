"""How budget messages write dates and links."""

from django.utils import formats, timezone

from ..models import BudgetPage


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _full_url(budget: BudgetPage, subpage: str = "", args=()) -> str:
    base = budget.get_full_url() or ""
    return base + (budget.reverse_subpage(subpage, args=args) if subpage else "")
