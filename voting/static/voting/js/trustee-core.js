// The trustee's device: key file and the steps of the key ceremony and of decryption.
//
// A port of voting/trustee/keyfile.py and voting/trustee/steps.py (with the
// parts of voting/crypto/dkg.py they use), producing and accepting the same
// JSON documents, so a trustee can use the browser page at one step and the
// offline command (`python -m voting.trustee`) at another, with the same key
// file. Runs unchanged in browsers and in Node 20: Web Crypto
// (globalThis.crypto.subtle) for PBKDF2 and AES-GCM, crypto.getRandomValues
// for randomness, and ./crypto.js (the vendored noble bundle) for the group,
// the hashes and the proofs.
//
// Secrets are {trustee, signing, encryption} with BigInt scalars; they live
// only in memory and in the key file this module seals.
//
// Nothing here trusts the task: like steps.py, the device recomputes the
// ceremony's hash from its descriptor, checks every certificate and
// polynomial signature, checks that its own certificate is the one its key
// file made and, before decrypting, that the totals are encrypted to the key
// the ceremony produced.
//
// Errors the page must explain are TrusteeError objects with a `code`
// (listed in ERROR_CODES) for it to translate, `trustee` when the error names
// one, and an English `message` (Python's, where Python has one).
//
// Side channels: multiplications by secret scalars use crypto.js's constant
// time ones, but BigInt arithmetic on secrets (the share, proof responses) is
// not constant time, as in the Python reference; fine for a trustee doing a
// handful of operations on their own device.

import * as ec from "./crypto.js";
import { verifyShuffleJson } from "./shuffle-verify.js";

// -- Errors -------------------------------------------------------------------------------------------

export const ERROR_CODES = Object.freeze([
  // Key file (voting/trustee/keyfile.py)
  "short-passphrase", // sealing: fewer than 12 characters
  "not-a-key-file", // not JSON, or not a Parvis trustee key file
  "other-vote", // the key file of another vote or another key ceremony
  "other-trustee", // the key file of another trustee of this vote
  "wrong-passphrase", // wrong passphrase, or the file was altered
  "damaged", // the file is damaged (missing parts, parameters out of range)
  // Task (voting/trustee/steps.py)
  "not-a-task", // not a Parvis trustee task, or its descriptor is unusable
  "wrong-step", // a task for another step than the one asked
  "ceremony-mismatch", // the task's ceremony hash is not its descriptor's
  "task-other-trustee", // a task for another trustee than the key file's
  "certificates-malformed",
  "certificates-missing", // not one certificate per trustee, in order
  "certificate-signature", // `trustee`'s certificate is not validly signed
  "not-own-certificate", // this trustee's certificate is not the one its key file made: tell the officer
  "polynomials-malformed",
  "polynomials-missing", // not one polynomial per trustee, in order
  "polynomial-signature", // `trustee`'s polynomial is malformed or not signed by them
  "sums-malformed", // the key or the encrypted totals are malformed
  "wrong-key", // the totals are not encrypted to the key of this ceremony
  "share-mismatch", // this trustee's share does not match the key (cannot happen after a confirmed check)
  "shuffle-unproven", // equal shares: the shuffled ballots' proof of shuffle does not verify (or is malformed)
]);

export class TrusteeError extends Error {
  constructor(code, message, trustee = null) {
    super(message);
    this.name = "TrusteeError";
    this.code = code;
    this.trustee = trustee;
  }
}

const fail = (code, message, trustee = null) => {
  throw new TrusteeError(code, message, trustee);
};

// -- Canonical JSON and hashes (voting.crypto.dkg.canonical_json, sha256_hex) ---------------------------

/** Sorted keys at every level, no whitespace, ASCII only: Python's canonical_json, byte for byte
 *  (crypto.js's; numbers must be safe integers, as a float would not serialize as in Python). */
export const canonicalJson = ec.canonicalJson;

/** Hex SHA-256 of the canonical JSON: dkg.sha256_hex (the ceremony's hash, the transcript's). */
export const sha256Hex = ec.manifestHash;

const encoder = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;

