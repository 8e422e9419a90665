from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0007_contact_phone_invalid'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='is_consumer',
            field=models.BooleanField(default=False, verbose_name='consumer'),
        ),
        migrations.AddField(
            model_name='customer',
            name='insolvency_proceedings',
            field=models.BooleanField(default=False, verbose_name='in insolvency proceedings'),
        ),
    ]
