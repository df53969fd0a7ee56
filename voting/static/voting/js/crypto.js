// Ballot encryption on the voter's own device: a port of voting/crypto/
// (group.py, elgamal.py, proofs.py, ballot.py, the trustee side of
// threshold.py) and of ballot_shape / choices_vector in voting/manifest.py.
//
// The Python code is the specification. Everything here produces and accepts
// exactly its encodings: hash_items framing, canonical hex, compact proofs and
// the canonical ballot JSON, so a ballot encrypted here is byte for byte what
// Ballot.to_json() would serialize and its tracker is Ballot.hash. With the
// same random scalars (the `random` option) the output equals Python's; the
// interop tests (tests/voting/test_js_crypto.py) check that in both directions.
//
// Runs unchanged in browsers and in Node 20 as an ES module. Its only import is
// the vendored noble bundle (../vendor/noble.js, see its README). Randomness:
// globalThis.crypto.getRandomValues. Scalars are BigInts; points are noble
// secp256k1 Point objects, the identity being Point.ZERO (encoded "00").
//
// Speed. What a ballot costs is its scalar multiplications by G and by the
// election public key Y: per slot 4 by G and 3 by Y (noble's constant-time
// multiply on 6-bit precomputed tables, ~0.7 ms each in Node 20, less in
// Chromium); the blank slot's weighting and verification use the faster
// variable-time code, on public values only. Measured with bench/js_encrypt.py
// for a 12-candidate, 3-seat contest with a blank slot (13 ciphertexts, 13
// 0/1 proofs, a 3-branch sum proof), on the shared 2-core development machine
// while other test suites ran (load 5-8), so the ranges are wide:
//   headless Chromium 156: median 29-75 ms per ballot (min 24 ms); 26-34 ms
//     once for the tables (preparePublicKey, run it when the page loads); the
//     first ballot 57-198 ms (cold JIT); verifying one 48-141 ms;
//   Node 20.20: median 100-215 ms loaded, 75-87 ms on a quieter machine.
//
// Side channels: the nonces are multiplied with noble's constant-time
// multiply(), but BigInt arithmetic on them (reductions, the proofs'
// responses) is not constant time, as in the Python reference. An attacker who
// can time a voter's device precisely at the moment of voting is out of scope.

import { bytesToHex, secp256k1, sha256, sha512 } from "../vendor/noble.js";

export const Point = secp256k1.Point;

/** Order n of the secp256k1 group; scalars live in Z/nZ. */
export const ORDER = Point.Fn.ORDER;
export const GENERATOR = Point.BASE;
export const IDENTITY = Point.ZERO;

export const SCALAR_BYTES = 32;
export const POINT_BYTES = 33;
/** Upper bound on options per contest (ballot.py MAX_OPTIONS). */
export const MAX_OPTIONS = 1000;
/** Upper bound on ciphertexts per ballot: every option plus the blank slot. */
export const MAX_SLOTS = MAX_OPTIONS + 1;
/** Upper bound on trustees (threshold.py MAX_TRUSTEES). */
export const MAX_TRUSTEES = 1000;

const DOMAIN_PREFIX = "parvis/v1/";
const RANGE_DOMAIN = "proof/range";
const EQUAL_LOGS_DOMAIN = "proof/equal-logs";
// Window of the public key's table. Measured in Node 20 (multiply / building the table):
// 4 bits 1.7 ms / 30 ms, 6 bits 0.74 ms / 27 ms, 8 bits 0.69 ms / 72 ms, 10 bits 0.66 ms / 490 ms.
// G keeps noble's own table (6 bits, built when the module loads).
const PUBLIC_KEY_WINDOW = 6;
const TWO_256 = 1n << 256n;

// -- Errors -----------------------------------------------------------------------------------------

/** A serialized point, scalar, ciphertext, proof or ballot is malformed (errors.DecodeError). */
export class DecodeError extends Error {
  constructor(message) {
    super(message);
    this.name = "DecodeError";
  }
}

/** A trustee's key share does not match the public commitments (errors.InvalidShareError). */
export class InvalidShareError extends Error {
  constructor(message) {
    super(message);
    this.name = "InvalidShareError";
  }
}

// -- Scalars and points (group.py) -------------------------------------------------------------------

/** ``a mod n`` in [0, n), for any BigInt (or safe integer) ``a``. */
export function mod(a) {
  const r = toBigInt(a, "scalar") % ORDER;
  return r < 0n ? r + ORDER : r;
}

function toBigInt(value, what) {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`${what} must be a BigInt or a safe integer`);
}

/** ``scalar * G``; constant time (noble's multiply on the precomputed base). */
export function baseMul(scalar) {
  const k = mod(scalar);
  return k === 0n ? IDENTITY : Point.BASE.multiply(k);
}

/** ``scalar * point`` with Python's semantics (scalar mod n; 0 or identity gives the identity).
 * Constant time: use it with secret scalars. */
export function mul(point, scalar) {
  const k = mod(scalar);
  return k === 0n || point.is0() ? IDENTITY : point.multiply(k);
}

