"""The running week's notice and the stage replies owed read the extended clocks from these two
small indexes (reports/selectors_notice_kept.py, supervision.selectors.stage_reply_owed)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0037_clock_touch_skipped_before_a_case_rewrite'),
        ('deadlines', '0008_full_width_punctuation'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='caseclock',
            index=models.Index(condition=models.Q(('extended_days__gt', 0), ('stopped_at__isnull', True)), fields=['due_at'], name='clock_extended_running_idx'),
        ),
        migrations.AddIndex(
            model_name='caseclock',
            index=models.Index(condition=models.Q(('original_due_at__isnull', False)), fields=['original_due_at'], name='clock_original_due_idx'),
        ),
    ]
