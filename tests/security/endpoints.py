"""Every form residents can post, as one line each: where it posts, who posts it, a valid payload.

Adding an endpoint to the hostile-input suite is adding one ``Endpoint`` to
``FORMS``: CSRF, markup injection, SQL-ish strings and forged ids are then
tried on it. ``text_fields`` are the free-text fields an attacker controls.
"""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable  # town -> address
    data: Callable  # town -> a valid payload
    user: str = "author"  # which resident of the town posts it ("author", "other", or "trustee")
    text_fields: tuple[str, ...] = ()
    id_fields: tuple[str, ...] = ()  # fields naming a row by id: forged ids are tried there

    def __str__(self):
        return self.name

    def fields_named(self, data: dict, names) -> list[str]:
        """The payload's keys for these field names, whatever their form prefix (``roll-place``, ``q12-choice``)."""
        return [key for key in data if any(key == name or key.endswith("-" + name) for name in names)]


def association_data(town):
    return {"name": "Les Jardiniers", "description": "Un jardin partagé.", "contact_email": "jardin@asso.example",
            "contact_phone": "", "website": "", "council": ""}


def mission_data(town):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.localtime() + timedelta(days=7)
    return {"title": "Ravitaillement", "description": "Tendre des verres d'eau.", "place": "Place de la Loire",
            "schedule": "", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "volunteers_needed": "2",
            "minimum_age": "0", "council": ""}


def user_of(town, endpoint: Endpoint):
    return {"author": town.author, "other": town.other, "trustee": town.trustee.user}[endpoint.user]


def idea_data(town):
    return {"title": "Un jardin", "description": "Des bacs.", "council": "", "location": "Rue des Tilleuls",
            "category": "environment", "cost": "3000", "image_description": ""}


def profile_data(town):
    return {"display_name": "Autrice", "council": "", "postcode": "", "birth_year": "1980"}


def contact_data(town):
    return {"sender_name": "Jean", "sender_email": "jean@example.org", "message": "Bonjour, un banc SVP."}


def candidacy_data(town):
    return {"council": str(town.town["centre"].pk), "name": "Jean Dupont", "statement": "Je me présente.",
            "video_url": "", "consent": "on"}


def roll_data(prefix):
    return lambda town: {f"{prefix}-family_name": "Dupont", f"{prefix}-birth_date": "1980-07-14", f"{prefix}-place": "1"}


def consultation_ballots(town):
    """What the voter's device posts for a consultation: one encrypted ballot per question, with its tracker."""
    import json

    from voting.voter import encrypt_choice

    ballots, trackers = {}, {}
    for contest in town.consultation.contests():
        ballot = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key,
                                [contest.options.order_by("position").first().pk])[0]
        ballots[str(contest.pk)], trackers[str(contest.pk)] = ballot.to_json(), ballot.hash
    return {"ballots": json.dumps(ballots), "trackers": json.dumps(trackers)}


def contest_ballot(town):
    """What the voter's device posts: the encrypted ballot (canonical JSON) and its tracker, never a choice in clear."""
    from voting.voter import encrypt_choice

    contest = town.contest
    ballot = encrypt_choice(contest.manifest, contest.manifest_hash, contest.public_key,
                            [contest.options.order_by("position").first().pk])[0]
    return {"ballot": ballot.to_json(), "tracker": ballot.hash}


def trustee_url(name):
    from django.urls import reverse

    return lambda town: reverse(f"voting:{name}", args=[town.trustee.pk])


FORMS = [
    Endpoint("idea submission", lambda t: t.budget.url + "idees/proposer/", idea_data,
             text_fields=("title", "description", "location", "image_description"), id_fields=("council",)),
    Endpoint("idea edit", lambda t: t.budget.url + f"idees/{t.idea.pk}/modifier/", idea_data,
             text_fields=("title", "description", "location", "image_description"), id_fields=("council",)),
    Endpoint("profile", lambda t: "/compte/profil/", profile_data, text_fields=("display_name", "postcode"),
             id_fields=("council",)),
    Endpoint("account deletion", lambda t: "/compte/profil/supprimer/", lambda t: {"password": "faux"},
             text_fields=("password",)),
    Endpoint("council contact", lambda t: t.council_page.url + "contact/", contact_data,
             text_fields=("sender_name", "message")),
    Endpoint("candidacy", lambda t: t.election.url + "candidature/", candidacy_data, user="other",
             text_fields=("name", "statement", "video_url"), id_fields=("council",)),
    Endpoint("election roll proof", lambda t: t.election.url + "inscription/", roll_data("roll"), user="other",
             text_fields=("family_name", "place")),
    Endpoint("consultation cast", lambda t: t.consultation.url + "voter/", consultation_ballots, user="other"),
    Endpoint("contest roll proof", lambda t: f"/vote/{t.contest.pk}/inscription/",
             lambda t: roll_data(f"roll{t.contest.pk}")(t), user="other", text_fields=("family_name", "place")),
    Endpoint("contest cast", lambda t: f"/vote/{t.contest.pk}/voter/", contest_ballot, user="other"),
    Endpoint("ballot audit", lambda t: f"/vote/{t.contest.pk}/auditer/", lambda t: {}, user="other"),
    Endpoint("association registration", lambda t: "/mon-benevolat/associations/inscrire/", association_data,
             user="other", text_fields=("name", "description", "contact_phone", "website"), id_fields=("council",)),
    Endpoint("mission post", lambda t: f"/mon-benevolat/associations/{t.association.pk}/missions/nouvelle/",
             mission_data, text_fields=("title", "description", "place"), id_fields=("council", "skills")),
    Endpoint("volunteer offer", lambda t: t.mission_url(), lambda t: {"message": "Je viens !", "age_confirmed": "on"},
             user="other", text_fields=("message",)),
    Endpoint("trustee answer", trustee_url("trustee_answer"), lambda t: {}, user="trustee"),
    Endpoint("notification preferences", lambda t: "/notifications/preferences/",
             lambda t: {"vote_opened": "on", "results": "on"}),
    Endpoint("push consent withdrawal", lambda t: "/notifications/push/retirer/", lambda t: {}),
    Endpoint("push invitation dismissal", lambda t: "/notifications/push/plus-tard/", lambda t: {"next": "/"}),
]
