"""The organisation: units in a tree, their staff, the areas they cover and the case categories."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A node of the organisation tree; `path` lets a district center see its subtree in one query."""

    class Kind(models.TextChoices):
        CENTER = "center", _("市12315指挥中心")
        DISTRICT_CENTER = "district_center", _("区县12315受理中心")
        STATION = "station", _("市场监管所")
        SQUAD = "squad", _("执法中队")
        DEPARTMENT = "department", _("职能科室")
        EXTERNAL = "external", _("外部部门")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    email = models.EmailField(_("邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived from the parent's; external departments stand outside the tree.
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def is_center(self) -> bool:
        return self.kind == self.Kind.CENTER

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


class User(AbstractUser):
    """A member of staff. The role names a Group whose permissions the role grants (see RoleBackend)."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("登记员")
        HANDLER = "handler", _("承办人")
        UNIT_LEADER = "unit_leader", _("承办单位负责人")
        SUPERVISOR = "supervisor", _("督办员")
        DIRECTOR = "director", _("中心主任")

    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_center_staff(self) -> bool:
        return self.unit is not None and self.unit.kind == Unit.Kind.CENTER


class Area(models.Model):
    """An administrative division (down to street/village) or a named zone, and the unit covering it."""

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道/乡镇")
        VILLAGE = "village", _("社区/村")
        ZONE = "zone", _("特定区域")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("管辖单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="areas"
    )

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """Business category (业务分类), a two-level tree used for routing and hotspot analysis."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("业务分类")
        verbose_name_plural = _("业务分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name
