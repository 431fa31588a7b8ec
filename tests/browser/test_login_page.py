"""The login page renders in Chinese and refuses wrong credentials with a Chinese message."""
import re

from playwright.sync_api import expect

# Where a login form can show "wrong username or password": Django's form-level error list,
# the admin-style error note, or an alert box.
ERROR_SELECTOR = ", ".join(
    [
        ".errorlist",
        ".errornote",
        ".alert",
        ".error",
        ".invalid-feedback",
        ".messages",
        "[role=alert]",
    ]
)


def test_login_page_shows_form_and_rejects_wrong_password(live_server, page, screenshot):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page).to_have_title(re.compile("登录"))
    expect(page.get_by_role("heading", name=re.compile("登录")).first).to_be_visible()

    username = page.locator("input[name=username]")
    password = page.locator("input[name=password]")
    expect(username).to_be_visible()
    expect(password).to_be_visible()
    expect(password).to_have_attribute("type", "password")
    screenshot("login-page")

    username.fill("nobody")
    password.fill("definitely-wrong")
    password.press("Enter")

    error = page.locator(ERROR_SELECTOR).filter(has_text=re.compile("用户名|密码")).first
    expect(error).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    screenshot("login-wrong-password")
