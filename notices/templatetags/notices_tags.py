"""The header's bell (unread count) and the invitation to turn push on after a meaningful action."""

from django import template

from pagecache import personal

from .. import push, services

register = template.Library()


@register.inclusion_tag("notices/bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0}
    # Kept between the resident's requests, forgotten when a notification arrives or is read (pagecache.personal).
    return {"unread": personal.remembered(request, personal.UNREAD, lambda: services.unread_count(user))}


@register.inclusion_tag("notices/invitation.html", takes_context=True)
def push_invitation(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    show = bool(user is not None and user.is_authenticated and push.push_available() and services.should_invite(user))
    return {"show": show, "request": request, "vapid_public_key": push.public_key() if show else "",
            "csrf_token": context.get("csrf_token")}
