"""How an audit event's details read: in Chinese, in the admin's list and in the exported log."""
from django.apps import apps

from reports.choices import ReportStatus

# Some writers of the log name its details in English (keys, statuses, kinds); the list and the
# export show them in Chinese. The stored event keeps them exactly as written (it is never changed).
DETAIL_KEYS = {
    "source": "来源", "version": "版本", "sha256": "SHA-256", "changed": "变化", "file": "文件",
    "outcome": "结果", "report": "报告", "message": "说明", "errors": "错误", "warnings": "警告",
    "kind": "类型", "selection": "筛选条件", "query": "查询条件", "reports": "报告数", "model": "数据",
    "format": "格式", "rows": "行数", "reasons": "原因", "from": "原状态", "to": "新状态", "comment": "意见",
    "status": "状态", "last_revision": "最后版本", "code": "规则", "location": "位置", "note": "核实意见",
    "paragraph": "段落", "span": "句子位置",
}  # fmt: skip
ROW_KINDS = {"new": "新增", "update": "更新", "skip": "跳过", "invalid": "无效", "error": "出错"}
STATUSES = dict(ReportStatus.choices)
DETAIL_VALUES = {
    "from": STATUSES, "to": STATUSES, "status": STATUSES,
    "kind": {"xlsx": "Excel（正式格式）", "docx": "Word（可发布）", "template": "Excel 填报模板", "source": "原始文件"},
}  # fmt: skip


def readable(detail):
    """An event's details as the list shows them (see DETAIL_KEYS)."""

    def value(key, stored):
        if key == "rows" and isinstance(stored, dict):
            return {ROW_KINDS.get(kind, kind): count for kind, count in stored.items()}
        if key == "model":
            try:
                return str(apps.get_model(stored)._meta.verbose_name)
            except (LookupError, ValueError, TypeError):  # a model since removed, or not a label
                return stored
        return DETAIL_VALUES.get(key, {}).get(stored, stored) if isinstance(stored, str) else stored

    return {DETAIL_KEYS.get(key, key): value(key, stored) for key, stored in detail.items()}
