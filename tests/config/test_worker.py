"""A task sent from the web reaches a real Celery worker on the real broker.

The broker is Redis when REDIS_URL is set (CI) and kombu's filesystem transport otherwise
(`make run`'s embedded default): either way a separate worker process takes the task.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def worker_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(smtp_server):
    port, _inbox = smtp_server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": worker_database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": "http://testserver",
    }
    log = open(ROOT / "var" / "test-worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_sign_in_link_requested_on_the_web_is_mailed_by_the_worker(
    client, smtp_server, celery_worker_process
):
    # given an attendee with an address on the directory, and a worker on the real broker
    _port, inbox = smtp_server
    person = PersonFactory(full_name="Vũ Văn Mạnh", email="manh.vv@songlo.example.vn")
    assert settings.CELERY_TASK_DEFAULT_QUEUE.startswith("diemcau-test-")

    # when they ask for a sign-in link on the web page
    response = client.post(reverse("sign_in_link_request"), {"email": "MANH.VV@songlo.example.vn"})
    assert response.status_code == 200

    # then the worker process sends the e-mail through the SMTP server
    log = ROOT / "var" / "test-worker.log"
    assert wait_for(lambda: inbox.messages), "no mail arrived; worker log:\n" + log.read_text()
    message = inbox.messages[0]
    assert message["To"] == person.email
    assert message["Subject"].strip() == "Đường dẫn đăng nhập DiemCau của bạn"
    text = message.get_body(("plain",)).get_content()
    assert "Kính gửi Vũ Văn Mạnh" in text

    # and the link in it signs the attendee in, once
    link = re.search(r"http://testserver(/\S+)", text).group(1)
    token = link.split("token=")[1]
    response = client.post(reverse("sign_in_link"), {"token": token})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["person"] == person
    assert celery_worker_process.poll() is None
