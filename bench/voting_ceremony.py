"""The trustees' key ceremony and decryption, on their devices and on the server, against one scalar multiplication.

    .venv/bin/python bench/voting_ceremony.py [--ballots 1000000] [--pool 2000] [--no-chromium] [--keep-db]

Method. A fresh database (``parvis_bench_ceremony``) gets the migrations;
the rest runs in one Django-configured subprocess (``--step run``,
production settings). A single-choice contest (3 options + blank) gets 5
trustees, threshold 3, and an officer starts its key ceremony
(``ceremony.start_key_ceremony``). Each trustee's device is played by one
of three engines, each doing exactly what a real device does with the task
the server hands out (``ceremony.ceremony_task``):

* Python (``voting.trustee.steps``, the offline command's code): trustees 1, 2;
* Node 20 running the browser module ``voting/static/voting/js/trustee-core.js``: trustee 3;
* headless Chromium (Debian's, driven by Playwright) importing the same
  module from a local ``http.server``: trustees 4, 5 (``--no-chromium``: Node).

Per step (certificate, polynomial, check) and trustee: the device's time
(the certificate step includes sealing the key file with the default
600,000 PBKDF2 iterations; the other steps first open the key file, timed
apart) and the server's (``ceremony_task`` to build the task,
``submit_ceremony_answer`` to verify and store the answer; the last
confirmation also seals the contest, timed apart).

Then the box is filled as ``bench/voting_count.py`` does (``seed_box``:
``--ballots`` rows by COPY from a pool of real ballots, chain, running sums,
vote closed), and every trustee decrypts the totals: the server's
``decryption_task`` (the first closes the box), the device's partial
decryption with its proof (same engines), the server's check
(``submit_partial_decryption``); then ``count_contest`` (chain
verification, combination, discrete logs), whose counts must equal the
ballots loaded.

Baselines in the same run: one scalar multiplication and one SHA-256 of 64
bytes, in Python (coincurve) and in each JavaScript engine (crypto.js's
constant-time multiplication, noble's SHA-256); every device figure is also
given in its own engine's scalar multiplications. Loopback only; every loop
is bounded by the trustee and ballot counts.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (
    ADMIN_URL,
    ROOT,
    create_database,
    database_url,
    drop_database,
    migrate,
    peak_rss_mib,
    production_env,
    run_streaming,
)

DATABASE = "parvis_bench_ceremony"
STATIC = ROOT / "voting" / "static" / "voting"
CHROMIUM = "/usr/bin/chromium"
PASSPHRASE = "bench passphrase, never for a real vote"
TRUSTEES, THRESHOLD = 5, 3
STEPS = ("certificate", "polynomial", "check")

# One request handler, run unchanged by Node and by Chromium: `core` is trustee-core.js, `noble` the vendored bundle.
RUN = """
async (core, ec, noble, request) => {
  const now = () => performance.now();
  if (request.op === "baseline") {
    const point = ec.baseMul(ec.randomScalar());
    const scalar = ec.randomScalar();
    ec.mul(point, scalar);
    let started = now();
    for (let i = 0; i < request.mults; i++) ec.mul(point, scalar);
    const mult = (now() - started) / request.mults;
    const data = new Uint8Array(64);
    started = now();
    for (let i = 0; i < request.hashes; i++) noble.sha256(data);
    return { mult, sha256: (now() - started) / request.hashes };
  }
  if (request.op === "newKeys") {
    const started = now();
    const { keyFile, answer } = await core.newKeys(request.task, request.passphrase);
    return { keyFile, answer, ms: now() - started };
  }
  if (request.op === "answer") {
    let started = now();
    const secrets = await core.openKeyFile(request.keyFile, request.passphrase,
                                           { ceremony: request.task.ceremony, trustee: request.task.trustee });
    const openMs = now() - started;
    started = now();
    const answer = await core.answer(request.task, secrets);
    return { answer, openMs, ms: now() - started };
  }
  throw new Error(`unknown operation ${request.op}`);
}
"""


class NodeDevice:
    """A Node process running trustee-core.js: one JSON request per line in, one reply per line out."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise SystemExit("node is not on PATH")
        core = (STATIC / "js" / "trustee-core.js").as_uri()
        crypto = (STATIC / "js" / "crypto.js").as_uri()
        noble = (STATIC / "vendor" / "noble.js").as_uri()
        script = f"""
import {{ createInterface }} from "node:readline";
const core = await import({json.dumps(core)});
const ec = await import({json.dumps(crypto)});
const noble = await import({json.dumps(noble)});
const run = {RUN};
for await (const line of createInterface({{ input: process.stdin, crlfDelay: Infinity }})) {{
  if (!line.trim()) continue;
  try {{
    process.stdout.write(JSON.stringify({{ ok: true, result: await run(core, ec, noble, JSON.parse(line)) }}) + "\\n");
  }} catch (error) {{
    process.stdout.write(JSON.stringify({{ ok: false, error: String(error.stack ?? error) }}) + "\\n");
  }}
}}
"""
        self.process = subprocess.Popen([node, "--input-type=module", "-e", script], cwd=ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
        self.engine = f"Node {version}"

    def __call__(self, request: dict) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        if not reply["ok"]:
            raise RuntimeError(f"{self.engine}: {reply['error']}")
        return reply["result"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class ChromiumDevice:
    """Headless Chromium with trustee-core.js imported from a local http.server (same origin, a secure context)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise SystemExit(f"{CHROMIUM} is missing (or run with --no-chromium)")
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(STATIC)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        self.page = self.browser.new_page()
        self.page.goto(f"{base}/js/")
        self.function = (
            f"async (request) => {{ const core = await import('{base}/js/trustee-core.js'); "
            f"const ec = await import('{base}/js/crypto.js'); const noble = await import('{base}/vendor/noble.js'); "
            f"return ({RUN})(core, ec, noble, request); }}"
        )
        self.engine = f"Chromium {self.browser.version}"

    def __call__(self, request: dict) -> dict:
        return self.page.evaluate(self.function, request)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()
        self.server.shutdown()


class PythonDevice:
    """``voting.trustee.steps`` in this process, as the offline command (``python -m voting.trustee``) runs it."""

    engine = f"Python {sys.version.split()[0]}"

    def __call__(self, request: dict) -> dict:
        from voting.trustee import keyfile, steps

        if request["op"] == "newKeys":
            started = time.perf_counter()
            key_file, answer = steps.new_keys(request["task"], request["passphrase"])
            return {"keyFile": key_file, "answer": answer, "ms": 1000 * (time.perf_counter() - started)}
        started = time.perf_counter()
        secrets = keyfile.open_key_file(request["keyFile"], request["passphrase"], ceremony=request["task"]["ceremony"],
                                        trustee=request["task"]["trustee"])
        open_ms = 1000 * (time.perf_counter() - started)
        started = time.perf_counter()
        answer = steps.answer(request["task"], secrets)
        return {"answer": answer, "openMs": open_ms, "ms": 1000 * (time.perf_counter() - started)}

    def close(self) -> None:
        pass


def python_baseline() -> dict:
    """One coincurve scalar multiplication and one SHA-256 of 64 bytes, in ms."""
    from coincurve import PublicKey

    from voting.crypto.group import base_mul, random_scalar

    point = PublicKey(base_mul(random_scalar()).to_bytes())
    scalar = random_scalar().to_bytes(32, "big")
    started = time.perf_counter()
    for _ in range(2000):
        point.multiply(scalar)
    mult = (time.perf_counter() - started) / 2000
    data = b"\x00" * 64
    started = time.perf_counter()
    for _ in range(200_000):
        hashlib.sha256(data).digest()
    return {"mult": 1000 * mult, "sha256": 1000 * (time.perf_counter() - started) / 200_000}


def timed(function):
    started = time.perf_counter()
    result = function()
    return 1000 * (time.perf_counter() - started), result


def step_run(args) -> None:
    import os

    import django

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse every query.
    # Nothing here is async: the bench's own queries and the browser's calls alternate in one thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    django.setup()
    from bench._support import draft_contest, open_now
    from bench.voting_count import seed_box, trustee_users
    from voting.models import Contest
    from voting.services import ceremony, counting

    devices: dict[str, object] = {"python": PythonDevice(), "node": NodeDevice()}
    if args.chromium:
        devices["chromium"] = ChromiumDevice()
    engine_of = {1: "python", 2: "python", 3: "node", 4: "chromium" if args.chromium else "node",
                 5: "chromium" if args.chromium else "node"}
    ok = True
    try:
        baselines = {"python": python_baseline()}
        for name in ("node", "chromium"):
            if name in devices:
                devices[name]({"op": "baseline", "mults": 20, "hashes": 200})  # warm the JIT
                baselines[name] = devices[name]({"op": "baseline", "mults": 300, "hashes": 20_000})
        print("baselines (same run): one scalar multiplication / one SHA-256 of 64 bytes")
        for name, base in baselines.items():
            print(f"  {getattr(devices[name], 'engine', name):<28}{base['mult']:8.3f} ms{1000 * base['sha256']:10.2f} us")
        py = baselines["python"]

        def in_mults(ms: float, engine: str = "python") -> str:
            return f"{ms / baselines[engine]['mult']:,.0f} mults"

        contest = draft_contest("Bench ceremony", trustee_users(TRUSTEES), threshold=THRESHOLD,
                                eligibility=Contest.Eligibility.RESIDENTS)
        ms, contest = timed(lambda: ceremony.start_key_ceremony(contest=contest))
        print(f"\nkey ceremony: {TRUSTEES} trustees, threshold {THRESHOLD}; start_key_ceremony (server) {ms:.1f} ms")
        print("  trustee " + ", ".join(f"{i}: {devices[engine_of[i]].engine}" for i in range(1, TRUSTEES + 1)))
        trustees = list(contest.trustees.order_by("index"))
        key_files: dict[int, dict] = {}
        rows: list[dict] = []  # {step, trustee, engine, device_ms, open_ms, task_ms, submit_ms, outcome}
        for step in STEPS:
            for trustee in trustees:
                trustee.refresh_from_db()
                task_ms, task = timed(lambda t=trustee: ceremony.ceremony_task(trustee=t))
                assert task is not None and task["step"] == step, (trustee.index, task and task["step"], step)
                device = devices[engine_of[trustee.index]]
                if step == "certificate":
                    reply = device({"op": "newKeys", "task": task, "passphrase": PASSPHRASE})
                    key_files[trustee.index] = reply["keyFile"]
                else:
                    reply = device({"op": "answer", "task": task, "keyFile": key_files[trustee.index],
                                    "passphrase": PASSPHRASE})
                submit_ms, outcome = timed(lambda t=trustee, a=reply["answer"]: ceremony.submit_ceremony_answer(
                    trustee=t, user=t.user, answer=a))
                rows.append({"step": step, "trustee": trustee.index, "engine": engine_of[trustee.index],
                             "device_ms": reply["ms"], "open_ms": reply.get("openMs"), "task_ms": task_ms,
                             "submit_ms": submit_ms, "outcome": outcome})
        contest.refresh_from_db()
        sealed = contest.is_sealed and rows[-1]["outcome"] == "sealed"
        ok &= sealed
        print(f"  {'step':<12}{'trustee':>8}  {'device':<10}{'device ms':>11}{'(mults)':>14}{'open key file':>15}"
              f"{'server task':>13}{'server check':>14}  outcome")
        for row in rows:
            opened = f"{row['open_ms']:.0f} ms" if row["open_ms"] is not None else "-"
            print(f"  {row['step']:<12}{row['trustee']:>8}  {row['engine']:<10}{row['device_ms']:>9.1f} ms"
                  f"{in_mults(row['device_ms'], row['engine']):>14}{opened:>15}{row['task_ms']:>10.1f} ms"
                  f"{row['submit_ms']:>11.1f} ms  {row['outcome']}")
        print("  per step, mean device seconds by engine (excluding the key file's PBKDF2 where it is opened), "
              "and the server's seconds per answer (task + check)")
        summary = {}
        for step in STEPS:
            by_engine = {}
            for engine in devices:
                values = [r["device_ms"] for r in rows if r["step"] == step and r["engine"] == engine]
                if values:
                    by_engine[engine] = statistics.mean(values)
            server = [r["task_ms"] + r["submit_ms"] for r in rows if r["step"] == step
                      and r["outcome"] != "sealed"]
            summary[step] = {"device_ms": by_engine, "server_ms": statistics.mean(server)}
            print(f"    {step:<12}" + ", ".join(
                f"{engine} {ms / 1000:.3f} s ({in_mults(ms, engine)})" for engine, ms in by_engine.items())
                + f"; server {statistics.mean(server) / 1000:.4f} s ({in_mults(statistics.mean(server))})")
        opens = {engine: statistics.mean(r["open_ms"] for r in rows if r["engine"] == engine and r["open_ms"] is not None)
                 for engine in devices if any(r["engine"] == engine and r["open_ms"] is not None for r in rows)}
        print("    opening the key file (600,000 PBKDF2-SHA256 iterations): "
              + ", ".join(f"{engine} {ms / 1000:.2f} s" for engine, ms in opens.items()))
        seal_row = rows[-1]
        print(f"    last confirmation + seal (server): {seal_row['submit_ms']:.1f} ms ({in_mults(seal_row['submit_ms'])}); "
              f"whole ceremony on the server: {sum(r['task_ms'] + r['submit_ms'] for r in rows) / 1000:.2f} s")
        print(f"  contest sealed: {sealed}", flush=True)

        # The box, then every trustee decrypts the totals.
        contest = open_now(contest)
        n = args.ballots
        print(f"\nballot box: {n:,} ballots (seed_box of bench/voting_count.py)", flush=True)
        seeded = seed_box(contest, ballots=n, pool_size=args.pool, rng=random.Random(2028))
        print(f"\ndecryption of the totals ({seeded['n_slots']} sums) by every trustee")
        print(f"  {'trustee':>8}  {'device':<10}{'server task':>13}{'device ms':>11}{'(mults)':>14}{'open key file':>15}"
              f"{'server check':>14}")
        decrypt_rows = []
        for trustee in contest.trustees.order_by("index"):
            task_ms, task = timed(lambda t=trustee: counting.decryption_task(trustee=t))
            device = devices[engine_of[trustee.index]]
            reply = device({"op": "answer", "task": task, "keyFile": key_files[trustee.index], "passphrase": PASSPHRASE})
            check_ms, _ = timed(lambda t=trustee, a=reply["answer"]: counting.submit_partial_decryption(
                trustee=t, user=t.user, answer=a))
            decrypt_rows.append({"trustee": trustee.index, "engine": engine_of[trustee.index], "task_ms": task_ms,
                                 "device_ms": reply["ms"], "open_ms": reply["openMs"], "check_ms": check_ms})
            print(f"  {trustee.index:>8}  {engine_of[trustee.index]:<10}{task_ms:>10.1f} ms{reply['ms']:>9.1f} ms"
                  f"{in_mults(reply['ms'], engine_of[trustee.index]):>14}{reply['openMs']:>12.0f} ms"
                  f"{check_ms:>11.1f} ms  ({in_mults(check_ms)})", flush=True)
        count_ms, result = timed(lambda: counting.count_contest(contest=Contest.objects.get(pk=contest.pk)))
        shape_options = contest.manifest["options"]
        got = [result.online_counts[str(o["id"])] for o in shape_options] + [result.online_blank]
        counts_ok = got == seeded["expected"] and result.online_ballots == n
        ok &= counts_ok
        print(f"  count_contest (server: chain of {n:,} ballots, combination of the {len(decrypt_rows)} partial decryptions, "
              f"discrete logs): {count_ms / 1000:.2f} s; counts {got} {'==' if counts_ok else '!='} loaded "
              f"{seeded['expected']}")
        for engine in devices:
            values = [r["device_ms"] for r in decrypt_rows if r["engine"] == engine]
            if values:
                print(f"    partial decryption on the device, {engine}: {statistics.mean(values) / 1000:.3f} s "
                      f"({in_mults(statistics.mean(values), engine)})")
        first, others = decrypt_rows[0], decrypt_rows[1:]
        print(f"    server: first decryption_task (closes the box) {first['task_ms'] / 1000:.2f} s, the others "
              f"{statistics.mean(r['task_ms'] for r in others):.1f} ms; checking a partial decryption "
              f"{statistics.mean(r['check_ms'] for r in decrypt_rows):.1f} ms "
              f"({in_mults(statistics.mean(r['check_ms'] for r in decrypt_rows))}); count {count_ms / 1000:.2f} s")
        print(f"peak RSS of the run: {peak_rss_mib():.0f} MiB; python baseline {py['mult']:.3f} ms per mult")
    finally:
        for device in devices.values():
            device.close()
    print(json.dumps({"ok": bool(ok)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=2000, help="real ballots encrypted and reused")
    parser.add_argument("--chromium", action=argparse.BooleanOptionalAction, default=True,
                        help="trustees 4 and 5 in headless Chromium (else in Node)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--step", choices=["run"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "run":
        step_run(args)
        return
    if not 1 <= args.ballots <= 5_000_000 or not 1 <= args.pool <= 100_000:
        parser.error("--ballots in [1, 5e6], --pool in [1, 1e5]")
    env = production_env(database_url(args.admin_url, DATABASE))
    create_database(args.admin_url, DATABASE)
    ok = False
    try:
        migrate(env)
        argv = [sys.executable, str(Path(__file__).resolve()), "--step", "run", "--ballots", str(args.ballots),
                "--pool", str(args.pool), "--chromium" if args.chromium else "--no-chromium"]
        ok = run_streaming(env, argv)
    finally:
        if args.keep_db:
            print(f"kept database {DATABASE}")
        else:
            drop_database(args.admin_url, DATABASE)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
