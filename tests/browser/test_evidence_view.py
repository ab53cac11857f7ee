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
    await expect(rows).to_have_count(4)

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


async def test_an_agent_trajectory_shows_step_verdicts_and_the_running_score(
    browser: Browser, web_url: str, tmp_path: Path
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{web_url}/sessions/agent-1?token={TOKEN}")
    trajectory = page.locator(".panel.judge .trajectory")
    await expect(trajectory).to_contain_text("score 85")
    await expect(trajectory).to_contain_text("failed")
    await expect(trajectory.locator(".first-error")).to_contain_text("turn #3 (33% into the trajectory)")
    strip = trajectory.locator(".score-strip li")
    await expect(strip).to_have_text(["100", "95", "95", "85", "85", "85"])
    await expect(strip.nth(3)).to_have_class("sev-critical")

    await expect(page.locator("#turn-1 .step-verdict")).to_have_count(0)  # the user's turn is not a step
    await expect(page.locator("#turn-2 .step-verdict")).to_contain_text("✓ correct step")
    failed = page.locator("#turn-3 .step-verdict")
    await expect(failed).to_contain_text("✗ tool_failure")
    await expect(failed).to_contain_text("execution · major")
    await expect(failed).to_contain_text("first error")
    await expect(failed).to_contain_text("score 95")
    await expect(page.locator("#turn-5 .step-verdict")).to_contain_text("action_without_confirmation")
    await expect(page.locator("#turn-5 .step-verdict")).to_contain_text("Cancelled before the user said yes.")
    await expect(page.locator("#turn-7 .step-verdict")).to_contain_text("score 85")

    await strip.nth(1).locator("a").click()
    await page.wait_for_url("**#turn-3")
    assert "jane.doe@example.com" not in await page.content()
    await page.screenshot(path=str(tmp_path / "trajectory.png"), full_page=True)


async def test_without_the_token_the_page_is_refused(browser: Browser, web_url: str) -> None:
    page = await browser.new_page()
    response = await page.goto(f"{web_url}/sessions")
    assert response is not None and response.status == 401