function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function hexToBytes(text) {
  // As lenient as Python's bytes.fromhex (either case, spaces between bytes): only for key files.
  if (typeof text !== "string" || !/^(?:\s*[0-9a-fA-F]{2})*\s*$/.test(text)) throw new TypeError("not hex");
  const digits = text.replace(/\s+/g, "");
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function randomBytes(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

// -- Group helpers on top of ./crypto.js ----------------------------------------------------------------

// baseMul and mul (constant time) for secret scalars, mulPublic for public ones (verification).
const { mod, baseMul, mul, mulPublic } = ec;
const equal = (a, b) => a.equals(b);
const sumPoints = (points) => points.reduce((total, point) => total.add(point), ec.IDENTITY);
const pointHex = ec.pointToHex;
const scalarHex = ec.scalarToHex;

// Schnorr signatures (voting.crypto.proofs.sign / verify_signature).
const SIGNATURE_DOMAIN = "signature/";

export function sign(secret, publicKey, domain, ...message) {
  const nonce = ec.randomScalar();
  const challenge = ec.hashToScalar(SIGNATURE_DOMAIN + domain, publicKey, baseMul(nonce), ...message);
  return { challenge, response: mod(nonce - challenge * secret) };
}

export function verifySignature(publicKey, signature, domain, ...message) {
  if (publicKey.is0()) return false;
  const commitment = mulPublic(ec.GENERATOR, signature.response).add(mulPublic(publicKey, signature.challenge));
  return signature.challenge === ec.hashToScalar(SIGNATURE_DOMAIN + domain, publicKey, commitment, ...message);
}

// -- Decoding the public material, as strictly as the Python from_dict methods --------------------------

const { MAX_TRUSTEES } = ec;

class Malformed extends Error {}

/** crypto.js's decoders throw DecodeError (TypeError, RangeError for some shapes): all mean malformed. */
function decoding(decode) {
  try {
    return decode();
  } catch (error) {
    if (error instanceof ec.DecodeError || error instanceof TypeError || error instanceof RangeError) {
      throw new Malformed(error.message);
    }
    throw error;
  }
}

function keysExactly(data, keys, what) {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Malformed(`${what} must be an object`);
  const actual = Object.keys(data);
  if (actual.length !== keys.length || !keys.every((key) => Object.hasOwn(data, key))) {
    throw new Malformed(`${what} must have keys ${[...keys].sort().join(", ")}`);
  }
  return data;
}

function index(value, what = "trustee") {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TRUSTEES) throw new Malformed(`${what} must be a trustee number`);
  return value;
}

const point = (text, options) => decoding(() => ec.pointFromHex(text, options));
const scalar = (text, options) => decoding(() => ec.scalarFromHex(text, options));

function list(value, what) {
  if (!Array.isArray(value)) throw new Malformed(`${what} must be a list`);
  return value;
}

const decodeProof = (data) => decoding(() => ec.proofFromDict(data));
const proofToJson = ec.proofToDict;

function decodeCertificate(data) {
  keysExactly(data, ["trustee", "signing_key", "encryption_key", "signature"], "certificate");
  return {
    trustee: index(data.trustee),
    signingKey: point(data.signing_key),
    encryptionKey: point(data.encryption_key),
    signature: decodeProof(data.signature),
  };
}

const certificateToJson = (c) => ({
  trustee: c.trustee, signing_key: pointHex(c.signingKey), encryption_key: pointHex(c.encryptionKey),
  signature: proofToJson(c.signature),
});

function decodePolynomial(data) {
  keysExactly(data, ["trustee", "commitments", "shares", "signature"], "polynomial");
  const shares = list(data.shares, "shares");
  if (shares.length > MAX_TRUSTEES) throw new Malformed("shares must be a list, one per trustee");
  return {
    trustee: index(data.trustee),
    commitments: list(data.commitments, "commitments").map((c) => point(c)),
    shares: shares.map((share) => {
      keysExactly(share, ["recipient", "ephemeral", "value"], "encrypted sub-share");
      return { recipient: index(share.recipient, "recipient"), ephemeral: point(share.ephemeral), value: scalar(share.value) };
    }),
    signature: decodeProof(data.signature),
  };
}

const polynomialToJson = (p) => ({
  trustee: p.trustee,
  commitments: p.commitments.map(pointHex),
  shares: p.shares.map((s) => ({ recipient: s.recipient, ephemeral: pointHex(s.ephemeral), value: scalarHex(s.value) })),
  signature: proofToJson(p.signature),
});

// Each sub-share is signed with the encryption key it was encrypted to (dkg.Polynomial.signed_items).
function polynomialItems(ceremony, polynomial, certificates) {
  const items = [ceremony, polynomial.trustee, ...polynomial.commitments];
  for (const share of polynomial.shares) {
    items.push(share.recipient, certificates[share.recipient - 1].encryptionKey, share.ephemeral, share.value);
  }
  return items;
}

// -- Key file (voting/trustee/keyfile.py) ----------------------------------------------------------------

export const KEY_FILE_FORMAT = "parvis-trustee-key/1";
export const ITERATIONS = 600000;
export const MIN_ITERATIONS = 1000;
export const MAX_ITERATIONS = 10000000;
export const MIN_PASSPHRASE = 12;

async function aesKey(passphrase, salt, iterations) {
  const material = await subtle().importKey("raw", encoder.encode(passphrase), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations }, material,
    { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"],
  );
}

/** Python's len(): code points, not UTF-16 units. */
const characters = (text) => Array.from(text).length;

/** The key file's JSON for these secrets ({trustee, signing, encryption}, scalars as BigInt). */
export async function sealKeyFile(secrets, { ceremony, passphrase, label = "", iterations = ITERATIONS } = {}) {
  if (typeof passphrase !== "string" || characters(passphrase) < MIN_PASSPHRASE) {
    fail("short-passphrase", `the passphrase must have at least ${MIN_PASSPHRASE} characters`);
  }
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}`);
  }
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const header = {
    format: KEY_FILE_FORMAT,
    ceremony,
    label,
    trustee: secrets.trustee,
    signing_key: pointHex(baseMul(secrets.signing)),
    encryption_key: pointHex(baseMul(secrets.encryption)),
    kdf: { algorithm: "PBKDF2-HMAC-SHA256", iterations, salt: bytesToHex(salt) },
    cipher: { algorithm: "AES-256-GCM", nonce: bytesToHex(nonce) },
  };
  const plaintext = encoder.encode(canonicalJson({ signing: scalarHex(secrets.signing), encryption: scalarHex(secrets.encryption) }));
  const key = await aesKey(passphrase, salt, iterations);
  const sealed = await subtle().encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: encoder.encode(canonicalJson(header)), tagLength: 128 }, key, plaintext,
  );
  return { ...header, ciphertext: bytesToHex(new Uint8Array(sealed)) };
}

/** keyfile.read_header: the public part, refusing a file of another vote or trustee by name. */
export function readKeyFileHeader(document, { ceremony = null, trustee = null } = {}) {
  if (typeof document === "string" || document instanceof Uint8Array || document instanceof ArrayBuffer) {
    try {
      const text = typeof document === "string" ? document : new TextDecoder("utf-8", { fatal: true }).decode(document);
      document = JSON.parse(text);
    } catch {
      fail("not-a-key-file", "this is not a key file (not JSON)");
    }
  }
  if (document === null || typeof document !== "object" || Array.isArray(document) || document.format !== KEY_FILE_FORMAT) {
    fail("not-a-key-file", "this is not a Parvis trustee key file");
  }
  if (ceremony !== null && ceremony !== undefined && document.ceremony !== ceremony) {
    fail("other-vote", "this key file belongs to another vote or another key ceremony");
  }
  if (trustee !== null && trustee !== undefined && document.trustee !== trustee) {
    fail("other-trustee", "this key file belongs to another trustee of this vote");
  }
  return document;
}

/** The secrets in a key file ({trustee, signing, encryption}); a wrong passphrase or an altered file is refused. */
export async function openKeyFile(document, passphrase, { ceremony = null, trustee = null } = {}) {
  document = readKeyFileHeader(document, { ceremony, trustee });
  const header = Object.fromEntries(Object.entries(document).filter(([key]) => key !== "ciphertext"));
  const damaged = () => fail("damaged", "the key file is damaged");
  let plaintext;
  try {
    const { kdf, cipher } = header;
    if (kdf === null || typeof kdf !== "object" || cipher === null || typeof cipher !== "object") damaged();
    const { iterations } = kdf;
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      fail("damaged", "the key file's parameters are out of range");
    }
    const salt = hexToBytes(kdf.salt);
    const nonce = hexToBytes(cipher.nonce);
    if (nonce.length < 8 || nonce.length > 128) damaged(); // what Python's AESGCM accepts
    if (!("ciphertext" in document)) damaged();
    const sealed = hexToBytes(document.ciphertext);
    const associated = encoder.encode(canonicalJson(header));
    try {
      const key = await aesKey(String(passphrase), salt, iterations);
      plaintext = await subtle().decrypt({ name: "AES-GCM", iv: nonce, additionalData: associated, tagLength: 128 }, key, sealed);
    } catch {
      fail("wrong-passphrase", "wrong passphrase, or the key file was altered");
    }
  } catch (error) {
    if (error instanceof TrusteeError) throw error;
    damaged();
  }
  let secrets;
  try {
    const values = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    if (!Number.isInteger(header.trustee)) throw new TypeError("trustee");
    secrets = {
      trustee: header.trustee,
      signing: ec.scalarFromHex(values.signing, { nonzero: true }),
      encryption: ec.scalarFromHex(values.encryption, { nonzero: true }),
    };
  } catch {
    damaged();
  }
  if (pointHex(baseMul(secrets.signing)) !== header.signing_key || pointHex(baseMul(secrets.encryption)) !== header.encryption_key) {
    damaged();
  }
  return secrets;
}

// -- The steps (voting/trustee/steps.py, with voting/crypto/dkg.py) ------------------------------------------

export const TASK_FORMAT = "parvis-trustee-task/1";
export const ANSWER_FORMAT = "parvis-trustee-answer/1";
export const STEPS = Object.freeze(["certificate", "polynomial", "check", "decrypt"]);

async function checkTask(task, step = null) {
  if (task === null || typeof task !== "object" || Array.isArray(task) || task.format !== TASK_FORMAT
      || !STEPS.includes(task.step)) {
    fail("not-a-task", "this is not a Parvis trustee task");
  }
  if (step !== null && task.step !== step) fail("wrong-step", `this task is for the step '${task.step}', not '${step}'`);
  let hash;
  try {
    hash = await sha256Hex(task.descriptor === undefined ? null : task.descriptor);
  } catch {
    hash = null; // a descriptor Python would not have made (a float, say)
  }
  if (hash === null || hash !== task.ceremony) fail("ceremony-mismatch", "the task's ceremony does not match its description");
  const { descriptor } = task;
  const trustees = descriptor?.trustees;
  if (!Array.isArray(trustees) || trustees.length < 1 || trustees.length > MAX_TRUSTEES
      || !Number.isInteger(descriptor.threshold) || descriptor.threshold < 1 || descriptor.threshold > trustees.length) {
    fail("not-a-task", "the task's ceremony description is unusable");
  }
  return { ceremony: task.ceremony, n: trustees.length, threshold: descriptor.threshold };
}

const answerDocument = (task, step, content) => ({
  format: ANSWER_FORMAT, step, ceremony: task.ceremony, trustee: task.trustee, ...content,
});

const certificateMatches = (certificate, secrets) => certificate.trustee === secrets.trustee
  && equal(certificate.signingKey, baseMul(secrets.signing))
  && equal(certificate.encryptionKey, baseMul(secrets.encryption));

function checkCertificates(task, context, secrets) {
  let certificates;
  try {
    certificates = list(task.certificates, "certificates").map(decodeCertificate);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    fail("certificates-malformed", "the trustees' certificates are malformed");
  }
  if (certificates.length !== context.n || certificates.some((c, i) => c.trustee !== i + 1)) {
    fail("certificates-missing", "the task does not hold one certificate per trustee");
  }
  for (const c of certificates) {
    if (!verifySignature(c.signingKey, c.signature, "dkg/certificate", context.ceremony, c.trustee, c.encryptionKey)) {
      fail("certificate-signature", `trustee ${c.trustee}'s certificate is not validly signed`, c.trustee);
    }
  }
  if (secrets.trustee > certificates.length || !certificateMatches(certificates[secrets.trustee - 1], secrets)) {
    fail("not-own-certificate", "your certificate in this ceremony is not the one your key file made: do not go on, "
      + "and tell the election officer");
  }
  return certificates;
}

