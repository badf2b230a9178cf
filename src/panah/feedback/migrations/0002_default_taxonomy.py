from django.db import migrations


def load(apps, schema_editor):
    from panah.feedback import taxonomy

    taxonomy.load(apps.get_model("feedback", "Category"), apps.get_model("feedback", "SlaTarget"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
