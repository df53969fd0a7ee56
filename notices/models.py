"""What residents are told, how they want it, and where their phones listen.

A ``Notice`` is one message (a vote opened, results are out, a town-hall
notice); each resident it concerns gets a ``Notification`` row, their entry in
the in-site notification centre, whether or not they use push. Residents with
push on also get it on their devices (``PushSubscription``), at most once a
day unless their ``NotificationPreferences`` ask for more.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import notifications as topics


class Topic(models.TextChoices):
    """What a notice is about; each maps to a preference below (staff notices go to everyone who opted in)."""

    VOTE_OPENED = topics.TOPIC_VOTE_OPENED, _("a vote or consultation opens")
    VOTE_REMINDER = topics.TOPIC_VOTE_REMINDER, _("reminder before a vote closes")
    RESULTS = topics.TOPIC_RESULTS, _("results are proclaimed")
    IDEAS_OPENED = topics.TOPIC_IDEAS_OPENED, _("a call for ideas opens")
    MISSION = topics.TOPIC_MISSION, _("a volunteering mission near me")
    STAFF = "staff", _("notice from the town hall")


class NotificationPreferences(models.Model):
    """A resident's choices: which topics, push or not, more than one push a day or not.

    No row means the defaults: every topic in the notification centre, no
    push. ``push_enabled`` is the consent to push; withdrawing it deletes the
    subscriptions. ``last_push_on`` is the no-spam guard (one push a day),
    ``action_at`` the last meaningful action (an idea, a vote, an offer of
    help) after which the site may invite them to turn push on.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences")
    vote_opened = models.BooleanField(_("a vote or consultation opens where I live"), default=True)
    results = models.BooleanField(_("results are proclaimed"), default=True)
    ideas_opened = models.BooleanField(_("a call for ideas opens"), default=True)
    missions = models.BooleanField(_("a volunteering mission is posted near me"), default=True)
    reminders = models.BooleanField(_("a reminder two days before a vote closes, if I have not voted"), default=True)
    more_than_daily = models.BooleanField(
        _("more than one push notification a day"), default=False,
        help_text=_("Off: at most one a day on your devices; the others wait in your notifications."),
    )
    push_enabled = models.BooleanField(_("push notifications on my devices"), default=False)
    last_push_on = models.DateField(null=True, blank=True, editable=False)
    action_at = models.DateTimeField(null=True, blank=True, editable=False)
    prompt_dismissed = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


# Topic -> the preference that governs it (field of NotificationPreferences).
TOPIC_PREFERENCES = {
    Topic.VOTE_OPENED: "vote_opened",
    Topic.VOTE_REMINDER: "reminders",
    Topic.RESULTS: "results",
    Topic.IDEAS_OPENED: "ideas_opened",
    Topic.MISSION: "missions",
}


class PushSubscription(models.Model):
    """One browser's push endpoint and its keys (RFC 8291), as ``PushManager.subscribe()`` gave them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    created = models.DateTimeField()
    last_success = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return self.endpoint.split("/")[2] if self.endpoint.count("/") >= 2 else self.endpoint

    def info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class Notice(models.Model):
    """One message told to many residents; ``url`` is a path on this site."""

    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=1000)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.title

    def payload(self) -> dict:
        """What the service worker shows (the contract with /sw.js)."""
        return {"title": self.title, "body": self.body, "url": self.url or "/", "tag": f"{self.topic}-{self.pk}"}


class Notification(models.Model):
    """A notice in one resident's notification centre; read or not."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notices_once_per_resident")]
        indexes = [models.Index(fields=["user", "read_at"], name="notices_unread")]

    def __str__(self):
        return f"{self.notice} → {self.user}"


class StaffNotice(models.Model):
    """The log of a notice Communications sent: who, when, to which councils (none: the whole town), how many."""

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="staff_send")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    councils = models.ManyToManyField("councils.Council", verbose_name=_("councils"), blank=True, related_name="+")
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # Whose staff sent it, to its residents: the collectivity's site (common.scoping). Empty: an
    # installation's first site, before territories.
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("notice to residents")
        verbose_name_plural = _("notices to residents")
        ordering = ["-sent_at"]
        permissions = [("send_notice", _("Can send a notice to residents who opted in"))]

    def __str__(self):
        return str(self.notice)

    def get_site(self):
        return self.site

    def audience(self) -> str:
        names = [council.name for council in self.councils.all()]
        return ", ".join(names) if names else str(_("the whole town"))
