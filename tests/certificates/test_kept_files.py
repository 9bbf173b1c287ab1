"""Kept files go through Django's storage API, whose backend the environment chooses: the
local disk by default, S3-compatible object storage for several machines."""

import json

from tests.config.test_deploy import PRODUCTION, READ_SETTINGS, refusal, start


def storages(**variables: str) -> dict:
    started = start(READ_SETTINGS % (["STORAGES"],), **(PRODUCTION | variables))
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout.strip().splitlines()[-1])["STORAGES"]


def test_the_demo_keeps_files_on_the_local_disk():
    assert storages()["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_production_points_kept_files_at_an_s3_compatible_bucket():
    default = storages(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="diemcau-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.vn",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )["default"]

    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "diemcau-files"
    assert options["endpoint_url"] == "https://s3.example.vn"
    # private, and never one file written over another of the same name
    assert options["default_acl"] is None and options["file_overwrite"] is False


def test_an_unknown_storage_backend_is_refused_at_start():
    assert "STORAGE_BACKEND" in refusal(**(PRODUCTION | {"STORAGE_BACKEND": "ftp"}))
