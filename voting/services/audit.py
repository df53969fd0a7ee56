"""Writing the audit log."""

from ..models import AuditEvent


def log(*, contest, action: str, actor=None, **detail) -> AuditEvent:
    """Record who did what to a contest; ``actor`` None means the scheduler."""
    return AuditEvent.objects.create(contest=contest, actor=actor, action=action, detail=detail)
