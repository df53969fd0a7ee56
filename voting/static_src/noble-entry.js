// Entry point of the vendored bundle voting/static/voting/vendor/noble.js.
// Re-exports only what voting/static/voting/js/crypto.js uses, so the bundle
// stays small and its diff reviewable. Rebuild with `npm ci && npm run vendor`.
export { secp256k1 } from "@noble/curves/secp256k1.js";
export { sha256, sha512 } from "@noble/hashes/sha2.js";
export { bytesToHex, hexToBytes, concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
