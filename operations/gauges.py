"""The gauges of this project's own apps, registered in core.metrics (another app, e.g. an SMS
outbox, adds its own there in its ready())."""
from django.db.models import Q
from django.utils import timezone

from complaints.models import Case
from core.metrics import gauge_add
from deadlines.models import CaseClock
from integration.models import WebhookDelivery
from supervision.models import SweepRun


def _running_clocks():
    return CaseClock.objects.filter(stopped_at__isnull=True)


def _last_sweep_seconds():
    run = SweepRun.last(SweepRun.DEADLINES)
    return run.duration_seconds if run else None


def _last_sweep_age():
    run = SweepRun.last(SweepRun.DEADLINES)
    return (timezone.now() - run.succeeded_at).total_seconds() if run else None


def gauges_register() -> None:
    gauge_add("cases12315_clocks_open", "Deadline clocks not stopped (running or paused).",
              lambda: _running_clocks().count())
    gauge_add("cases12315_clocks_overdue", "Running (not paused) deadline clocks past their due time.",
              lambda: _running_clocks().filter(Q(paused_at__isnull=True), due_at__lte=timezone.now()).count())
    gauge_add("cases12315_cases_awaiting_registration", "Work orders received and not yet registered.",
              lambda: Case.objects.filter(state=Case.State.RECEIVED).count())
    gauge_add("cases12315_webhook_outbox_depth", "Webhook deliveries pending (not delivered, not given up).",
              lambda: WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).count())
    gauge_add("cases12315_deadline_sweep_duration_seconds", "Duration of the last successful deadline sweep.",
              _last_sweep_seconds)
    gauge_add("cases12315_deadline_sweep_age_seconds", "Seconds since the last successful deadline sweep.",
              _last_sweep_age)
