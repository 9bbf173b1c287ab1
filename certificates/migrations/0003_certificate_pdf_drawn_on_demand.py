"""Certificates' PDFs are drawn on demand: the file field keeps the files of certificates
issued before, under a name that says so, in the same column (no table rewrite)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0002_collation_guards_and_dry_run"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="certificate", name="pdf"),
                migrations.AddField(
                    model_name="certificate",
                    name="stored_pdf",
                    field=models.FileField(
                        blank=True,
                        db_column="pdf",
                        upload_to="certificates/",
                        verbose_name="PDF stored at issue",
                    ),
                ),
            ],
        ),
    ]
