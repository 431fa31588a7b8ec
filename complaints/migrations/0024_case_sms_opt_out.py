# Complainants may ask for no SMS (不接收短信).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0023_move_intake_rules_from_supervision'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='sms_opt_out',
            field=models.BooleanField(default=False, verbose_name='不接收短信'),
        ),
    ]
