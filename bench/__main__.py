"""`make bench [BENCH=name]`: build each benchmark's data at national scale in a database of
its own (`<name>_bench` on the PostgreSQL server of DATABASE_URL, or the local one), print
the figures and write them to bench/results.json."""

import importlib
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCHMARKS = [
    "national_session",
    "checkin",
    "reminders",
    "certificates",
    "reports",
    "dashboard",
    "pages",
    "network",
    "rush",
]
RESULTS = Path(__file__).resolve().parent / "results.json"


def bench_database_url() -> str:
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/diemcau"))
    if not url.scheme.startswith("postgres"):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    name = (url.path.strip("/") or "diemcau") + "_bench"
    return urlunsplit(url._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def main(names: list[str]) -> None:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        sys.exit(f"Unknown benchmark: {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}")
    url = bench_database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # The production settings, with secrets of the bench's own: it signs nothing real.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-signs-nothing-real")
    os.environ.setdefault("TICKET_SECRET", "bench-only-ticket-secret-signs-nothing-real")

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    figures = []
    for name in names or BENCHMARKS:
        print(f"== {name}", flush=True)
        # Each benchmark builds its data in a fresh database: none sees another's rows.
        connections.close_all()
        recreate_database(url)
        call_command("migrate", verbosity=0)
        for figure in importlib.import_module(f"bench.{name}").run():
            print(
                f"{figure.name:32} {figure.value:12.3f} {figure.unit:8} "
                f"baseline {figure.baseline:10.3f}  ratio {figure.ratio:.3f}",
                flush=True,
            )
            figures.append(figure.as_dict())
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main([name for name in sys.argv[1:] if name])
