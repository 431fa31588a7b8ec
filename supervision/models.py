"""Supervision's tables: the rules the center sets for escalation, repeats, clusters and hotspots
(`policy.py`) and what supervision records about cases (`records.py`). The calendar, the
time-limit policy, the warning lead and the clocks are the deadlines app's."""

# The models live in their own modules; imported here so Django finds them.
from supervision.policy import ProfessionalClaimant, SupervisionSettings  # noqa: F401
from supervision.records import CaseCluster, Escalation, RedLineItem  # noqa: F401