/** Like :func:`mul`, faster, for public scalars only (verification). */
export function mulPublic(point, scalar) {
  const k = mod(scalar);
  return k === 0n || point.is0() ? IDENTITY : point.multiplyUnsafe(k);
}

/** ``a*P + b*Q`` for public scalars: one shared doubling chain (Strauss-Shamir), ~2x faster. */
export function mulAddPublic(p, a, q, b) {
  a = mod(a);
  b = mod(b);
  if (a === 0n || p.is0()) return mulPublic(q, b);
  if (b === 0n || q.is0()) return mulPublic(p, a);
  return p.mulAddUnsafe(a, q, b);
}

/** Uniform scalar in [1, n-1] from the platform CSPRNG (group.random_scalar). */
export function randomScalar() {
  const bytes = new Uint8Array(SCALAR_BYTES);
  for (;;) {
    globalThis.crypto.getRandomValues(bytes);
    const value = bytesToBigInt(bytes);
    // randbelow(n - 1) + 1, by rejection: the same distribution as Python's.
    if (value < ORDER - 1n) return value + 1n;
  }
}

function bytesToBigInt(bytes) {
  return bytes.length === 0 ? 0n : BigInt("0x" + bytesToHex(bytes));
}

function bigIntToBytes(value, length) {
  return hexToBytesStrict(value.toString(16).padStart(length * 2, "0"));
}

