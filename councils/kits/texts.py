"""Placeholders in the kit's texts: ``{candidate}``, ``{council}``, ``{vote_url}``... filled safely.

Python's ``str.format`` would follow ``{candidate.__class__}`` or
``{candidate[0]}`` into the value's attributes; here a placeholder is a bare
name from :data:`PLACEHOLDERS` and nothing else. Anything else (an unknown
name, an attribute, a format spec) stays in the text as typed, so a typo is
visible in the preview instead of vanishing, and the admin form refuses it
with :func:`unknown_placeholders`.
"""

from __future__ import annotations

from string import Formatter

PLACEHOLDERS = ("candidate", "council", "election", "town", "dates", "opens", "closes", "vote_url", "campaign_url")


def _parts(template: str):
    """``(literal, name, spec, conversion)`` tuples; a stray brace makes the whole text literal."""
    try:
        return list(Formatter().parse(template))
    except ValueError:
        return [(template, None, None, None)]


def _as_typed(name: str, spec: str | None, conversion: str | None) -> str:
    return "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each known bare placeholder replaced by its value; the rest left as typed."""
    out = []
    for literal, name, spec, conversion in _parts(template or ""):
        out.append(literal)
        if name is None:
            continue
        if name in values and name in PLACEHOLDERS and not spec and not conversion:
            out.append(str(values[name]))
        else:
            out.append(_as_typed(name, spec, conversion))
    return "".join(out)


def unknown_placeholders(template: str) -> list[str]:
    """What the admin must refuse: placeholders that are not bare known names, and stray braces."""
    try:
        parts = list(Formatter().parse(template or ""))
    except ValueError:
        return ["{"]
    return [
        _as_typed(name, spec, conversion)
        for _literal, name, spec, conversion in parts
        if name is not None and (name not in PLACEHOLDERS or spec or conversion)
    ]