function checkPolynomials(task, context, certificates) {
  let polynomials;
  try {
    polynomials = list(task.polynomials, "polynomials").map(decodePolynomial);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    fail("polynomials-malformed", "the trustees' polynomials are malformed");
  }
  if (polynomials.length !== certificates.length || polynomials.some((p, i) => p.trustee !== certificates[i].trustee)) {
    fail("polynomials-missing", "the task does not hold one polynomial per trustee");
  }
  for (const p of polynomials) {
    const wellFormed = p.commitments.length === context.threshold
      && p.shares.length === context.n && p.shares.every((share, i) => share.recipient === i + 1);
    if (!wellFormed || !verifySignature(certificates[p.trustee - 1].signingKey, p.signature, "dkg/polynomial",
      ...polynomialItems(context.ceremony, p, certificates))) {
      fail("polynomial-signature", `trustee ${p.trustee}'s polynomial is malformed or not signed by them`, p.trustee);
    }
  }
  return polynomials;
}

function evaluate(coefficients, at) {
  let result = 0n;
  for (let l = coefficients.length - 1; l >= 0; l--) result = mod(result * BigInt(at) + coefficients[l]); // Horner
  return result;
}

const pad = (ceremony, sender, recipient, ephemeral, shared) =>
  ec.hashToScalar("dkg/sub-share", ceremony, sender, recipient, ephemeral, shared);