function hexToBytesStrict(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

// bytes.fromhex(text).hex() == text: lowercase, even length, no separators.
const CANONICAL_HEX = /^(?:[0-9a-f]{2})*$/;

function canonicalHex(text, what) {
  if (typeof text !== "string") throw new DecodeError(`${what} must be a hex string`);
  if (!CANONICAL_HEX.test(text)) {
    if (/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
      throw new DecodeError(`${what} hex must be lowercase without separators`);
    }
    throw new DecodeError(`${what} is not valid hex`);
  }
  return hexToBytesStrict(text);
}

/** SEC1 encoding: 33-byte compressed form, or the single byte 00 for the identity. */
export function pointToBytes(point) {
  return point.is0() ? Uint8Array.of(0) : point.toBytes(true);
}

export function pointToHex(point) {
  return point.is0() ? "00" : point.toHex(true);
}

/** Decode and validate a compressed point (Point.from_bytes); the identity only if allowed. */
export function pointFromBytes(data, { allowIdentity = false } = {}) {
  if (data.length === 1 && data[0] === 0 && allowIdentity) return IDENTITY;
  if (data.length !== POINT_BYTES || (data[0] !== 2 && data[0] !== 3)) {
    throw new DecodeError("point must be a 33-byte compressed SEC1 encoding");
  }
  try {
    // noble refuses x >= p and x-coordinates with no point, like libsecp256k1.
    return Point.fromBytes(data);
  } catch {
    throw new DecodeError("point is not on secp256k1");
  }
}

export function pointFromHex(text, { allowIdentity = false } = {}) {
  return pointFromBytes(canonicalHex(text, "point"), { allowIdentity });
}

export function scalarToHex(scalar) {
  const value = toBigInt(scalar, "scalar");
  if (value < 0n || value >= ORDER) throw new RangeError("scalar out of range");
  return value.toString(16).padStart(2 * SCALAR_BYTES, "0");
}

/** Decode a canonical 64-character scalar, checking 0 <= s < n (0 < s < n when nonzero). */
export function scalarFromHex(text, { nonzero = false } = {}) {
  const data = canonicalHex(text, "scalar");
  if (data.length !== SCALAR_BYTES) throw new DecodeError("scalar must be 32 bytes");
  const value = bytesToBigInt(data);
  if (value >= ORDER || (nonzero && value === 0n)) throw new DecodeError("scalar out of range");
  return value;
}

function asPoint(value, what) {
  if (value instanceof Point) return value;
  if (typeof value === "string") return pointFromHex(value);
  throw new TypeError(`${what} must be a point or its hex encoding`);
}

// -- Hashing (group.hash_items) ----------------------------------------------------------------------

const utf8 = new TextEncoder();

function utf8Strict(text) {
  // Python's str.encode("utf-8") refuses lone surrogates; TextEncoder would
  // silently replace them with U+FFFD and hash something else.
  if (!(typeof text.isWellFormed === "function" ? text.isWellFormed() : isWellFormed(text))) {
    throw new TypeError("strings with lone surrogates cannot be encoded as UTF-8");
  }
  return utf8.encode(text);
}

function isWellFormed(text) {
  // String.prototype.isWellFormed for older browsers (no regex lookbehind: Safari < 16.4).
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

function frame(tag, payload) {
  const out = new Uint8Array(5 + payload.length);
  out[0] = tag.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, payload.length, false);
  out.set(payload, 5);
  return out;
}

function intPayload(value) {
  if (value < 0n || value >= TWO_256) {
    throw new RangeError("integer hash items must fit in 32 unsigned bytes");
  }
  return bigIntToBytes(value, SCALAR_BYTES);
}

/**
 * One hash item, type-tagged and length-prefixed like group._encode_item.
 *
 * Items are written either bare, typed by their JavaScript type (a Point is
 * P, a BigInt or safe integer is I, a string is S, a Uint8Array is B), or
 * wrapped to say the type explicitly: {point}, {int}, {str}, {bytes}.
 * Booleans are refused, as in Python.
 */
function encodeItem(item) {
  if (item instanceof Point) return frame("P", pointToBytes(item));
  if (typeof item === "bigint") return frame("I", intPayload(item));
  if (typeof item === "number") {
    if (!Number.isSafeInteger(item)) throw new TypeError("number hash items must be safe integers");
    return frame("I", intPayload(BigInt(item)));
  }
  if (typeof item === "string") return frame("S", utf8Strict(item));
  if (item instanceof Uint8Array) return frame("B", item);
  if (typeof item === "boolean") throw new TypeError("booleans are not hashable items; use an int");
  if (item !== null && typeof item === "object" && !Array.isArray(item)) {
    const keys = Object.keys(item);
    if (keys.length === 1) {
      const [key] = keys;
      const value = item[key];
      if (key === "point" && value instanceof Point) return encodeItem(value);
      if (key === "int" && (typeof value === "bigint" || typeof value === "number")) return encodeItem(value);
      if (key === "str" && typeof value === "string") return encodeItem(value);
      if (key === "bytes" && value instanceof Uint8Array) return encodeItem(value);
    }
  }
  throw new TypeError("cannot hash this item");
}

/**
 * SHA-512 (64 bytes) of the framed domain and items (group.hash_items).
 *
 * Call it as hashItems(domain, [item, ...]) or hashItems(domain, item, ...);
 * an array is never an item, so both spellings are unambiguous.
 */
export function hashItems(domain, ...items) {
  if (items.length === 1 && Array.isArray(items[0])) items = items[0];
  const h = sha512.create();
  h.update(frame("D", utf8Strict(DOMAIN_PREFIX + domain)));
  for (const item of items) h.update(encodeItem(item));
  return h.digest();
}

/** Fiat-Shamir challenge: hashItems reduced mod n (group.hash_to_scalar). */
export function hashToScalar(domain, ...items) {
  return bytesToBigInt(hashItems(domain, ...items)) % ORDER;
}

// -- ElGamal (elgamal.py) ----------------------------------------------------------------------------

// One precomputed copy of each recent public key: noble keys its tables by
// point object, so the same object must be reused for every multiplication.
const publicKeys = new Map();

function publicKeyPoint(value) {
  const hex = value instanceof Point ? pointToHex(value) : value;
  let point = publicKeys.get(hex);
  if (point === undefined) {
    point = asPoint(value, "public key");
    if (point.is0()) throw new RangeError("the identity is not a valid public key");
    // A copy, so the table is ours and the caller's point stays as it was.
    point = Point.fromBytes(point.toBytes(true));
    point.precompute(PUBLIC_KEY_WINDOW, false);
    if (publicKeys.size >= 4) publicKeys.delete(publicKeys.keys().next().value);
    publicKeys.set(hex, point);
  }
  return point;
}

/** Build the multiplication tables of Y and G now (when the ballot page loads) rather than
 * during the voter's first click. */
export function preparePublicKey(publicKey) {
  publicKeyPoint(publicKey);
  Point.BASE.multiply(1n); // noble builds G's table lazily, on its first use
}

export function ciphertextToDict(ciphertext) {
  return { alpha: pointToHex(ciphertext.alpha), beta: pointToHex(ciphertext.beta) };
}

function hasExactKeys(data, keys) {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return false;
  const actual = Object.keys(data).sort();
  return actual.length === keys.length && actual.every((key, i) => key === keys[i]);
}

/** Ciphertext.from_dict: exactly the keys alpha, beta; no identity unless allowed (sums). */
export function ciphertextFromDict(data, { allowIdentity = false } = {}) {
  if (!hasExactKeys(data, ["alpha", "beta"])) {
    throw new DecodeError("ciphertext must be an object with keys alpha, beta");
  }
  return {
    alpha: pointFromHex(data.alpha, { allowIdentity }),
    beta: pointFromHex(data.beta, { allowIdentity }),
  };
}

function asCiphertext(value, options) {
  if (value && value.alpha instanceof Point && value.beta instanceof Point) return value;
  return ciphertextFromDict(value, options);
}

/**
 * Enc_Y(m; r) = (r*G, m*G + r*Y) as {alpha, beta} points (elgamal.encrypt).
 * The nonce must be fresh, uniform in [1, n-1] and secret.
 */
export function encrypt(publicKey, message, nonce) {
  const key = publicKeyPoint(publicKey);
  const m = toBigInt(message, "message");
  const r = toBigInt(nonce, "nonce");
  if (m < 0n || m >= ORDER) throw new RangeError("message out of range");
  if (r <= 0n || r >= ORDER) throw new RangeError("nonce must be in [1, n-1]");
  // (m+1)*G - G rather than m*G, as in Python: the same operations for m = 0 and 1,
  // whose (m+1)*G are looked up rather than computed.
  const shifted = m <= 1n ? ONE_AND_TWO_G[Number(m)] : baseMul(m + 1n);
  const beta = key.multiply(r).add(shifted).subtract(Point.BASE);
  return { alpha: baseMul(r), beta };
}

const ONE_AND_TWO_G = [Point.BASE, Point.BASE.double()];

function addCiphertexts(a, b) {
  return { alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) };
}

