"""How django-axes recognises who is trying to log in (``AXES_USERNAME_CALLABLE``)."""


def login_identifier(request, credentials: dict | None = None) -> str | None:
    """The address residents type, or the username staff type at /admin/login/, lower-cased.

    allauth authenticates with ``email=…``, Wagtail's admin with
    ``username=…``; lower-casing makes ``Jean@x.fr`` and ``jean@x.fr`` share
    one failure counter.
    """
    credentials = credentials or {}
    data = getattr(request, "POST", {})
    value = credentials.get("email") or credentials.get("username") or data.get("login") or data.get("username")
    return value.strip().lower() if value else None
