// Node side of tests/voting/test_js_crypto.py: runs the voter's ballot code
// (voting/static/voting/js/crypto.js) on vectors Python generated and writes
// what it computed; all the assertions are in Python.
//
// Usage: node tests/js/interop.mjs in.json out.json
//
// Scalars cross as hex, small integers as JSON numbers. Where Python drew
// random scalars (patched to a fixed sequence), the same sequence is handed to
// crypto.js through its `random` option, so the outputs must be identical.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import * as ec from "../../voting/static/voting/js/crypto.js";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node tests/js/interop.mjs in.json out.json");
  process.exit(2);
}
const vectors = JSON.parse(readFileSync(input, "utf8"));
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
const toHex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

/** A `random` option replaying Python's draws, counting how many were used. */
function replay(scalars) {
  const sequence = scalars.map((hex) => BigInt("0x" + hex));
  const random = () => {
    if (random.used >= sequence.length) throw new Error("more random scalars drawn than Python drew");
    return sequence[random.used++];
  };
  random.used = 0;
  return random;
}

/** Python's typed items, {"point"|"int"|"str"|"bytes": ...}, in crypto.js's explicit form. */
function item(spec) {
  if ("point" in spec) return { point: ec.pointFromHex(spec.point, { allowIdentity: true }) };
  if ("int" in spec) return { int: BigInt(spec.int) };
  if ("str" in spec) return { str: spec.str };
  return { bytes: fromHex(spec.bytes) };
}

/** crypto.js's parameters from the test's snake_case ContestParameters. */
const params = (p) => ({
  publicKey: p.public_key,
  nOptions: p.n_options,
  minChoices: p.min_choices,
  maxChoices: p.max_choices,
  blank: p.blank,
  context: p.context,
});

function outcome(run) {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error: `${error.name}: ${error.message}` };
  }
}

const results = {};

results.hashes = vectors.hashes.map(({ domain, items }) => {
  const typed = items.map(item);
  // The bare spelling (a Point, BigInt, string, Uint8Array) must hash the same.
  const bare = typed.map((spec) => Object.values(spec)[0]);
  return {
    digest: toHex(ec.hashItems(domain, typed)),
    bare: toHex(ec.hashItems(domain, ...bare)),
    scalar: ec.scalarToHex(ec.hashToScalar(domain, typed)),
  };
});

results.points = vectors.points.map(({ hex, allow_identity: allowIdentity }) =>
  outcome(() => ec.pointToHex(ec.pointFromHex(hex, { allowIdentity }))),
);
results.scalars = vectors.scalars.map(({ hex, nonzero }) => outcome(() => ec.scalarToHex(ec.scalarFromHex(hex, { nonzero }))));

results.encryptions = vectors.encryptions.map(({ public_key: key, message, nonce }) =>
  ec.ciphertextToDict(ec.encrypt(key, BigInt(message), BigInt("0x" + nonce))),
);

results.canonical_json = vectors.canonical_json.map((value) => ec.canonicalJson(value));

results.shapes = vectors.shapes.map(({ manifest, chosen }) => {
  const shape = ec.ballotShape(manifest);
  return { shape, vector: ec.choicesVector(shape, new Set(chosen)) };
});

// Python ballots with Python's random draws: same JSON, and each verifies and audits.
results.replayed_ballots = vectors.replayed_ballots.map(({ params: p, choices, random }) => {
  const draws = replay(random);
  const encrypted = ec.encryptBallot(params(p), choices, { random: draws });
  return { json: encrypted.json, tracker: encrypted.tracker, nonces: encrypted.nonces, draws: draws.used };
});

results.verified = vectors.verify.map(({ params: p, ballot }) => outcome(() => ec.verifyBallot(params(p), ballot)));

results.audits = vectors.audits.map(({ params: p, ballot, choices, nonces }) =>
  outcome(() => ec.auditBallot(params(p), ballot, choices, nonces)),
);

results.js_ballots = vectors.js_ballots.map(({ params: p, choices }) => {
  const started = performance.now();
  const encrypted = ec.encryptBallot(params(p), choices);
  const ms = performance.now() - started;
  const flipped = choices.map((choice, i) => (i === 0 ? 1 - choice : choice));
  return {
    ...encrypted,
    ms,
    verifies: ec.verifyBallot(params(p), JSON.parse(encrypted.json)),
    audit: ec.auditBallot(params(p), encrypted.ballot, choices, encrypted.nonces),
    audit_wrong_choice: ec.auditBallot(params(p), encrypted.ballot, flipped, encrypted.nonces),
    audit_wrong_nonces: ec.auditBallot(params(p), encrypted.ballot, choices, [...encrypted.nonces].reverse()),
  };
});

results.rejected_encryptions = vectors.rejected_encryptions.map(({ params: p, choices }) =>
  outcome(() => ec.encryptBallot(params(p), choices).json),
);

const threshold = vectors.threshold;
results.threshold = {
  verification_keys: threshold.public.commitments.length
    ? Array.from({ length: threshold.public.trustees }, (_, i) =>
        ec.pointToHex(ec.verificationKey(threshold.public.commitments, i + 1)),
      )
    : [],
  replayed: ec.partialDecrypt(
    threshold.share.trustee,
    threshold.share.value,
    threshold.public,
    threshold.sums,
    threshold.context,
    { random: replay(threshold.random) },
  ),
  fresh: ec.partialDecrypt(threshold.share.trustee, threshold.share.value, threshold.public, threshold.sums, threshold.context),
  wrong_share: outcome(() =>
    ec.partialDecrypt(threshold.share.trustee, threshold.wrong_value, threshold.public, threshold.sums, threshold.context),
  ),
  verify_python: threshold.python_partials.map((partial) =>
    ec.verifyPartialDecryption(partial, threshold.public, threshold.sums, threshold.context),
  ),
};

writeFileSync(output, JSON.stringify(results));
