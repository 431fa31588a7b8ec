"""The month's case export as a background job: requested from the page, run by the worker
(reports/tasks.py), read from the replica (core/replica.py) and written as it is read (openpyxl
write_only, the cases fetched in chunks), so a month of 100,000 cases stays within a few hundred
MB and a minute. Every complainant identity the file carries is noted in the personal-data access
log (complaints/access_log.py), as the same identity on a page would be."""
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from complaints.access_log import access_log_batch, access_log_flush, identity_access_note
from complaints.identity import may_see_identity
from complaints.models import Case, PersonalDataAccess
from core.replica import replica_reads

from .excel import streamed_book
from .exports import CaseExport
from .selectors_exports import COLUMNS, export_cases, export_names

logger = logging.getLogger(__name__)
SHOWN_IDENTITY = ("complainant_name", "complainant_phone")


def case_export_request(*, user, scope, month) -> CaseExport:
    from .tasks import case_export_task

    with transaction.atomic():
        export = CaseExport.objects.create(requested_by=user, scope=scope, month=month.replace(day=1))
        transaction.on_commit(lambda: case_export_task.delay(export.pk))
    return export


def export_progress_save(export: CaseExport, **fields) -> None:
    """Progress as the user's page polls it (written at once, outside any transaction)."""
    for name, value in fields.items():
        setattr(export, name, value)
    CaseExport.objects.filter(pk=export.pk).update(**fields)


def case_export_run(*, export_id: int, chunk_size: int | None = None) -> CaseExport:
    export = CaseExport.objects.select_related("requested_by", "scope").get(pk=export_id)
    if export.status == CaseExport.Status.DONE:
        return export  # a task delivered twice
    chunk_size = chunk_size or settings.EXPORT_CHUNK_ROWS
    try:
        with replica_reads(), tempfile.TemporaryDirectory() as folder:
            cases = export_cases(export)
            export_progress_save(export, status=CaseExport.Status.RUNNING, rows_total=cases.count(), rows_done=0)
            path = Path(folder) / "export.xlsx"
            with access_log_batch(path=f"/dashboard/exports/{export.pk}/", channel=PersonalDataAccess.Channel.EXPORT):
                written = streamed_book(path=path, title=f"{export.month:%Y-%m}",
                                        headers=[str(title) for title, _ in COLUMNS],
                                        widths=[width for _, width in COLUMNS],
                                        rows=_rows(export, cases, chunk_size))
            with path.open("rb") as handle:
                export.file.save(f"{export.scope.code}-{export.month:%Y-%m}-{export.pk}.xlsx", File(handle),
                                 save=False)
        export_progress_save(export, status=CaseExport.Status.DONE, rows_done=written, file=export.file.name,
                             finished_at=timezone.now())
    except Exception as error:
        logger.exception("case export %s failed", export.pk)
        export_progress_save(export, status=CaseExport.Status.FAILED, error=str(error)[:1000],
                             finished_at=timezone.now())
        raise
    return export


def _rows(export: CaseExport, cases, chunk_size: int):
    user = export.requested_by
    # Labels and names looked up once, not per row (a lazy translation costs a lookup each time).
    kinds, channels, states = ({key: str(label) for key, label in Case._meta.get_field(name).choices}
                               for name in ("kind", "channel", "state"))
    units, categories = export_names()
    done = 0
    for case in cases.iterator(chunk_size=chunk_size):
        shown = may_see_identity(case=case, user=user)
        if shown:
            identity_access_note(case=case, user=user,
                                 fields=[name for name in SHOWN_IDENTITY if getattr(case, name)])
        yield (case.number, kinds.get(case.kind, case.kind), channels.get(case.channel, case.channel),
               timezone.localtime(case.received_at).replace(tzinfo=None), states.get(case.state, case.state),
               case.complainant_name if shown else "", case.complainant_phone if shown else "",
               case.respondent_name, categories.get(case.category_id, ""), units.get(case.handling_unit_id, ""))
        done += 1
        if done % chunk_size == 0:
            access_log_flush()
            export_progress_save(export, rows_done=done)
