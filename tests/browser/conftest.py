"""Browser tests: Playwright driving the system chromium against pytest-django's live_server.

Every test in this folder is marked ``browser`` (skipped when chromium/playwright are missing,
a failure under CI). Screenshots go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse
# to run here ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
_saved: list[Path] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    path = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(page, screenshot_dir: Path):
    """``screenshot("login-empty")`` saves a full-page PNG of the current page and returns its path."""

    def take(name: str) -> Path:
        safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "screenshot"
        path = screenshot_dir / f"{safe}.png"
        page.screenshot(path=str(path), full_page=True)
        _saved.append(path)
        return path

    return take


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _saved:
        folder = _saved[0].parent
        terminalreporter.write_line(f"browser screenshots ({len(_saved)}) saved in {folder}")
