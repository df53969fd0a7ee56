"""The site's URLs plus ``POST /bench/insert``, the baseline of ``bench/voting_cast.py``, and two signed-in twins.

The twins bound a vote from below: ``/bench/insert-signed-in`` adds what
every resident's POST pays, ``/bench/insert-verified/<pk>`` adds the check
of the ballot's proofs a vote encrypted on the voter's device needs.

The baseline view does the least a "record something" view can do on the
same stack (same middleware, same gunicorn, same database): parse the form,
insert one row in a transaction, answer. The table is created with raw SQL
by the benchmark's setup, not by a migration.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parvis.urls import urlpatterns as site_urlpatterns

INSERT_TABLE = "bench_insert"


@csrf_exempt
@require_POST
def insert(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [request.POST.get("tracker", "")])
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_POST
def insert_signed_in(request):
    """The same insert behind what every resident's POST pays: CSRF check, session, account lookup."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [f"{request.user.pk}:{request.POST.get('tracker', '')}"])
    return HttpResponse("ok", content_type="text/plain")


@functools.lru_cache
def _contest(contest_pk: int):
    from voting.models import Contest

    return Contest.objects.get(pk=contest_pk)


@login_required
@require_POST
def insert_signed_in_verified(request, contest_pk):
    """The signed-in insert of a ballot whose proofs the server checks: the least any vote now costs.

    Voters' devices encrypt; the server must decode the ballot strictly and
    verify every proof (``casting.decode_ballot``, as the cast view does).
    Nothing else: the contest is read once per process, no phase,
    eligibility, audit lookup or box; the row is the ballot's JSON.
    """
    from voting.exceptions import InvalidBallot
    from voting.services.casting import decode_ballot

    try:
        ballot = decode_ballot(_contest(contest_pk), request.POST.get("ballot", ""))
    except InvalidBallot:
        return HttpResponse("invalid", status=400, content_type="text/plain")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [ballot.to_json()])
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/insert", insert, name="bench_insert"),
    path("bench/insert-signed-in", insert_signed_in, name="bench_insert_signed_in"),
    path("bench/insert-verified/<int:contest_pk>", insert_signed_in_verified, name="bench_insert_verified"),
    *site_urlpatterns,
]
