"""Static files as production serves them: hashed names, compressed copies."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the `import` lines of ES modules to the hashed names: the scanner is
    modules, and a phone that kept an old module beside a new main.js would break after a
    deploy."""

    support_js_module_import_aggregation = True