function makePolynomial(context, secrets, certificates) {
  const coefficients = Array.from({ length: context.threshold }, () => ec.randomScalar());
  const shares = certificates.map((certificate) => {
    const value = evaluate(coefficients, certificate.trustee);
    const nonce = ec.randomScalar();
    const ephemeral = baseMul(nonce);
    const shared = mul(certificate.encryptionKey, nonce);
    return { recipient: certificate.trustee, ephemeral, value: mod(value + pad(context.ceremony, secrets.trustee, certificate.trustee, ephemeral, shared)) };
  });
  const polynomial = { trustee: secrets.trustee, commitments: coefficients.map(baseMul), shares };
  polynomial.signature = sign(secrets.signing, baseMul(secrets.signing), "dkg/polynomial",
    ...polynomialItems(context.ceremony, polynomial, certificates));
  return polynomial;
}

/** f_i(j) for this trustee j, from the sub-share trustee i encrypted to it. */
function openSubShare(ceremony, polynomial, secrets) {
  const share = polynomial.shares[secrets.trustee - 1];
  const shared = mul(share.ephemeral, secrets.encryption);
  return mod(share.value - pad(ceremony, polynomial.trustee, secrets.trustee, share.ephemeral, shared));
}

const subShareIsValid = (polynomial, recipient, value) =>
  equal(baseMul(value), ec.verificationKey(polynomial.commitments, recipient));

