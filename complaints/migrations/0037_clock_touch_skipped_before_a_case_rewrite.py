"""The clocks' touch of their case is skipped while the writer has said it rewrites those cases
next (complaints.inbox_tally_sql.CASE_REWRITE_FOLLOWS): set-based registration started each case's
dispatch clock, which rewrote the case, then rewrote it again as registered. The install is
idempotent (CREATE OR REPLACE, triggers dropped and made again); without the setting the function
behaves as before, so going back needs nothing."""
from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from complaints.inbox_tally_sql import INSTALL

    schema_editor.execute(INSTALL)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0036_open_case_tally")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
