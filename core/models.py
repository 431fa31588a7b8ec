"""Abstract models every layer may build on."""
from django.db import models

from .cache import TimedCopy


class SingleRowSettings(models.Model):
    """A table of rules the center edits in the admin that holds one row (pk=1): read with
    `current()` to edit it, or `cached()` on hot paths such as intake."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls):
        """The row to edit, created with the defaults the first time."""
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def read(cls):
        """The row, or the defaults unsaved while the center has never saved one. A read never
        inserts: an insert in the caller's transaction (a registration) would make every other
        process wait on its row until that transaction ends."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def cached(cls):
        """The settings as read at most a few seconds ago (core/cache.py). Read only: edit the row
        got from `current()`."""
        # One per-process copy per concrete table, made on first use.
        copy = cls.__dict__.get("_cached_copy")
        if copy is None:
            copy = TimedCopy(cls.read)
            cls._cached_copy = copy
        return copy.get()