function transcriptHash(ceremony, certificates, polynomials) {
  return sha256Hex({
    ceremony, certificates: certificates.map(certificateToJson), polynomials: polynomials.map(polynomialToJson),
  });
}

function makeComplaint(ceremony, polynomial, secrets) {
  const { ephemeral } = polynomial.shares[secrets.trustee - 1];
  const shared = mul(ephemeral, secrets.encryption);
  const context = ec.hashItems("dkg/complaint", ceremony, secrets.trustee, polynomial.trustee);
  const proof = ec.proveEqualLogs(secrets.encryption, baseMul(secrets.encryption), ephemeral, shared, context);
  return { trustee: secrets.trustee, accused: polynomial.trustee, shared: pointHex(shared), proof: proofToJson(proof) };
}

async function check(context, secrets, certificates, polynomials) {
  const bad = polynomials.filter((p) => !subShareIsValid(p, secrets.trustee, openSubShare(context.ceremony, p, secrets)));
  if (bad.length) return { complaint: makeComplaint(context.ceremony, bad[0], secrets) };
  const transcript = await transcriptHash(context.ceremony, certificates, polynomials);
  const signature = sign(secrets.signing, baseMul(secrets.signing), "dkg/confirmation", context.ceremony, secrets.trustee, transcript);
  return { confirmation: { trustee: secrets.trustee, transcript, signature: proofToJson(signature) } };
}

function decrypt(task, context, secrets, polynomials) {
  let key, sums;
  try {
    key = decoding(() => ec.thresholdPublicKey(task.public_key));
    sums = list(task.encrypted_sums, "encrypted sums").map((c) => decoding(() => ec.ciphertextFromDict(c, { allowIdentity: true })));
    if (typeof task.manifest_hash !== "string") throw new Malformed("the manifest hash must be a string");
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    fail("sums-malformed", "the encrypted totals are malformed");
  }
  // The key the ceremony made (dkg.combine): C_l = sum_i C_{i,l}, for the descriptor's threshold
  // (steps.py takes the threshold from the key it checks: see the report of this port).
  const combined = Array.from({ length: context.threshold }, (_, l) => sumPoints(polynomials.map((p) => p.commitments[l])));
  if (key.threshold !== context.threshold || key.nTrustees !== polynomials.length
      || key.commitments.some((c, l) => !equal(c, combined[l]))) {
    fail("wrong-key", "the totals are not encrypted to the key of this ceremony");
  }
  // This trustee's share s_j = sum_i f_i(j), derived whenever needed (dkg.derive_share).
  const share = mod(polynomials.reduce((total, p) => total + openSubShare(context.ceremony, p, secrets), 0n));
  try {
    // threshold.partial_decrypt: checks the share (verify_share), then D = s_j*alpha with proofs.
    const done = { partial_decryption: ec.partialDecrypt(secrets.trustee, share, key, sums, task.manifest_hash) };
    if (task.mix !== undefined) done.mix_decryption = decryptMix(task, key, secrets.trustee, share);
    return done;
  } catch (error) {
    if (error instanceof ec.InvalidShareError || error instanceof RangeError) {
      fail("share-mismatch", "your share does not match the published commitments");
    }
    throw error;
  }
}