// -- Proofs (proofs.py) ------------------------------------------------------------------------------

function drawScalar(random) {
  const value = random();
  if (typeof value !== "bigint" || value <= 0n || value >= ORDER) {
    throw new RangeError("random scalars must be BigInts in [1, n-1]");
  }
  return value;
}

export function proofToDict(proof) {
  return { challenge: scalarToHex(proof.challenge), response: scalarToHex(proof.response) };
}

/** ChaumPedersenProof.from_dict: exactly the keys challenge, response; scalars below n. */
export function proofFromDict(data) {
  if (!hasExactKeys(data, ["challenge", "response"])) {
    throw new DecodeError("proof must be an object with keys challenge, response");
  }
  return { challenge: scalarFromHex(data.challenge), response: scalarFromHex(data.response) };
}

/** RangeProof.from_list: a non-empty list of proofs. */
export function rangeProofFromList(data) {
  if (!Array.isArray(data) || data.length === 0) throw new DecodeError("range proof must be a non-empty list");
  return data.map(proofFromDict);
}

function asProof(value) {
  return typeof value.challenge === "bigint" ? value : proofFromDict(value);
}

function checkRange(low, high) {
  if (!(0n <= low && low <= high)) throw new RangeError("range must satisfy 0 <= low <= high");
}

function rangeChallenge(publicKey, ciphertext, low, high, context, commitments) {
  return hashToScalar(
    RANGE_DOMAIN,
    [contextItem(context), GENERATOR, publicKey, ciphertext.alpha, ciphertext.beta, low, high, ...commitments],
  );
}

function contextItem(context) {
  // proofs.Context = bytes | str, hashed verbatim as B or S.
  if (typeof context === "string" || context instanceof Uint8Array) return context;
  throw new TypeError("context must be a string or a Uint8Array");
}

/**
 * Prove that ciphertext = encrypt(publicKey, message, nonce) with low <= message <= high
 * (proofs.prove_range). Returns the branches [{challenge, response}] as BigInts, one per
 * value low..high; proofToDict encodes one. `random` replaces randomScalar (tests):
 * it is called in the same order as Python calls random_scalar.
 */
export function proveRange(publicKey, ciphertext, message, nonce, low, high, context, { random = randomScalar } = {}) {
  const key = publicKeyPoint(publicKey);
  const ct = asCiphertext(ciphertext);
  [message, nonce, low, high] = [message, nonce, low, high].map((v) => toBigInt(v, "range value"));
  checkRange(low, high);
  if (message < low || message > high) throw new RangeError("message is outside the range to prove");
  const commitments = [];
  const branches = [];
  let simulatedChallenges = 0n;
  const realNonce = drawScalar(random);
  for (let value = low; value <= high; value++) {
    if (value === message) {
      commitments.push(baseMul(realNonce), key.multiply(realNonce));
      branches.push(null);
      continue;
    }
    const fake = { challenge: drawScalar(random), response: drawScalar(random) };
    branches.push(fake);
    simulatedChallenges += fake.challenge;
    // The verifier's z*G + c*alpha and z*Y + c*(beta - value*G) are, as alpha = r*G and
    // beta = m*G + r*Y: (z + c*r)*G and (z + c*r)*Y + c*(m - value)*G (see proofs.py).
    const shifted = mod(fake.response + fake.challenge * nonce);
    commitments.push(baseMul(shifted), mul(key, shifted).add(baseMul(fake.challenge * (message - value))));
  }
  const challenge = rangeChallenge(key, ct, low, high, context, commitments);
  const realChallenge = mod(challenge - simulatedChallenges);
  const real = { challenge: realChallenge, response: mod(realNonce - realChallenge * nonce) };
  return branches.map((branch) => branch ?? real);
}

const minusMultiples = new Map();

/** -value*G, cached: the few values of the ranges proven (proofs._minus_multiple_of_g). */
function minusMultipleOfG(value) {
  let point = minusMultiples.get(value);
  if (point === undefined) {
    point = baseMul(-value);
    if (minusMultiples.size < 1024) minusMultiples.set(value, point);
  }
  return point;
}

