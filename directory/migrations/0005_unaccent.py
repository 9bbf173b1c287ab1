from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Accent-insensitive search ("nguyen" finds "Nguyễn") on PostgreSQL; the operation does
    nothing on SQLite, where common.search registers a function of its own."""

    dependencies = [("directory", "0004_unit_succession")]

    operations = [UnaccentExtension()]
