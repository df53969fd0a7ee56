// Node side of tests/voting/test_js_trustee.py: runs the trustee's device code
// (voting/static/voting/js/trustee-core.js) on requests from pytest.
//
// One JSON request per line on stdin, {"id", "op", ...}; one JSON reply per
// line on stdout: {"id", "ok": true, "result", "ms"} or {"id", "ok": false,
// "code", "message", "trustee"}. Secrets cross the pipe as hex, since the
// tests compare them with Python's.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

import * as core from "../../voting/static/voting/js/trustee-core.js";

const hex = (value) => value.toString(16).padStart(64, "0");
const secretsToJson = (s) => ({ trustee: s.trustee, signing: hex(s.signing), encryption: hex(s.encryption) });
const secretsFromJson = (s) => ({ trustee: s.trustee, signing: BigInt("0x" + s.signing), encryption: BigInt("0x" + s.encryption) });

const operations = {
  canonicalJson: async ({ value }) => core.canonicalJson(value),
  newKeys: async ({ task, passphrase, iterations }) =>
    core.newKeys(task, passphrase, iterations === undefined ? {} : { iterations }),
  seal: async ({ secrets, ceremony, passphrase, label, iterations }) =>
    core.sealKeyFile(secretsFromJson(secrets), { ceremony, passphrase, label, iterations }),
  open: async ({ document, passphrase, ceremony, trustee }) =>
    secretsToJson(await core.openKeyFile(document, passphrase, { ceremony, trustee })),
  // What the page does: open the key file for this task, then answer it.
  // `anyTrustee`: open the file for the task's ceremony only, to test answer()'s own check of the trustee.
  answer: async ({ task, keyFile, passphrase, anyTrustee }) => {
    const expected = anyTrustee ? { ceremony: task.ceremony } : { ceremony: task.ceremony, trustee: task.trustee };
    const secrets = await core.openKeyFile(keyFile, passphrase, expected);
    const started = performance.now();
    const answer = await core.answer(task, secrets);
    return { answer, answerMs: performance.now() - started };
  },
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  const started = performance.now();
  let reply;
  try {
    const operation = operations[request.op];
    if (!operation) throw new Error(`unknown operation ${request.op}`);
    const result = await operation(request);
    reply = { id: request.id, ok: true, result, ms: performance.now() - started };
  } catch (error) {
    reply = {
      id: request.id, ok: false, code: error.code ?? null, message: String(error.message ?? error),
      trustee: error.trustee ?? null, stack: error.code ? null : String(error.stack),
    };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
