"""Domain errors of notifications; their messages are shown to the resident as they are."""

from django.utils.translation import gettext_lazy as _


class NoticeError(Exception):
    """Base class: ``message`` is safe to show."""

    default = _("This notification request was refused.")

    def __init__(self, message=None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class InvalidSubscription(NoticeError):
    """A push subscription that is malformed, foreign or points somewhere we refuse to call."""

    default = _("This push subscription is not valid.")


class PushGone(NoticeError):
    """The push service says the subscription no longer exists (404/410): delete it."""


class PushFailed(NoticeError):
    """The push service timed out or failed: worth retrying later."""


class PushUnreachable(PushFailed):
    """The push service did not answer (timeout, connection refused): further sends to it now would wait as long."""


class OutsideCollectivity(NoticeError):
    """A staff notice addressed to councils that are not its collectivity's."""

    default = _("Choose councils of your own collectivity only. Nothing was sent.")
