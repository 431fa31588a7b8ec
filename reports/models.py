"""Models of the reports app live in their own modules; imported here so Django finds them."""
from reports.exports import CaseExport  # noqa: F401
from reports.rollups import (  # noqa: F401
    DailyFigures,
    DailyHandling,
    DailyOverdue,
    MonthlyFigures,
    RollupDirtyDay,
    RollupState,
)
from reports.snapshots import RankingWeights, ReportSnapshot  # noqa: F401
