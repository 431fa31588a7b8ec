def work_order(reference: str = "GD-2026-0001", **overrides) -> dict:
    """A complete 12345 work order, as the hotline platform sends it."""
    data = {
        "reference": reference,
        "kind": "complaint",
        "complainant_name": "李四",
        "complainant_phone": "13900139000",
        "respondent_name": "某健身房",
        "incident_time": "2026年11月18日",
        "incident_place": "白沙街道健身路8号",
        "facts": "健身房关门,预付卡余额无法退还",
        "demand": "退还余额2000元",
    }
    data.update(overrides)
    return data
