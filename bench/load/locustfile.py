"""Locust residents for ``bench/load/run.py``: one short session each, over the real HTTP endpoints.

Not meant to be run by hand: ``run.py`` builds the town, starts gunicorn and
a Celery worker, and runs this file headless with ``LOAD_STATE`` (the
scenario's JSON: accounts, roll details, URLs) and ``LOAD_OUT`` (where each
resident appends what the server told it: receipts, new ideas).

Each simulated resident arrives once (Locust spawns them at a steady rate
over the run), does one session with think times, then stays idle until the
end (an idle Locust user is not replaced, so N users = N sessions). Resident
``i`` plays a role fixed by ``i % 20``:

* 0-5 (30 %) vote: home page, the contest's page, the roll proof form (family
  name, birth date, polling station, as on a voter card), the ballot,
  the cast, the receipt. Choosing, reviewing and encrypting happen on the
  page, in the browser, without a request: the cast posts the ballot the
  resident's phone encrypted (made beforehand by ``run.py``'s setup with
  ``voting.voter.encrypt_choice``, the Python twin of ``crypto.js``) and
  its tracker. Resident ``i % 20 == 0``
  (5 %) first logs in through the real login form (PBKDF2 check included);
  the others arrive with a session opened earlier.
* 6-8 (15 %) propose an idea: the budget page, then the submission form
  posted with its CSRF token, then the new idea's page.
* the rest (55 %) browse: home, articles, the tutorial, council pages, the
  budget page with its gallery (filtered, page 2) and idea pages.

Production marks cookies ``Secure``; the load runs over plain HTTP on
127.0.0.1, so after each response the cookies are kept as non-secure (the
server reads them either way). Redirects are followed by hand, each as its
own request, so every step has its own line in the statistics.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, task


class GiveUp(Exception):
    """A page or form failed (timeout, error): the resident leaves, as a real one would after a failure."""

STATE = json.loads(Path(os.environ["LOAD_STATE"]).read_text())
OUT = Path(os.environ["LOAD_OUT"])
TIMEOUT = 60
THINK = (float(os.environ.get("LOAD_THINK_MIN", "2")), float(os.environ.get("LOAD_THINK_MAX", "6")))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ids = itertools.count()
_files: dict[str, object] = {}


def record(kind: str, row: dict) -> None:
    """Append one JSON line to LOAD_OUT/<kind>-<pid>.jsonl (one file per Locust process)."""
    handle = _files.get(kind)
    if handle is None:
        handle = _files[kind] = open(OUT / f"{kind}-{os.getpid()}.jsonl", "a", buffering=1)  # noqa: SIM115
    handle.write(json.dumps(row) + "\n")


class Resident(HttpUser):
    """One resident's visit; see the module docstring for the mix."""

    def wait_time(self):
        return 3600 if self.done else 0  # idle after the session: Locust stops waiting users at once

    def on_start(self):
        self.done = False
        self.index = next(_ids) % len(STATE["residents"])
        self.me = STATE["residents"][self.index]
        self.rng = random.Random(self.index)
        self.client.headers["Host"] = "127.0.0.1"
        self.client.headers["Accept-Language"] = "fr"
        role = self.index % 20
        self.role = "vote" if role < 6 else "idea" if role < 9 else "browse"
        self.form_login = role == 0
        if not self.form_login and self.role != "browse":
            self.client.cookies.set(STATE["session_cookie"], self.me["session"])

    # ------------------------------------------------------------------ helpers

    def think(self):
        self._sleep(self.rng.uniform(*THINK))

    def _sleep(self, seconds: float):
        import gevent

        gevent.sleep(seconds)

    def _unsecure_cookies(self):
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str, expect=(200,)):
        """GET a page; a failure (error, timeout) ends the session (``GiveUp``)."""
        with self.client.get(path, name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True) as response:
            self._unsecure_cookies()
            if response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
                raise GiveUp(name)
            return response

    def post(self, path: str, name: str, data: dict, files=None):
        """POST with the CSRF token of the last page; the caller judges the answer."""
        response = self.client.post(path, name=name, data=data, files=files, allow_redirects=False,
                                    timeout=TIMEOUT, catch_response=True)
        return response

    @staticmethod
    def token(response) -> str:
        match = TOKEN.search(response.text or "")
        return match.group(1) if match else ""

    def browse(self, count: int):
        pages = STATE["pages"]
        choices = [("article", self.rng.choice(pages["articles"])), ("tutorial", pages["tutorial"]),
                   ("council page", self.rng.choice(pages["councils"])), ("budget page", pages["budget"]),
                   ("budget gallery (filtered, page 2)", pages["budget"] + "?page=2"),
                   ("budget gallery (filtered, page 2)", pages["budget"] + f"?category={STATE['category']}"),
                   ("idea page", self.rng.choice(pages["ideas"])), ("election page", pages["election"])]
        for name, path in self.rng.sample(choices, count):
            self.think()
            self.get(path, name)

    # ------------------------------------------------------------------ the session

    @task
    def session(self):
        try:
            self._session()
        except GiveUp as step:
            record("gave_up", {"resident": self.index, "role": self.role, "step": str(step)})
        finally:
            self.done = True

    def _session(self):
        self.get("/", "home")
        if self.role == "browse":
            self.browse(self.rng.randint(2, 4))
        elif self.role == "idea":
            self.propose_idea()
        else:
            if self.form_login:
                self.login()
            self.vote()
            if self.rng.random() < 0.3:
                self.browse(1)

    def login(self) -> bool:
        self.think()
        page = self.get(STATE["login"], "login form")
        self.think()
        with self.post(STATE["login"], "login POST", {
            "login": self.me["email"], "password": STATE["password"], "csrfmiddlewaretoken": self.token(page),
        }) as response:
            self._unsecure_cookies()
            if response.status_code == 302:
                return True
            response.failure(f"login refused: HTTP {response.status_code}")
            raise GiveUp("login POST")

    def propose_idea(self):
        self.think()
        page = self.get(STATE["pages"]["budget"], "budget page")
        self.think()
        self.think()  # writing the idea takes a while
        title = f"Idée de charge n° {self.index}"
        data = {
            "title": title, "description": "Des bancs et de l'ombre pour la place, pour tous les âges. " * 3,
            "council": "", "location": "Place du marché", "category": STATE["category"],
            "cost": str(1000 + self.index), "image_description": "", "csrfmiddlewaretoken": self.token(page),
        }
        # multipart, as the browser sends the form (an empty file input)
        with self.post(STATE["submit_idea"], "idea form POST", data,
                       files={"image": ("", b"", "application/octet-stream")}) as response:
            self._unsecure_cookies()
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/idees/" in location:
                record("ideas", {"resident": self.index, "user": self.me["user"], "title": title, "url": location,
                                 "status": "accepted"})
            else:
                status = "unanswered" if response.status_code == 0 else f"HTTP {response.status_code}"
                record("ideas", {"resident": self.index, "user": self.me["user"], "title": title, "status": status})
                response.failure(f"idea not accepted: {status}")
                raise GiveUp("idea form POST")
        self.get(location, "idea page (new)")

    def vote(self):
        contest = STATE["contest"]
        base = f"/vote/{contest}/"
        self.think()
        page = self.get(base, "contest page")
        prefix = f"roll{contest}"
        self.think()
        with self.post(f"{base}inscription/", "roll proof POST", {
            f"{prefix}-family_name": self.me["family"], f"{prefix}-birth_date": self.me["birth"],
            f"{prefix}-place": self.me["place"], "next": base, "csrfmiddlewaretoken": self.token(page),
        }) as response:
            self._unsecure_cookies()
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")
                raise GiveUp("roll proof POST")
        page = self.get(base, "contest page (ballot)")
        if 'name="ballot"' not in (page.text or ""):
            record("gave_up", {"resident": self.index, "role": self.role, "step": "ballot not offered after the roll proof"})
            return
        choice = self.me["choice"]
        self.think()  # choosing
        self.think()  # reviewing the choice on the page, which encrypts it
        try:
            response_cm = self.post(f"{base}voter/", "cast POST", {
                "ballot": self.me["ballot"], "tracker": self.me["tracker"], "next": base,
                "csrfmiddlewaretoken": self.token(page),
            })
        except Exception as error:  # noqa: BLE001 - the answer never came: the vote may or may not be in
            record("votes", {"resident": self.index, "user": self.me["user"], "status": "unanswered",
                             "error": repr(error)})
            raise
        with response_cm as response:
            self._unsecure_cookies()
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/recu/" in location:
                tracker = location.split("/recu/", 1)[1].split("/", 1)[0].split("?", 1)[0]
                record("votes", {"resident": self.index, "user": self.me["user"], "status": "accepted",
                                 "tracker": tracker, "choice": choice})
            else:
                status = "unanswered" if response.status_code == 0 else f"HTTP {response.status_code} {location}"
                record("votes", {"resident": self.index, "user": self.me["user"], "status": status})
                response.failure(f"vote not accepted: {status}")
                raise GiveUp("cast POST")
        receipt = self.get(location, "receipt")
        if tracker not in (receipt.text or ""):
            record("gave_up", {"resident": self.index, "role": self.role, "step": "receipt without its tracker"})
