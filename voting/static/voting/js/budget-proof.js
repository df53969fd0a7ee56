// Projects within an envelope: the ballot's budget proof, on the voter's device.
//
// A port of the envelope part of voting/crypto/ballot.py (_statement with its budget items,
// _budget_contexts, _budget_zero, _prove_budget) and of manifest.ballot_parameters, on top of
// crypto.js's exported primitives; crypto.js's encryptBallot knows no envelope. The Python code is
// the specification: a ballot made here must pass verify_ballot with ballot_parameters(manifest, ...)
// (tests/voting/test_js_budget_proof.py checks it in Node, tests/e2e/test_ballot_encryption.py in
// the browser). Once crypto.js proves envelopes itself, ballot.js can call it directly.
//
// What is proven: the slack envelope - sum(cost_i * m_i) is encrypted bit by bit (L =
// envelope.bitLength bits, each proven 0 or 1), and Enc(envelope) - sum(cost_i * c_i) -
// sum(2^l * bit_l) is proven to encrypt 0; the chosen projects then cost at most the envelope.
import * as crypto from "./crypto.js";

const KNAPSACK = "knapsack";
const LIMIT = 1n << 64n;

const bitLength = (value) => value.toString(2).length;

/** manifest.ballot_parameters: the shape, the key and the context, plus costs and envelope for projects. */
export function ballotParameters(manifest, context) {
  const shape = crypto.ballotShape(manifest);
  const params = {
    publicKey: crypto.thresholdPublicKey(manifest.public_key).publicKey,
    nOptions: shape.nOptions, minChoices: shape.minChoices, maxChoices: shape.maxChoices,
    blank: shape.blank, context,
  };
  if (manifest.rule === KNAPSACK && manifest.format !== "parvis-manifest/1") {
    params.costs = manifest.options.map((option) => BigInt(option.cost));
    params.envelope = BigInt(manifest.envelope);
  }
  return params;
}

function checkBudget(params) {
  const { envelope, costs } = params;
  if (typeof envelope !== "bigint" || envelope <= 0n || envelope >= LIMIT) {
    throw new RangeError("the envelope must be a positive integer below 2^64");
  }
  if (!Array.isArray(costs) || costs.length !== params.nOptions
      || costs.some((cost) => typeof cost !== "bigint" || cost < 0n || cost >= LIMIT)) {
    throw new RangeError("an envelope needs one integer cost per option, each below 2^64");
  }
}

const add = (a, b) => ({ alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) });
// Costs and powers of two are public: the faster multiplication is safe here.
const scale = (c, k) => ({ alpha: crypto.mulPublic(c.alpha, k), beta: crypto.mulPublic(c.beta, k) });
const points = (ciphertexts) => ciphertexts.flatMap((c) => [c.alpha, c.beta]);

/** ballot._statement with the budget items: the envelope, every cost and every bit's points. */
function statement(p, publicKey, ciphertexts, bits) {
  return crypto.hashItems("ballot/statement", [
    p.context, publicKey, p.nOptions, p.minChoices, p.maxChoices, p.blank ? 1 : 0,
    ...points(ciphertexts), p.envelope, ...p.costs, ...points(bits),
  ]);
}

/** ballot._budget_zero: Enc(envelope; 0) - sum(cost_i * c_i) - sum(2^l * bit_l). */
function budgetZero(p, ciphertexts, bits) {
  let spent = { alpha: crypto.IDENTITY, beta: crypto.IDENTITY };
  ciphertexts.slice(0, p.nOptions).forEach((c, i) => { if (p.costs[i]) spent = add(spent, scale(c, p.costs[i])); });
  bits.forEach((bit, level) => { spent = add(spent, scale(bit, 1n << BigInt(level))); });
  return add({ alpha: crypto.IDENTITY, beta: crypto.baseMul(p.envelope) }, scale(spent, crypto.ORDER - 1n));
}

function draw(random) {
  const value = random();
  if (typeof value !== "bigint" || value <= 0n || value >= crypto.ORDER) {
    throw new RangeError("random scalars must be BigInts in [1, n-1]");
  }
  return value;
}

/**
 * Encrypt a ballot of a contest with an envelope (ballot.encrypt_ballot_with_nonces with costs):
 * {ballot, json, tracker, nonces} like crypto.encryptBallot, the ballot carrying its budget_proof.
 * Contests without an envelope go to crypto.encryptBallot unchanged.
 */
