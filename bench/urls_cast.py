"""The site's URLs plus ``POST /bench/insert``, the baseline of ``bench/voting_cast.py``, and its signed-in twin.

The baseline view does the least a "record something" view can do on the
same stack (same middleware, same gunicorn, same database): parse the form,
insert one row in a transaction, answer. The table is created with raw SQL
by the benchmark's setup, not by a migration.
"""

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


urlpatterns = [
    path("bench/insert", insert, name="bench_insert"),
    path("bench/insert-signed-in", insert_signed_in, name="bench_insert_signed_in"),
    *site_urlpatterns,
]