/** Check a proveRange proof (BigInt branches or their dicts) for the same statement (proofs.verify_range). */
export function verifyRange(publicKey, ciphertext, proof, low, high, context) {
  const key = asPoint(publicKey, "public key");
  const ct = asCiphertext(ciphertext, { allowIdentity: true });
  low = toBigInt(low, "low");
  high = toBigInt(high, "high");
  checkRange(low, high);
  if (key.is0() || proof.length !== Number(high - low + 1n)) return false;
  const branches = proof.map(asProof);
  const commitments = [];
  let total = 0n;
  branches.forEach((branch, j) => {
    const shiftedBeta = ct.beta.add(minusMultipleOfG(low + BigInt(j)));
    commitments.push(
      mulAddPublic(Point.BASE, branch.response, ct.alpha, branch.challenge),
      mulAddPublic(key, branch.response, shiftedBeta, branch.challenge),
    );
    total += branch.challenge;
  });
  return total % ORDER === rangeChallenge(key, ct, low, high, context, commitments);
}

function equalLogsChallenge(publicPoint, base, image, context, commitG, commitBase) {
  return hashToScalar(EQUAL_LOGS_DOMAIN, [contextItem(context), GENERATOR, publicPoint, base, image, commitG, commitBase]);
}

/** Prove public == secret*G and image == secret*base (proofs.prove_equal_logs); {challenge, response} BigInts. */
export function proveEqualLogs(secret, publicPoint, base, image, context, { random = randomScalar } = {}) {
  const nonce = drawScalar(random);
  const challenge = equalLogsChallenge(publicPoint, base, image, context, baseMul(nonce), mul(base, nonce));
  return { challenge, response: mod(nonce - challenge * toBigInt(secret, "secret")) };
}

/** Check a proveEqualLogs proof for the same statement and context (proofs.verify_equal_logs). */
export function verifyEqualLogs(publicPoint, base, image, proof, context) {
  if (publicPoint.is0()) return false;
  const { challenge, response } = asProof(proof);
  const commitG = mulAddPublic(Point.BASE, response, publicPoint, challenge);
  const commitBase = mulAddPublic(base, response, image, challenge);
  return challenge === equalLogsChallenge(publicPoint, base, image, context, commitG, commitBase);
}

// -- Canonical JSON (manifest.canonical_json, Ballot.to_json) ----------------------------------------

function compareCodePoints(a, b) {
  // Python sorts str keys by code point; JavaScript's default sort compares
  // UTF-16 units, which differs for characters beyond U+FFFF.
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function quote(text) {
  // JSON.stringify escapes like Python for ", \, control characters and lone
  // surrogates; ensure_ascii also escapes DEL and everything beyond ASCII.
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/**
 * json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).
 * Numbers must be integers (Python writes floats differently); BigInts are allowed.
 */
export function canonicalJson(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError("canonical JSON numbers must be safe integers");
    return String(value);
  }
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return "{" + keys.map((key) => quote(key) + ":" + canonicalJson(value[key])).join(",") + "}";
  }
  throw new TypeError(`cannot serialize ${typeof value} as canonical JSON`);
}

/** Hex SHA-256 of the canonical JSON (manifest.manifest_hash). */
export function manifestHash(manifest) {
  return bytesToHex(sha256(utf8.encode(canonicalJson(manifest))));
}

// -- Ballot shape (manifest.py) ----------------------------------------------------------------------

const SINGLE = "single";
const APPROVAL = "approval";
const PLURALITY = "plurality";
const KNAPSACK = "knapsack";

function pythonInt(value) {
  // int() on the JSON values a manifest can hold.
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("cannot convert to an integer");
    return Math.trunc(value);
  }
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) {
    return Number(value.replace(/_/g, ""));
  }
  throw new TypeError("expected an integer");
}

function pythonTruthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === "object") return Object.keys(value).length > 0;
  return Boolean(value);
}

/**
 * Derive {nOptions, minChoices, maxChoices, blank, nSlots} from a contest manifest
 * (manifest.ballot_shape); spread it into the parameters of encryptBallot.
 */
export function ballotShape(manifest) {
  const options = manifest.options;
  if (!Array.isArray(options) && typeof options !== "string") {
    throw new TypeError("the manifest's options must be a list");
  }
  const count = Array.from(options).length;
  const rule = manifest.rule;
  let low;
  let high;
  if (rule === SINGLE) [low, high] = [1, 1];
  else if (rule === APPROVAL) [low, high] = [1, Math.min(pythonInt(manifest.max_choices), count)];
  else if (rule === PLURALITY) [low, high] = [1, Math.min(pythonInt(manifest.seats), count)];
  else if (rule === KNAPSACK) [low, high] = [1, count]; // the envelope is checked at casting
  else throw new RangeError(`unknown rule ${JSON.stringify(rule)}`);
  const blank = pythonTruthy(manifest.allow_blank);
  return { nOptions: count, minChoices: low, maxChoices: high, blank, nSlots: count + (blank ? 1 : 0) };
}

/** The 0/1 vector for these chosen option positions, an empty set being a blank ballot (manifest.choices_vector). */
export function choicesVector(shape, chosenPositions) {
  const chosen = new Set(Array.from(chosenPositions, Number));
  const vector = Array.from({ length: shape.nOptions }, (_, i) => (chosen.has(i) ? 1 : 0));
  if (shape.blank) vector.push(chosen.size > 0 ? 0 : 1);
  return vector;
}

