"""The election officers' admin, under the Wagtail menu "Votes".

Views here are thin: they validate a form, call a service of
:mod:`voting.services`, turn its ``VotingError`` into a message and redirect.
``voting/wagtail_hooks.py`` registers them.
"""

#: URL namespace (and name) of the contests viewset, which also routes the
#: manage and paper-day views of each contest.
CONTESTS_NAMESPACE = "voting_contests"