/** Equal shares (steps._decrypt_mix): check the proof of shuffle, then decrypt each shuffled ballot.
 *  Refusing an unproven shuffle keeps a server from slipping one voter's own ballot among them. */
function decryptMix(task, key, trustee, share) {
  const mix = task.mix;
  const context = `${task.manifest_hash}/mix`;
  if (mix === null || typeof mix !== "object" || typeof mix.head_hash !== "string") {
    fail("shuffle-unproven", "the shuffled ballots are malformed");
  }
  const empty = Array.isArray(mix.inputs) && mix.inputs.length === 0 && Array.isArray(mix.outputs)
    && mix.outputs.length === 0 && mix.proof === null;
  if (!empty && !verifyShuffleJson(key.publicKey, mix.inputs, mix.outputs, mix.proof,
    { generatorSeed: `parvis/mix/${task.manifest_hash}/${mix.head_hash}`, context })) {
    fail("shuffle-unproven", "the proof of shuffle does not verify: do not decrypt, and tell the election officer");
  }
  const ciphertexts = empty ? [] : mix.outputs.flat();
  return ec.partialDecrypt(trustee, share, key, ciphertexts, context);
}

/** Step 1: draw this trustee's keys; resolves to {keyFile (to keep), answer (to upload)}. */
export async function newKeys(task, passphrase, { iterations = ITERATIONS } = {}) {
  const context = await checkTask(task, "certificate");
  if (typeof passphrase !== "string" || characters(passphrase) < MIN_PASSPHRASE) {
    fail("short-passphrase", `the passphrase must have at least ${MIN_PASSPHRASE} characters`);
  }
  let trustee;
  try {
    trustee = index(task.trustee);
  } catch {
    fail("not-a-task", "the task's trustee is not a trustee number");
  }
  if (trustee > context.n) fail("not-a-task", "the task's trustee is not one of this ceremony's");
  const secrets = { trustee, signing: ec.randomScalar(), encryption: ec.randomScalar() };
  const signingKey = baseMul(secrets.signing);
  const encryptionKey = baseMul(secrets.encryption);
  const signature = sign(secrets.signing, signingKey, "dkg/certificate", context.ceremony, trustee, encryptionKey);
  const certificate = certificateToJson({ trustee, signingKey, encryptionKey, signature });
  const title = task.descriptor.title;
  const label = title === undefined ? "" : pythonStr(title);
  const keyFile = await sealKeyFile(secrets, { ceremony: context.ceremony, passphrase, label, iterations });
  return { keyFile, answer: answerDocument(task, "certificate", { certificate }) };
}

function pythonStr(value) {
  // str() of what json.loads gives, for the few cases a title could be.
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

/** Steps 2 to 4 (polynomial, check, decrypt) with the secrets from the trustee's key file. */
export async function answer(task, secrets) {
  const context = await checkTask(task);
  if (task.trustee !== secrets.trustee) fail("task-other-trustee", "this task is for another trustee");
  if (task.step === "certificate") fail("wrong-step", "this step makes new keys: use newKeys");
  const certificates = checkCertificates(task, context, secrets);
  if (task.step === "polynomial") {
    return answerDocument(task, "polynomial", { polynomial: polynomialToJson(makePolynomial(context, secrets, certificates)) });
  }
  const polynomials = checkPolynomials(task, context, certificates);
  if (task.step === "check") return answerDocument(task, "check", await check(context, secrets, certificates, polynomials));
  return answerDocument(task, "decrypt", decrypt(task, context, secrets, polynomials));
}
