"""Static files in production: WhiteNoise's compressed, hashed copies, ES module imports included."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Rewrites ``import ... from "./crypto.js"`` in the voting modules to the hashed names too.

    Without it a hashed ``ballot.js`` would import an unhashed ``crypto.js``,
    and browsers could mix two versions of the crypto for a while after a
    deploy: a ballot made with one and checked against the other.
    """

    support_js_module_import_aggregation = True
