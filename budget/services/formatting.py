"""How budget messages write dates and links."""

from home.dates import format_date

from ..models import BudgetPage


def _when(moment) -> str:
    return format_date(moment, "datetime", english_format="DATETIME_FORMAT")


def _full_url(budget: BudgetPage, subpage: str = "", args=()) -> str:
    base = budget.get_full_url() or ""
    return base + (budget.reverse_subpage(subpage, args=args) if subpage else "")
