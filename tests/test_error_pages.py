"""Refusals and missing pages answer in Chinese, inside the site's layout."""

import pytest

from tests.complaints import journeys

pytestmark = pytest.mark.django_db


def test_forbidden_page_says_why(client, org):
    client.force_login(org.handler)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "只有12315中心和区县受理中心可以查看统计看板" in page


def test_missing_case_page(client, org):
    journeys.to_dispatched(org)
    client.force_login(org.far_handler)
    response = client.get("/cases/2099010100001/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
