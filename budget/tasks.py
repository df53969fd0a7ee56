"""Celery tasks of the participatory budget: thin wrappers around the services."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import BudgetPage


@shared_task
def announce_budget_phases() -> list[str]:
    """Beat, every five minutes: tell opted-in residents that ideas, a vote or results opened (once each).

    Announcing the results also marks the winning ideas.
    """
    now = timezone.now()
    announced = []
    for budget in BudgetPage.objects.live():
        phase = services.announce_due_phase(budget=budget, now=now)
        if phase is not None:
            announced.append(f"{budget.pk}:{phase}")
    return announced
