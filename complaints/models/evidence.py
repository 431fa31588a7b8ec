"""What evidence uploads accept: one row of rules the center edits in the admin."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import SingleRowSettings

DEFAULT_EXTENSIONS = "jpg,jpeg,png,gif,bmp,heic,pdf,doc,docx,xls,xlsx,ppt,pptx,txt,mp3,wav,amr,m4a,mp4,mov,zip,rar"


class EvidenceSettings(SingleRowSettings):
    """The largest evidence file and the file types accepted (photos, scans, documents, recordings,
    video), checked on every upload whatever the door (complaints/evidence_rules.py)."""

    max_size_mb = models.PositiveIntegerField(
        _("单个文件上限（MB）"), default=20, validators=[MinValueValidator(1), MaxValueValidator(2048)])
    allowed_extensions = models.CharField(
        _("允许的文件类型"), max_length=500, default=DEFAULT_EXTENSIONS,
        help_text=_("文件扩展名，以英文逗号分隔，如 jpg,png,pdf"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("证据上传规则")
        verbose_name_plural = _("证据上传规则")

    def extensions(self) -> set[str]:
        return {part.strip().lower().lstrip(".") for part in self.allowed_extensions.split(",") if part.strip()}
