"""The .xlsx template of each import: the Chinese headers the importer reads, an example row from
a real city （佛山市， NBS codes）， and a note on the header saying what each column takes."""
import io

from django.utils.translation import gettext as _

TEMPLATES = {
    "areas": (
        ["区域编码", "名称", "层级", "上级编码", "管辖单位编码"],
        [["440604", "禅城区", "区", "440600", "FS04"], ["440604010", "祖庙街道", "街道", "", "FS0401"]],
        "统计用区划代码（6位区县、9位乡镇街道、12位村社区）；层级可写 省/市/区/县/县级市/街道/镇/乡/社区/村；"
        "上级编码可不填，按代码推出",
    ),
    "units": (
        ["单位编码", "单位名称", "单位类型", "上级单位编码", "覆盖区域编码", "职责", "邮箱", "启用"],
        [["FS04", "禅城区12315受理中心", "区县12315受理中心", "FS", "440604", "投诉举报受理", "", "是"],
         ["FS04ZD", "禅城区市场监管执法中队", "执法中队", "FS04", "440604Z01", "执法", "", "是"]],
        "覆盖区域可填多个，用分号隔开；同一区域可由不同职责的多个单位覆盖",
    ),
    "categories": (
        ["分类编码", "分类名称", "上级分类编码"],
        [["02", "预付卡", ""], ["0202", "健身", "02"]],
        "两级：一级分类不填上级，二级分类填一级分类编码",
    ),
    "users": (
        ["登录名", "姓名", "单位编码", "角色", "电话", "邮箱", "启用"],
        [["zumiao_chen", "陈志强", "FS0401", "承办人", "13923100001", "", "是"]],
        "新账号的初始密码在导入结果中显示一次，首次登录须修改；停用填“否”，不会删除账号",
    ),
    "rules": (
        ["顺序号（1最先）", "区域编码", "分类编码", "工单类型", "承办单位编码", "启用", "说明"],
        [[1, "", "01", "", "FS-SP", "是", "食品类由食品安全监管科办理"],
         [10, "440604010", "", "", "FS0401", "是", "祖庙街道由祖庙所管辖"]],
        "顺序号 1 最先：多条规则都匹配时顺序号小的生效；永远不会生效的规则导入时给出警告",
    ),
}


def import_template(what: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    headers, examples, note = TEMPLATES[what]
    book = Workbook()
    sheet = book.active
    sheet.title = _("导入模板")
    sheet.append(headers)
    for row in examples:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["A1"].comment = Comment(note, "12315")
    for column in "ABCDEFGH":
        sheet.column_dimensions[column].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
