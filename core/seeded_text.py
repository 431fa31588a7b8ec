"""A data migration that corrects the text of seeded rows: each (model, field, old, new) is written
only where the row still holds the text it was seeded with, so a row the center edited in the admin
is left as it is; undone by swapping old and new. Used by the full-width punctuation migrations."""
from django.db import migrations


def seeded_text_replacement(app_label: str, pairs: list[tuple[str, str, str, str]]) -> migrations.RunPython:
    def replace(apps, swap: bool) -> None:
        for model, field, old, new in pairs:
            if swap:
                old, new = new, old
            apps.get_model(app_label, model).objects.filter(**{field: old}).update(**{field: new})

    return migrations.RunPython(lambda apps, _schema: replace(apps, False),
                                lambda apps, _schema: replace(apps, True))
