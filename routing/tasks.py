"""Celery task: a large import's dry run or confirmed import (routing/import_jobs.py)."""
from celery import shared_task

from .import_jobs import import_job_run


@shared_task(ignore_result=True)
def import_job_task(job_id: int, confirm: bool) -> None:
    import_job_run(job_id=job_id, confirm=confirm)
