"""Static files as production serves them: hashed names, compressed copies."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the `import` lines of ES modules to the hashed names: the scanner is
    modules, and a phone that kept an old module beside a new main.js would break after a
    deploy."""

    support_js_module_import_aggregation = True

    def url(self, name: str, force: bool = False) -> str:
        # Development (`make run`) collects nothing: WhiteNoise serves the source folders
        # under their own names, as it did when Django's DEBUG was on there. collectstatic
        # (the Docker build runs it with DEBUG=1) rewrites references with force=True.
        if getattr(settings, "DEVELOPMENT", False) and not force:
            return FileSystemStorage.url(self, name)
        return super().url(name, force=force)
