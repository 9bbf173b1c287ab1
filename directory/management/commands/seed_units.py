from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from directory.models import AdministrativeUnit
from directory.selectors import unit_level_counts, valid_on_q
from directory.services import seed_current_units


class Command(BaseCommand):
    help = "Seed today's provinces and communes from the vietnam-provinces package (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_current_units()
        self.stdout.write(f"Seeded: {result.created} created, {result.updated} updated.")
        units = AdministrativeUnit.objects.all()
        current = unit_level_counts(units.filter(valid_on_q(timezone.localdate())))
        every = unit_level_counts(units)
        for level, label in AdministrativeUnit.Level.choices:
            self.stdout.write(f"{label}: {current[level]} current, {every[level]} in all")
