"""Ballot encryption in the voter's browser (``voting/static/voting/js/crypto.js``).

Serves ``voting/static/voting/`` from a local ``http.server`` on 127.0.0.1,
opens it in headless Chromium (Playwright driving Debian's ``/usr/bin/chromium``),
imports ``crypto.js`` as an ES module and encrypts a ballot of a 12-candidate,
3-seat contest with a blank slot ``--runs`` times; then the same in Node for
comparison. Prints, per engine, the one-off building of the multiplication
tables (``preparePublicKey``, which the ballot page runs when it loads), the
first ballot (cold JIT), the median and mean of the next ones, and one
verification. Target: well under 300 ms per ballot in Chromium.

    .venv/bin/python bench/js_encrypt.py [--runs 20]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "voting" / "static" / "voting"
CHROMIUM = "/usr/bin/chromium"

# One measurement, run unchanged by Chromium (page.evaluate) and by Node.
MEASURE = """
async (moduleUrl, runs) => {
  const ec = await import(moduleUrl);
  const now = () => performance.now();
  const key = ec.pointToHex(ec.baseMul(ec.randomScalar()));
  const params = { publicKey: key, nOptions: 12, minChoices: 1, maxChoices: 3, blank: true, context: "ab".repeat(32) };
  const choices = ec.choicesVector({ nOptions: 12, blank: true }, new Set([0, 4, 7]));
  let started = now();
  ec.preparePublicKey(key);  // what the ballot page does when it loads
  const prepare = now() - started;
  started = now();
  let encrypted = ec.encryptBallot(params, choices);
  const first = now() - started;
  const times = [];
  for (let i = 0; i < runs; i++) {
    started = now();
    encrypted = ec.encryptBallot(params, choices);
    times.push(now() - started);
  }
  started = now();
  const valid = ec.verifyBallot(params, JSON.parse(encrypted.json));
  const verify = now() - started;
  return { prepare, first, times, verify, valid, bytes: encrypted.json.length };
}
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve() -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(STATIC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def in_chromium(runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    server, base = _serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = browser.new_page()
                page.goto(f"{base}/js/")  # same origin as the module
                result = page.evaluate(f"({MEASURE})('{base}/js/crypto.js', {runs})")
                result["engine"] = f"Chromium {browser.version}"
            finally:
                browser.close()
    finally:
        server.shutdown()
    return result


def in_node(runs: int) -> dict:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH")
    url = (STATIC / "js" / "crypto.js").as_uri()
    script = f"const measure = {MEASURE};\nconsole.log(JSON.stringify(await measure({json.dumps(url)}, {runs})));"
    run = subprocess.run(
        [node, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {**json.loads(run.stdout), "engine": f"Node {version}"}


def report(result: dict) -> str:
    times = sorted(result["times"])
    middle = len(times) // 2
    median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
    mean = sum(times) / len(times)
    if not result["valid"]:
        raise SystemExit(f"{result['engine']}: the encrypted ballot does not verify")
    return (
        f"{result['engine']:<22} tables {result['prepare']:6.1f} ms  first {result['first']:6.1f} ms  "
        f"median {median:6.1f} ms  mean {mean:6.1f} ms  min {times[0]:6.1f}  max {times[-1]:6.1f}  "
        f"verify {result['verify']:6.1f} ms  ({len(times)} ballots of {result['bytes']} bytes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=20, help="ballots timed after the first (default 20)"
    )
    args = parser.parse_args()
    print(
        "12 candidates, 3 seats, blank slot (13 ciphertexts, 13 0/1 proofs, a 3-branch sum proof)"
    )
    print(report(in_chromium(args.runs)))
    print(report(in_node(args.runs)))


if __name__ == "__main__":
    main()
