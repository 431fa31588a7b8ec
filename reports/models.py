"""Models of the reports app live in their own modules; imported here so Django finds them."""
from reports.snapshots import RankingWeights, ReportSnapshot  # noqa: F401
