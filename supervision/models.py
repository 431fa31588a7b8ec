"""Supervision's tables: the rules the center sets for escalation and hotspots (`policy.py`) and
what supervision records about cases (`records.py`). The calendar, the time-limit policy, the
warning lead and the clocks are the deadlines app's; the repeat and cluster rules, the professional
claimants and the clusters are registration's (complaints/models/repeats.py)."""

# The models live in their own modules; imported here so Django finds them.
from supervision.policy import SupervisionSettings  # noqa: F401
from supervision.records import Escalation, RedLineItem  # noqa: F401
from supervision.sampling_models import SampledCase, SamplingDraw, SamplingRate  # noqa: F401
from supervision.sweep_runs import SweepRun  # noqa: F401
