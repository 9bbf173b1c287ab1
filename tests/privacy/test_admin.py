"""The administrator reads the correction requests and the export record, and cannot
change either: they change only through their own pages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_lists_the_records_read_only(client):
    admin = get_user_model().objects.create_superuser("quan-tri", "qt@example.vn", "mật-khẩu")
    client.force_login(admin)

    for name in ("privacy_correctionrequest", "directory_personaldataexport"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403
