"""Imports as jobs: the file is kept, checked in a dry run, and imported once the center confirms.
A file up to SYNC_LIMIT bytes is run in the request; a larger one (a province's villages) in the
Celery worker, whose progress the page reads from the cache."""
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile

from .imports import ImportRejected, ImportResult, routing_import
from .models import ImportJob

logger = logging.getLogger(__name__)
SYNC_LIMIT = 1_000_000
# How many warnings and notes a job keeps to show (a file may shadow thousands of its own rules).
KEEP = 500


def _progress_key(job_id: int) -> str:
    return f"routing-import-progress:{job_id}"


def import_job_progress(*, job: ImportJob) -> tuple[int, int] | None:
    """(rows done, rows in all) while the job runs, or None."""
    try:
        value = cache.get(_progress_key(job.pk))
    except Exception:  # the cache down: the page shows the state without a bar
        return None
    return tuple(value) if value else None


def import_job_create(*, what: str, content: bytes, filename: str, by) -> ImportJob:
    job = ImportJob(what=what, filename=filename[:200], created_by=by)
    job.file.save(filename, ContentFile(content), save=False)
    job.save()
    return job


def import_job_start(*, job: ImportJob, confirm: bool) -> ImportJob:
    """Check (dry run) or, confirmed, import: in the request for a small file, else in the worker."""
    job.state = ImportJob.State.IMPORTING if confirm else ImportJob.State.CHECKING
    job.save(update_fields=["state"])
    if job.file.size <= SYNC_LIMIT:
        return import_job_run(job_id=job.pk, confirm=confirm)
    from .tasks import import_job_task  # the tasks module imports this one

    import_job_task.delay(job.pk, confirm)
    return job


def _result_data(result: ImportResult) -> dict:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "warnings": [str(w) for w in result.warnings[:KEEP]], "warning_count": len(result.warnings),
            "notes": result.notes[:KEEP] if not result.dry_run else [], "errors": []}


def import_job_run(*, job_id: int, confirm: bool) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)

    def progress(done: int, total: int) -> None:
        try:
            cache.set(_progress_key(job.pk), [done, total], 3600)
        except Exception:
            logger.warning("import progress not recorded", exc_info=True)

    with job.file.open("rb") as upload:
        content = upload.read()
    try:
        result = routing_import(what=job.what, content=content, filename=job.filename, dry_run=not confirm,
                                progress=progress)
    except ImportRejected as rejected:
        job.state, job.result = ImportJob.State.REJECTED, {"errors": [str(e) for e in rejected.errors[:KEEP]],
                                                           "error_count": rejected.count}
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
    else:
        job.state = ImportJob.State.DONE if confirm else ImportJob.State.CHECKED
        job.result = _result_data(result)
    job.save(update_fields=["state", "result"])
    if job.state == ImportJob.State.DONE:
        job.file.delete(save=False)  # imported: the upload is not kept
        job.save(update_fields=["file"])
    return job
