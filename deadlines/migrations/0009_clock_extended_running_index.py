"""The running week's notice reads the running deadlines extended by approval that have passed
(reports/selectors_notice_kept.py) from this index."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0008_full_width_punctuation'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='caseclock',
            index=models.Index(condition=models.Q(('extended_days__gt', 0), ('stopped_at__isnull', True)), fields=['due_at'], name='clock_extended_running_idx'),
        ),
    ]
