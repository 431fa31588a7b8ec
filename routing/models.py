"""The organisation: units in a tree, their staff, the areas they cover and the case categories."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.choices import CaseKind


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
    # A unit's own rule (经办人 → 负责人): its handlers' replies go to the center only once signed off.
    reply_needs_sign_off = models.BooleanField(
        _("答复须经负责人签发"), default=False,
        help_text=_("勾选后，本单位承办人的答复须经承办单位负责人签发后才报送中心核查"),
    )

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
    def oversees(self) -> bool:
        """The city center, or a district center: they dispatch, review and supervise (their own units)."""
        return self.kind in OVERSEEING_KINDS

    @property
    def is_center(self) -> bool:
        return self.kind == self.Kind.CENTER

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is `other` or lies below it."""
        return self.path.startswith(other.path)


# The kinds of unit that dispatch, review and supervise, and for which reports are published.
OVERSEEING_KINDS = (Unit.Kind.CENTER, Unit.Kind.DISTRICT_CENTER)


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
    # Codes from the root down ("440703/440703001/"): a case's area names all its ancestors without
    # walking the tree, so routing costs the same few queries at any depth.
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        if self.pk and old_path and old_path != self.path and old_path in self.path:
            raise ValueError("an area cannot be moved below itself")
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving or renaming an area moves its whole subtree.
            Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of this area and every area above it, nearest last."""
        return [code for code in self.path.split("/") if code]


class RoutingRule(models.Model):
    """Area and/or category and/or kind → the unit with jurisdiction (管辖规则).

    A rule matches a case when each of its set conditions holds: the respondent's area is the rule's
    area or lies inside it, the case's category is the rule's or a sub-category of it, the kind is
    the rule's. Among matching rules the highest priority wins; at equal priority the most specific
    (deeper area, then sub-category, then kind), then the oldest rule.
    """

    area = models.ForeignKey(
        Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="rules",
        help_text=_("留空表示任何区域;含下级区域"),
    )
    # Depth of the area in the tree, kept with the rule so the database can order by specificity.
    area_depth = models.PositiveSmallIntegerField(_("区域层级深度"), default=0, editable=False)
    category = models.ForeignKey(
        "routing.Category", verbose_name=_("业务分类"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="rules", help_text=_("留空表示任何分类;一级分类含其下级分类"),
    )
    category_depth = models.PositiveSmallIntegerField(_("分类层级深度"), default=0, editable=False)
    case_kind = models.CharField(
        _("工单类型"), max_length=20, choices=CaseKind.choices, blank=True, help_text=_("留空表示所有类型")
    )
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="rules")
    priority = models.IntegerField(_("优先级"), default=100, help_text=_("数值越大越优先;相同时越具体的规则越优先"))
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分流规则")
        verbose_name_plural = _("分流规则")
        ordering = ["-priority", "-area_depth", "-category_depth", "pk"]
        indexes = [
            models.Index(fields=["area", "is_active"], name="routing_rule_area_idx"),
            models.Index(fields=["category", "is_active"], name="routing_rule_category_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} → {self.unit}"

    def clean(self) -> None:
        if self.area_id is None and self.category_id is None and not self.case_kind:
            raise ValidationError(_("规则至少要指定区域、业务分类或工单类型之一。"))
        if self.unit_id and self.unit.kind == Unit.Kind.EXTERNAL:
            raise ValidationError({"unit": _("规则不能指向外部部门,外部部门请用“移送”。")})

    def save(self, *args, **kwargs):
        self.area_depth = len(self.area.ancestor_codes) if self.area_id else 0
        self.category_depth = (2 if self.category.parent_id else 1) if self.category_id else 0
        super().save(*args, **kwargs)


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
