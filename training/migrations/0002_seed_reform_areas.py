from django.db import migrations

# The six content areas of the state administrative reform master programme 2021-2030
# (Resolution 76/NQ-CP of 15 July 2021).
REFORM_AREAS = [
    (1, "Cải cách thể chế", "Institutional reform"),
    (2, "Cải cách thủ tục hành chính", "Administrative procedure reform"),
    (3, "Cải cách tổ chức bộ máy hành chính nhà nước", "Reform of the state administrative apparatus"),
    (4, "Cải cách chế độ công vụ", "Civil service reform"),
    (5, "Cải cách tài chính công", "Public finance reform"),
    (6, "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số", "E-government and digital government"),
]


def seed(apps, schema_editor):
    ReformArea = apps.get_model("training", "ReformArea")
    for number, name, name_en in REFORM_AREAS:
        ReformArea.objects.update_or_create(
            number=number, defaults={"name": name, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