// -- Ballots (ballot.py) -----------------------------------------------------------------------------

function isInt(value) {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/**
 * ContestParameters: {publicKey (hex or point), nOptions, minChoices, maxChoices, blank, context}.
 * Checked like its __post_init__; returns a normalized copy with the key's point.
 */
export function contestParameters(params) {
  const { nOptions, minChoices, maxChoices, context } = params;
  const blank = Boolean(params.blank);
  const publicKey = publicKeyPoint(params.publicKey);
  if (!isInt(nOptions) || !(1 <= nOptions && nOptions <= MAX_OPTIONS)) {
    throw new RangeError(`nOptions must be in [1, ${MAX_OPTIONS}]`);
  }
  if (!isInt(minChoices) || !isInt(maxChoices) || !(0 <= minChoices && minChoices <= maxChoices && maxChoices <= nOptions)) {
    throw new RangeError("need 0 <= minChoices <= maxChoices <= nOptions");
  }
  if (blank && minChoices < 1) throw new RangeError("a blank slot needs minChoices >= 1");
  if (!(typeof context === "string" || context instanceof Uint8Array) || context.length === 0) {
    throw new RangeError("context must be a non-empty contest identifier");
  }
  return { publicKey, nOptions, minChoices, maxChoices, blank, context, nSlots: nOptions + (blank ? 1 : 0) };
}

/** Contexts of each slot's 0/1 proof and of the sum proof (ballot._proof_contexts). */
function proofContexts(p, ciphertexts) {
  const statement = hashItems("ballot/statement", [
    p.context,
    p.publicKey,
    p.nOptions,
    p.minChoices,
    p.maxChoices,
    p.blank ? 1 : 0,
    ...ciphertexts.flatMap((c) => [c.alpha, c.beta]),
  ]);
  const choices = ciphertexts.map((_, i) => hashItems("ballot/choice", statement, i));
  return { choices, sum: hashItems("ballot/sum", statement) };
}

/** sum(options) + maxChoices * blank, for plaintexts or nonces (ballot._weighted). */
function weighted(p, values) {
  let total = 0n;
  for (let i = 0; i < p.nOptions; i++) total += values[i];
  if (p.blank) total += BigInt(p.maxChoices) * values[p.nOptions];
  return total;
}

/** The ciphertext the sum proof is about (ballot._weighted_ciphertext). Public values only:
 * the blank slot's weighting uses the fast variable-time multiplication. */
function weightedCiphertext(p, ciphertexts) {
  let total = { alpha: IDENTITY, beta: IDENTITY };
  for (let i = 0; i < p.nOptions; i++) total = addCiphertexts(total, ciphertexts[i]);
  if (p.blank) {
    const b = ciphertexts[p.nOptions];
    total = addCiphertexts(total, { alpha: mulPublic(b.alpha, p.maxChoices), beta: mulPublic(b.beta, p.maxChoices) });
  }
  return total;
}

function ballotToDict(ciphertexts, choiceProofs, sumProof) {
  return {
    ciphertexts: ciphertexts.map(ciphertextToDict),
    choice_proofs: choiceProofs.map((proof) => proof.map(proofToDict)),
    sum_proof: sumProof.map(proofToDict),
  };
}

/** Hex SHA-256 of a ballot's canonical JSON: the voter's tracker (Ballot.hash). */
export function ballotTracker(json) {
  return bytesToHex(sha256(utf8.encode(json)));
}

function choiceValue(choice) {
  // type(choice) is int and choice in (0, 1): booleans are refused.
  if (choice === 0 || choice === 1 || choice === 0n || choice === 1n) return BigInt(choice);
  return null;
}

/**
 * Encrypt a vector of 0/1 choices (the options in contest order, then the blank mark
 * if the contest has one) with every proof (ballot.encrypt_ballot).
 *
 * Returns {ballot, json, tracker, nonces}: the ballot as its JSON object, its
 * canonical JSON (what is sent and stored), the tracker, and each slot's nonce
 * in hex. The nonces are the secret of the vote: reveal them only to audit a
 * ballot that is then never cast (Benaloh challenge, see auditBallot).
 *
 * `random` replaces randomScalar, called in the order Python calls random_scalar
 * (the nonces, then each proof's draws), so tests can reproduce a Python ballot.
 */
export function encryptBallot(params, choices, { random = randomScalar } = {}) {
  const p = contestParameters(params);
  if (!Array.isArray(choices) || choices.length !== p.nSlots) {
    throw new RangeError(`expected ${p.nSlots} choices, got ${Array.isArray(choices) ? choices.length : "none"}`);
  }
  const values = choices.map(choiceValue);
  if (values.includes(null)) throw new RangeError("each choice must be 0 or 1");
  const total = weighted(p, values);
  if (total < BigInt(p.minChoices) || total > BigInt(p.maxChoices)) {
    const blank = p.blank ? ", or a blank vote alone" : "";
    throw new RangeError(`allowed: between ${p.minChoices} and ${p.maxChoices} choices${blank}`);
  }
  const nonces = values.map(() => drawScalar(random));
  const ciphertexts = values.map((m, i) => encrypt(p.publicKey, m, nonces[i]));
  const contexts = proofContexts(p, ciphertexts);
  const choiceProofs = ciphertexts.map((c, i) =>
    proveRange(p.publicKey, c, values[i], nonces[i], 0n, 1n, contexts.choices[i], { random }),
  );
  const sumProof = proveRange(
    p.publicKey,
    weightedCiphertext(p, ciphertexts),
    total,
    mod(weighted(p, nonces)),
    p.minChoices,
    p.maxChoices,
    contexts.sum,
    { random },
  );
  const ballot = ballotToDict(ciphertexts, choiceProofs, sumProof);
  const json = canonicalJson(ballot);
  return { ballot, json, tracker: ballotTracker(json), nonces: nonces.map(scalarToHex) };
}

/**
 * Strictly decode a ballot's JSON object (or JSON text) like Ballot.from_dict: exact keys,
 * canonical encodings, points on the curve and not the identity. Throws DecodeError.
 */
export function decodeBallot(data) {
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      throw new DecodeError("ballot is not valid JSON");
    }
  }
  if (!hasExactKeys(data, ["choice_proofs", "ciphertexts", "sum_proof"])) {
    throw new DecodeError("ballot must have keys ciphertexts, choice_proofs, sum_proof");
  }
  const { ciphertexts, choice_proofs: choiceProofs } = data;
  if (!Array.isArray(ciphertexts) || !Array.isArray(choiceProofs)) {
    throw new DecodeError("ciphertexts and choice_proofs must be lists");
  }
  if (!(1 <= ciphertexts.length && ciphertexts.length <= MAX_SLOTS) || choiceProofs.length !== ciphertexts.length) {
    throw new DecodeError("need one ciphertext and one choice proof per slot");
  }
  return {
    ciphertexts: ciphertexts.map((c) => ciphertextFromDict(c)),
    choiceProofs: choiceProofs.map(rangeProofFromList),
    sumProof: rangeProofFromList(data.sum_proof),
  };
}

