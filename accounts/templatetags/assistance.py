"""``{{ user|is_accredited_helper }}``: show the "with a resident" links only to active accredited helpers."""

from django import template

from accounts.assistance import is_accredited

register = template.Library()


@register.filter
def is_accredited_helper(user) -> bool:
    return is_accredited(user)
