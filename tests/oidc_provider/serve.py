"""Run the test provider: ``python -m tests.oidc_provider.serve PORT CLIENT_ID SECRET REDIRECT_URIS LOGOUT_URIS``.

Migrates its SQLite file, creates the people (password "pw") and the client
application, then serves on 127.0.0.1:PORT until killed.
"""

import json
import os
import sys

import django


def main(port: str, client_id: str, secret: str, redirect_uris: str, logout_uris: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    people = json.loads(open(os.environ["OIDC_PROVIDER_PEOPLE"]).read())
    for username in people:
        User.objects.create_user(username=username, password="pw")
    for client, uris in ((client_id, redirect_uris), ("another-service", "http://127.0.0.1/elsewhere/")):
        Application.objects.create(
            client_id=client, client_secret=secret, hash_client_secret=False, name=client,
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=uris, post_logout_redirect_uris=logout_uris, algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    run("127.0.0.1", int(port), get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main(*sys.argv[1:])
