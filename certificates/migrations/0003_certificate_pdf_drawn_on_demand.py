"""Certificates' PDFs are drawn on demand: the file field only keeps the files of
certificates issued before, and says so (no change to the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0002_collation_guards_and_dry_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                blank=True, upload_to="certificates/", verbose_name="PDF stored at issue"
            ),
        ),
    ]
