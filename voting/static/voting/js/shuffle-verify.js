// Checking a proof of shuffle on the trustee's device, before it decrypts the shuffled ballots.
//
// A line-for-line port of voting/crypto/shuffle_verify.py and the hashes of
// shuffle_proof.py (the equations are in voting/crypto/shuffle.py): the same
// generators, the same Fiat-Shamir hashes through crypto.js's hashItems,
// the same recomputed announcements. Without it a server could slip one
// voter's own ballot among those the trustees decrypt.

import * as ec from "./crypto.js";

const sumPoints = (points) => points.reduce((total, point) => total.add(point), ec.IDENTITY);

/** h_0..h_count by try-and-increment on x (shuffle_proof.shuffle_generators). */
function generators(seed, count) {
  const points = [];
  for (let index = 0; index <= count; index += 1) {
    for (let counter = 0; ; counter += 1) {
      const candidate = new Uint8Array(ec.POINT_BYTES);
      candidate[0] = 2;
      candidate.set(ec.hashItems("shuffle/generator", seed, index, counter).subarray(0, 32), 1);
      try {
        points.push(ec.pointFromBytes(candidate));
        break;
      } catch (error) {
        if (!(error instanceof ec.DecodeError)) throw error;
      }
    }
  }
  return points;
}

function ballots(list, allowIdentity) {
  if (!Array.isArray(list)) throw new ec.DecodeError("ballots must be a list");
  const decoded = list.map((ballot) => {
    if (!Array.isArray(ballot)) throw new ec.DecodeError("a ballot must be a list");
    return ballot.map((c) => ec.ciphertextFromDict(c, { allowIdentity }));
  });
  if (new Set(decoded.map((b) => b.length)).size > 1) throw new ec.DecodeError("ballots of different widths");
  return decoded;
}

const KEYS = ["chain", "challenge", "commitments", "s1", "s2", "s3", "s4", "s_hat", "s_prime"];

function proofFromDict(data) {
  if (data === null || typeof data !== "object" || Object.keys(data).sort().join() !== KEYS.join()) {
    throw new ec.DecodeError("a proof of shuffle has exactly the keys " + KEYS.join(", "));
  }
  const points = (list) => list.map((p) => ec.pointFromHex(p));
  const scalars = (list) => list.map((s) => ec.scalarFromHex(s));
  return {
    commitments: points(data.commitments), chain: points(data.chain), challenge: ec.scalarFromHex(data.challenge),
    s1: ec.scalarFromHex(data.s1), s2: ec.scalarFromHex(data.s2), s3: ec.scalarFromHex(data.s3),
    s4: scalars(data.s4), sHat: scalars(data.s_hat), sPrime: scalars(data.s_prime),
  };
}

/** True iff the proof shows ``outputs`` is a re-encrypted permutation of ``inputs`` (JSON forms);
 *  false for anything malformed, as shuffle_verify.verify_shuffle_json. */
export function verifyShuffleJson(publicKey, inputsJson, outputsJson, proofJson, { generatorSeed, context }) {
  let inputs, outputs, proof;
  try {
    inputs = ballots(inputsJson, true);
    outputs = ballots(outputsJson, false);
    proof = proofFromDict(proofJson);
  } catch (error) {
    if (error instanceof ec.DecodeError || error instanceof TypeError || error instanceof RangeError) return false;
    throw error;
  }
  const count = inputs.length;
  if (count === 0 || publicKey.is0() || !generatorSeed) return false;
  const width = inputs[0].length;
  if (width === 0 || outputs.length !== count || outputs.some((b) => b.length !== width)) return false;
  if (!(proof.commitments.length === count && proof.chain.length === count && proof.sHat.length === count
        && proof.sPrime.length === count && proof.s4.length === width)) return false;
  const h = generators(generatorSeed, count);
  const statement = ec.hashItems("shuffle/statement", [
    context, ec.GENERATOR, publicKey, generatorSeed, count, width,
    ...inputs.flatMap((b) => b.flatMap((c) => [c.alpha, c.beta])),
    ...outputs.flatMap((b) => b.flatMap((c) => [c.alpha, c.beta])),
    ...proof.commitments,
  ]);
  const u = Array.from({ length: count }, (_, j) => ec.hashToScalar("shuffle/u", statement, j + 1));
  const c = proof.challenge;
  const productU = u.reduce((a, b) => (a * b) % ec.ORDER, 1n);
  const mul = ec.mulPublic;
  const t1 = ec.baseMul(proof.s1).add(mul(sumPoints(proof.commitments).subtract(sumPoints(h.slice(1))), c));
  const t2 = ec.baseMul(proof.s2).add(mul(proof.chain[count - 1].subtract(mul(h[0], productU)), c));
  const t3 = sumPoints([
    ec.baseMul(proof.s3),
    ...proof.sPrime.map((s, i) => mul(h[i + 1], s)),
    mul(sumPoints(proof.commitments.map((p, j) => mul(p, u[j]))), c),
  ]);
  const t4Alpha = [];
  const t4Beta = [];
  for (let k = 0; k < width; k += 1) {
    const inputAlpha = sumPoints(inputs.map((b, j) => mul(b[k].alpha, u[j])));
    const inputBeta = sumPoints(inputs.map((b, j) => mul(b[k].beta, u[j])));
    t4Alpha.push(sumPoints([...outputs.map((b, i) => mul(b[k].alpha, proof.sPrime[i])),
      ec.baseMul(ec.mod(-proof.s4[k])), mul(inputAlpha, c)]));
    t4Beta.push(sumPoints([...outputs.map((b, i) => mul(b[k].beta, proof.sPrime[i])),
      mul(publicKey, ec.mod(-proof.s4[k])), mul(inputBeta, c)]));
  }
  const chainBefore = [h[0], ...proof.chain.slice(0, -1)];
  const tHat = proof.chain.map((link, i) => sumPoints([
    ec.baseMul(proof.sHat[i]), mul(chainBefore[i], proof.sPrime[i]), mul(link, c)]));
  const expected = ec.hashToScalar("shuffle/challenge", statement, ...proof.chain,
    t1, t2, t3, ...t4Alpha, ...t4Beta, ...tHat);
  return expected === c;
}
