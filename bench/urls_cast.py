"""The site's URLs plus ``POST /bench/insert``, the baseline of ``bench/voting_cast.py``, and two signed-in twins.

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
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [request.POST.get("choice", "")])
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_POST
def insert_signed_in(request):
    """The same insert behind what every resident's POST pays: CSRF check, session, account lookup."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [f"{request.user.pk}:{request.POST.get('choice', '')}"])
    return HttpResponse("ok", content_type="text/plain")


@functools.lru_cache
def _parameters(contest_pk: int):
    from voting.models import Contest
    from voting.services.casting import contest_parameters

    return contest_parameters(Contest.objects.get(pk=contest_pk))


@login_required
@require_POST
def insert_signed_in_encrypted(request, contest_pk):
    """The signed-in insert of an encrypted ballot: the least any vote with server-side encryption costs.

    No contest read, eligibility or box: the parameters are read once per
    process; the row is the ballot's JSON (blank vote, all proofs).
    """
    from voting import crypto

    params = _parameters(contest_pk)
    ballot = crypto.encrypt_ballot(params, [0] * params.n_options + [1])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {INSERT_TABLE} (choice) VALUES (%s)", [ballot.to_json()])
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/insert", insert, name="bench_insert"),
    path("bench/insert-signed-in", insert_signed_in, name="bench_insert_signed_in"),
    path("bench/insert-encrypted/<int:contest_pk>", insert_signed_in_encrypted, name="bench_insert_encrypted"),
    *site_urlpatterns,
]