/**
 * Check a ballot (its JSON object or text) against the contest parameters: shape and
 * every proof (Ballot.from_dict + ballot.verify_ballot). False for a malformed ballot.
 */
export function verifyBallot(params, ballotObject) {
  const p = contestParameters(params);
  let ballot;
  try {
    ballot = decodeBallot(ballotObject);
  } catch (error) {
    if (error instanceof DecodeError) return false;
    throw error;
  }
  const { ciphertexts, choiceProofs, sumProof } = ballot;
  if (ciphertexts.length !== p.nSlots || choiceProofs.length !== p.nSlots) return false;
  if (ciphertexts.some((c) => c.alpha.is0() || c.beta.is0())) return false;
  const contexts = proofContexts(p, ciphertexts);
  if (!ciphertexts.every((c, i) => verifyRange(p.publicKey, c, choiceProofs[i], 0n, 1n, contexts.choices[i]))) {
    return false;
  }
  return verifyRange(
    p.publicKey,
    weightedCiphertext(p, ciphertexts),
    sumProof,
    p.minChoices,
    p.maxChoices,
    contexts.sum,
  );
}

/**
 * Benaloh audit: true iff encrypting each revealed choice with its revealed nonce
 * (hex or BigInt) gives exactly the ballot's ciphertexts. An audited ballot has
 * revealed the vote and must never be cast. The proofs are not checked here:
 * verifyBallot does that. (Python's counterpart: ballot.verify_audit.)
 */
export function auditBallot(params, ballotObject, choices, nonces) {
  const p = contestParameters(params);
  let ballot;
  try {
    ballot = decodeBallot(ballotObject);
  } catch (error) {
    if (error instanceof DecodeError) return false;
    throw error;
  }
  const n = ballot.ciphertexts.length;
  if (n !== p.nSlots || !Array.isArray(choices) || !Array.isArray(nonces) || choices.length !== n || nonces.length !== n) {
    return false;
  }
  for (let i = 0; i < n; i++) {
    const m = choiceValue(choices[i]);
    let r;
    try {
      r = typeof nonces[i] === "bigint" ? nonces[i] : scalarFromHex(nonces[i], { nonzero: true });
    } catch (error) {
      if (error instanceof DecodeError) return false;
      throw error;
    }
    if (m === null || r <= 0n || r >= ORDER) return false;
    const expected = encrypt(p.publicKey, m, r);
    const actual = ballot.ciphertexts[i];
    if (!expected.alpha.equals(actual.alpha) || !expected.beta.equals(actual.beta)) return false;
  }
  return true;
}

// -- Threshold decryption, trustee side (threshold.py) -----------------------------------------------

