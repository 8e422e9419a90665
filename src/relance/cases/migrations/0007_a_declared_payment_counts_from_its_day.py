"""A declared payment's hold on reminders counts from the day it was declared (the
service's `on_date`), not from the moment its row was written; existing rows take the
day of their creation."""
import django.utils.timezone
from django.db import migrations, models


def from_creation(apps, schema_editor):
    PaymentDeclaration = apps.get_model("cases", "PaymentDeclaration")
    for declaration in PaymentDeclaration.objects.only("created_at").iterator():
        declaration.declared_on = django.utils.timezone.localdate(declaration.created_at)
        declaration.save(update_fields=["declared_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_a_declared_payment_expires"),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentdeclaration",
            name="declared_on",
            field=models.DateField(default=django.utils.timezone.localdate,
                                   verbose_name="declared on"),
        ),
        migrations.RunPython(from_creation, migrations.RunPython.noop),
    ]
