"""The evidence view in headless Chromium: follow a link with a token, filter, open a session."""

from __future__ import annotations

import html
from pathlib import Path

from playwright.async_api import Browser, expect

from .conftest import TOKEN


async def test_link_filter_and_open_a_session(browser: Browser, web_url: str, tmp_path: Path) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    # Arrive from another site, as from an alert or a Grafana panel link.
    link = html.escape(f"{web_url}/sessions?token={TOKEN}&feature=All")
    await page.set_content(f'<a id="go" href="{link}">sessions behind this number</a>')
    await page.click("#go")
    await page.wait_for_url(f"{web_url}/sessions?feature=All")
    rows = page.locator("table.sessions tbody tr")
    await expect(rows).to_have_count(3)

    await page.select_option("select[name=archetype]", "drift")
    await page.click("button[type=submit]")
    await page.wait_for_url("**archetype=drift**")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("writer")
    await page.screenshot(path=str(tmp_path / "list.png"), full_page=True)

    await page.click("text=drift-1")
    await page.wait_for_url(f"{web_url}/sessions/drift-1")
    await expect(page.locator("#turn-0")).to_contain_text("Reply to [EMAIL].")
    await expect(page.locator("#turn-1")).to_contain_text("Once upon a time")
    await expect(page.locator("#turn-2 .signal")).to_contain_text("user_corrects_ai")
    await expect(page.locator("#turn-2 .signal")).to_contain_text('"That is not what I asked"')
    await expect(page.locator("#turn-1")).to_have_class("turn role-assistant evidence")
    await expect(page.locator(".panel.judge")).to_contain_text("kept going after the correction")
    await expect(page.locator(".panel.heuristic")).to_contain_text("drift")
    await expect(page.locator(".behaviour").first).to_contain_text("regenerate")
    assert "jane.doe@example.com" not in await page.content()

    await page.screenshot(path=str(tmp_path / "session.png"), full_page=True)


async def test_without_the_token_the_page_is_refused(browser: Browser, web_url: str) -> None:
    page = await browser.new_page()
    response = await page.goto(f"{web_url}/sessions")
    assert response is not None and response.status == 401
