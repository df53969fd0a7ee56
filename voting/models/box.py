"""Who may vote, who voted, and the sealed ballot box — kept apart on purpose.

``Voter`` and ``Participation`` name people; ``Ballot`` names no one: it has
a random id, no timestamp, no foreign key but its contest, and its only
order is its position in the hash chain. Secrecy does not rest on that
separation (row order in the database can always be correlated) but on
encryption: no single ballot is ever decrypted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Voter(models.Model):
    """A person entitled to vote in a contest: a roll entry, a resident account, or both.

    Created when a resident proves they are on the roll (roll entry + user),
    when a verified resident opens the ballot (user only), or when an officer
    records a paper voter (roll entry only).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="voter_records"
    )
    roll_entry = models.ForeignKey(
        "voting.RollEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="voters"
    )

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user"], condition=Q(user__isnull=False), name="voting_voter_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["contest", "roll_entry"], condition=Q(roll_entry__isnull=False),
                name="voting_voter_one_per_roll_entry",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(roll_entry__isnull=False), name="voting_voter_is_someone"
            ),
        ]


class Participation(models.Model):
    """The fact that a voter voted, and through which channel. One per voter, ever.

    The unique constraint is the last guard against a second vote, whether
    online twice, or online then on paper. No timestamp: it would let anyone
    with the database line participations up with the chain's order.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("paper")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="participations")
    voter = models.OneToOneField(Voter, on_delete=models.PROTECT, related_name="participation")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["contest", "voter"], name="voting_one_participation_per_voter"),
        ]


class Ballot(models.Model):
    """One encrypted ballot, as cast, with its place in the hash chain.

    ``payload`` is the canonical JSON of the ciphertexts and proofs;
    ``tracker`` is its SHA-256 (the voter's receipt); ``entry_hash`` chains it
    to the previous ballot: SHA-256(previous entry ‖ tracker ‖ group). A ballot is
    in the box from the moment it is cast; ``position`` and ``entry_hash``
    stay empty until the next batch appends it to the chain, seconds later
    (see ``voting.services.chaining``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("voting.Contest", on_delete=models.PROTECT, related_name="ballots")
    position = models.PositiveIntegerField(null=True, blank=True)
    payload = models.TextField()
    tracker = models.CharField(max_length=64)
    # Counted apart (voting.groups): the commune of the voter's roll entry, set when the ballot is
    # cast and chained with it. Empty: no group (a single town's roll, verified residents).
    group = models.CharField(max_length=10, blank=True, default="", db_column="ballot_group")  # GROUP: SQL keyword
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="voting_ballot_unique_position"),
            models.UniqueConstraint(fields=["contest", "tracker"], name="voting_ballot_unique_tracker"),
        ]
        indexes = [
            # The chainer's query: the few ballots of a contest not yet in the chain.
            models.Index(fields=["contest", "tracker"], condition=Q(position__isnull=True), name="voting_ballot_pending"),
        ]


class AuditedBallot(models.Model):
    """A ballot a voter opened instead of casting it (Benaloh's challenge), published.

    The voter's device revealed the choices and the randomness it used, so
    anyone can re-encrypt and see the device was honest. Such a ballot can
    never be cast (its tracker is refused): its content is public. No voter,
    no timestamp: it names no one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("voting.Contest", on_delete=models.CASCADE, related_name="audited_ballots")
    tracker = models.CharField(max_length=64)
    payload = models.TextField()
    choices = models.JSONField()
    nonces = models.JSONField()

    class Meta:
        verbose_name = _("audited ballot")
        verbose_name_plural = _("audited ballots")
        constraints = [
            models.UniqueConstraint(fields=["contest", "tracker"], name="voting_audited_ballot_unique_tracker"),
        ]