/** Y_i = f(i)*G from the Feldman commitments (points or hex), threshold.verification_key. */
export function verificationKey(commitments, index) {
  const i = toBigInt(index, "index");
  let power = 1n;
  let total = IDENTITY;
  for (const commitment of commitments) {
    total = total.add(mulPublic(asPoint(commitment, "commitment"), power));
    power = mod(power * i);
  }
  return total;
}

/**
 * ThresholdPublicKey.from_dict: {threshold, trustees, commitments}, checked the same way;
 * returns {threshold, nTrustees, commitments, publicKey, verificationKeys} with points.
 */
export function thresholdPublicKey(data) {
  if (!hasExactKeys(data, ["commitments", "threshold", "trustees"])) {
    throw new DecodeError("threshold key must have keys threshold, trustees, commitments");
  }
  const { threshold, trustees, commitments } = data;
  if (!Array.isArray(commitments) || !isInt(threshold) || !isInt(trustees)) {
    throw new DecodeError("malformed threshold key");
  }
  if (!(1 <= threshold && threshold <= trustees && trustees <= MAX_TRUSTEES)) {
    throw new DecodeError(`need 1 <= threshold <= n_trustees <= ${MAX_TRUSTEES}`);
  }
  if (commitments.length !== threshold) throw new DecodeError("need exactly `threshold` commitments");
  const points = commitments.map((c) => pointFromHex(c));
  const verificationKeys = Array.from({ length: trustees }, (_, i) => verificationKey(points, i + 1));
  if (points[0].is0() || verificationKeys.some((key) => key.is0())) {
    throw new DecodeError("degenerate threshold key (identity public or verification key)");
  }
  return { threshold, nTrustees: trustees, commitments: points, publicKey: points[0], verificationKeys };
}

function decryptionContext(context, trustee) {
  return hashItems("partial-decryption", contextItem(context), trustee);
}

/**
 * Trustee shareIndex's decryption factors s*alpha for the ciphertexts (normally the
 * per-option sums, as {alpha, beta} hex dicts, identity allowed), each with a
 * Chaum-Pedersen proof bound to context (threshold.partial_decrypt). Returns the
 * JSON object of PartialDecryption.to_dict(). Throws InvalidShareError if the share
 * (hex or BigInt) is not the one committed to.
 */
export function partialDecrypt(shareIndex, shareValue, thresholdPublic, ciphertexts, context, { random = randomScalar } = {}) {
  if (!isInt(shareIndex) || !(1 <= shareIndex && shareIndex <= MAX_TRUSTEES)) {
    throw new RangeError(`trustee index must be an integer in [1, ${MAX_TRUSTEES}]`);
  }
  const value = typeof shareValue === "bigint" ? shareValue : scalarFromHex(shareValue, { nonzero: true });
  if (value <= 0n || value >= ORDER) throw new RangeError("share value out of range");
  const key = thresholdPublic.verificationKeys ? thresholdPublic : thresholdPublicKey(thresholdPublic);
  // verify_share
  if (shareIndex > key.nTrustees) throw new InvalidShareError("share index does not belong to this key");
  const ownKey = key.verificationKeys[shareIndex - 1];
  if (!baseMul(value).equals(ownKey)) throw new InvalidShareError("share does not match the published commitments");
  const proofContext = decryptionContext(context, shareIndex);
  const sums = ciphertexts.map((c) => asCiphertext(c, { allowIdentity: true }));
  const factors = sums.map((c) => mul(c.alpha, value));
  const proofs = sums.map((c, j) => proveEqualLogs(value, ownKey, c.alpha, factors[j], proofContext, { random }));
  return { trustee: shareIndex, factors: factors.map(pointToHex), proofs: proofs.map(proofToDict) };
}

/** Check a partial decryption's JSON object against the key and ciphertexts (threshold.verify_partial_decryption). */
export function verifyPartialDecryption(partial, thresholdPublic, ciphertexts, context) {
  const key = thresholdPublic.verificationKeys ? thresholdPublic : thresholdPublicKey(thresholdPublic);
  let decoded;
  try {
    if (!hasExactKeys(partial, ["factors", "proofs", "trustee"])) throw new DecodeError("bad keys");
    const { trustee, factors, proofs } = partial;
    if (!isInt(trustee) || !Array.isArray(factors) || !Array.isArray(proofs)) throw new DecodeError("malformed");
    decoded = {
      trustee,
      factors: factors.map((f) => pointFromHex(f, { allowIdentity: true })),
      proofs: proofs.map(proofFromDict),
    };
  } catch (error) {
    if (error instanceof DecodeError) return false;
    throw error;
  }
  if (!(1 <= decoded.trustee && decoded.trustee <= key.nTrustees)) return false;
  if (!(decoded.factors.length === decoded.proofs.length && decoded.proofs.length === ciphertexts.length)) return false;
  const own = key.verificationKeys[decoded.trustee - 1];
  const proofContext = decryptionContext(context, decoded.trustee);
  return ciphertexts.every((c, j) => {
    const ct = asCiphertext(c, { allowIdentity: true });
    return verifyEqualLogs(own, ct.alpha, decoded.factors[j], decoded.proofs[j], proofContext);
  });
}