export function encryptBallot(params, choices, { random = crypto.randomScalar } = {}) {
  if (params.envelope === undefined || params.envelope === null) return crypto.encryptBallot(params, choices, { random });
  checkBudget(params);
  const p = { ...crypto.contestParameters(params), costs: params.costs, envelope: params.envelope };
  if (!Array.isArray(choices) || choices.length !== p.nSlots || choices.some((m) => m !== 0 && m !== 1)) {
    throw new RangeError(`expected ${p.nSlots} choices, each 0 or 1`);
  }
  const values = choices.map(BigInt);
  const weighted = (v) => v.slice(0, p.nOptions).reduce((a, b) => a + b, 0n) + (p.blank ? BigInt(p.maxChoices) * v[p.nOptions] : 0n);
  const total = weighted(values);
  if (total < BigInt(p.minChoices) || total > BigInt(p.maxChoices)) {
    throw new RangeError(`allowed: between ${p.minChoices} and ${p.maxChoices} choices${p.blank ? ", or a blank vote alone" : ""}`);
  }
  const spent = values.slice(0, p.nOptions).reduce((sum, m, i) => sum + m * p.costs[i], 0n);
  if (spent > p.envelope) throw new RangeError(`the chosen projects cost ${spent}, more than the envelope ${p.envelope}`);
  const key = p.publicKey;

  // Python's order of random draws: the slots' nonces, the slack's bits and their proofs, the zero
  // proof, then the choice proofs and the sum proof.
  const nonces = values.map(() => draw(random));
  const ciphertexts = values.map((m, i) => crypto.encrypt(key, m, nonces[i]));
  const slack = p.envelope - spent;
  const levels = bitLength(p.envelope);
  const bitValues = Array.from({ length: levels }, (_, level) => (slack >> BigInt(level)) & 1n);
  const bitNonces = bitValues.map(() => draw(random));
  const bits = bitValues.map((b, level) => crypto.encrypt(key, b, bitNonces[level]));
  const proofStatement = statement(p, key, ciphertexts, bits);
  const bitProofs = bits.map((c, level) => crypto.proveRange(
    key, c, bitValues[level], bitNonces[level], 0n, 1n,
    crypto.hashItems("ballot/budget-bit", proofStatement, level), { random },
  ));
  let zeroNonce = 0n;
  p.costs.forEach((cost, i) => { zeroNonce += cost * nonces[i]; });
  bitNonces.forEach((r, level) => { zeroNonce += (1n << BigInt(level)) * r; });
  const zeroProof = crypto.proveRange(
    key, budgetZero(p, ciphertexts, bits), 0n, crypto.mod(-zeroNonce), 0n, 0n,
    crypto.hashItems("ballot/budget-zero", proofStatement), { random },
  );
  const choiceProofs = ciphertexts.map((c, i) => crypto.proveRange(
    key, c, values[i], nonces[i], 0n, 1n, crypto.hashItems("ballot/choice", proofStatement, i), { random },
  ));
  let sumCiphertext = ciphertexts.slice(0, p.nOptions).reduce(add, { alpha: crypto.IDENTITY, beta: crypto.IDENTITY });
  if (p.blank) sumCiphertext = add(sumCiphertext, scale(ciphertexts[p.nOptions], BigInt(p.maxChoices)));
  const sumProof = crypto.proveRange(
    key, sumCiphertext, total, crypto.mod(weighted(nonces)), p.minChoices, p.maxChoices,
    crypto.hashItems("ballot/sum", proofStatement), { random },
  );

  const encodeProof = (proof) => proof.map(crypto.proofToDict);
  const ballot = {
    ciphertexts: ciphertexts.map(crypto.ciphertextToDict),
    choice_proofs: choiceProofs.map(encodeProof),
    sum_proof: encodeProof(sumProof),
    budget_proof: {
      bits: bits.map(crypto.ciphertextToDict), bit_proofs: bitProofs.map(encodeProof), zero_proof: encodeProof(zeroProof),
    },
  };
  const json = crypto.canonicalJson(ballot);
  return { ballot, json, tracker: crypto.ballotTracker(json), nonces: nonces.map(crypto.scalarToHex) };
}
