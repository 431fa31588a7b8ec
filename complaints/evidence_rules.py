"""What an evidence upload accepts, whatever the door (the case page, the API, intake with files):
a file no larger than the center's limit, of a type on its list (EvidenceSettings, admin-editable).
The bytes are read once to measure them and take their SHA-256, which is kept with the file and
shown, so a copy handed to a court or a party can be checked against what was received."""
import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import EvidenceSettings


@dataclass(frozen=True)
class Measured:
    size: int
    sha256: str


def evidence_check(file) -> Measured:
    rules = EvidenceSettings.cached()
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not extension:
        raise ApplicationError(_("文件名无效：请使用带扩展名的文件名（如“收据.jpg”）。"), field="file")
    if extension not in rules.extensions():
        raise ApplicationError(
            _("不支持的文件类型“%(ext)s”。可以上传的类型：%(allowed)s。")
            % {"ext": extension, "allowed": "、".join(sorted(rules.extensions()))}, field="file")
    limit = rules.max_size_mb * 1024 * 1024
    digest, size = hashlib.sha256(), 0
    for chunk in file.chunks():
        size += len(chunk)
        if size > limit:
            raise ApplicationError(
                _("文件过大：单个证据文件不得超过 %(limit)s MB，请压缩或分开上传。") % {"limit": rules.max_size_mb},
                field="file")
        digest.update(chunk)
    file.seek(0)
    return Measured(size=size, sha256=digest.hexdigest())
