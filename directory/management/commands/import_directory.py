from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory import services
from directory.spreadsheets import TableRejected


class Command(BaseCommand):
    help = "Import administrative units or people from a CSV/XLSX file, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["units", "people"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="The organiser doing the import."
        )

    def handle(self, *args: Any, kind: str, file: Path, username: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user named {username!r}.")
        run = services.import_units if kind == "units" else services.import_people
        try:
            result = run(actor=actor, file_name=file.name, content=file.read_bytes())
        except TableRejected as rejected:
            for error in rejected.errors[:50]:
                self.stderr.write(f"row {error.row}, {error.column or '-'}: {error.reason}")
            raise CommandError(f"{len(rejected.errors)} errors; nothing was imported.") from None
        self.stdout.write(
            f"{result.rows} rows: {result.created} created, {result.updated} updated."
        )
