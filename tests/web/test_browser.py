"""The workspace in a real browser: Debian's Chromium driven by Playwright against the app
under uvicorn on loopback, with the fake model and embeddings. Screenshots go to web-shots/."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copilot.settings import PROJECT_ROOT
from copilot.store.tables import Rep
from tests.web.live import serving
from tests.web.world import BETA_NAME, WebWorld

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.enable_socket,
    pytest.mark.allow_hosts(["127.0.0.1"]),
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed: apt-get install -y chromium"
    ),
]
playwright_api = pytest.importorskip("playwright.sync_api")
SHOTS = PROJECT_ROOT / "web-shots"
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
Page = Any  # playwright's Page; typed loosely so the module imports without playwright


@pytest.fixture(scope="module")
def base_url(web_world: WebWorld) -> Iterator[str]:
    with serving(web_world.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    SHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _sign_in(page: Page, base_url: str, token: str) -> None:
    page.goto(base_url + "/")
    assert page.url.endswith("/signin")
    page.get_by_label("Manager token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/")


@pytest.fixture(scope="module")
def signed_in(browser: Any, base_url: str, web_world: WebWorld) -> Iterator[Any]:
    """A browser context signed in as alpha's manager; CSP violations are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.csp_errors = []
    context.dialogs = []  # an alert() from injected markup would land here
    page = context.new_page()
    _sign_in(page, base_url, web_world.alpha_token)
    page.close()
    yield context
    context.close()


@pytest.fixture
def page(signed_in: Any) -> Iterator[Page]:
    page = signed_in.new_page()
    page.on(
        "console",
        lambda m: signed_in.csp_errors.append(m.text) if "Content Security" in m.text else None,
    )
    page.on("dialog", lambda d: (signed_in.dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_then_the_board_shows_only_the_teams_reps(
    browser: Any, base_url: str, web_world: WebWorld
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/")
    shot(page, "signin-phone")
    _sign_in(page, base_url, web_world.alpha_token)
    cookies = {c["name"]: c for c in context.cookies()}
    assert (
        cookies["copilot_session"]["httpOnly"] and cookies["copilot_session"]["sameSite"] == "Lax"
    )
    assert page.evaluate("localStorage.length") == 0
    assert web_world.alpha_token not in page.content()
    board = page.locator("ol.reps > li")
    assert board.count() == len(web_world.alpha_reps)
    assert BETA_NAME not in page.content()
    cells = page.locator(".grid2 .chip, .cell-unknown .chip")
    assert cells.count() == len(web_world.alpha_reps)  # every rep placed in the 2x2
    shot(page, "board-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the board scrolls sideways on a phone ({width}px)"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base_url + "/signin")
    context.close()


def test_board_and_rep_page_on_a_laptop_follow_an_evidence_link(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    shot(page, "board")
    page.locator("ol.reps a[href='/reps/A000']").click()
    page.wait_for_url(base_url + "/reps/A000")
    shot(page, "rep")
    link = page.locator("#diag-h ~ p .evidence a").first
    href = link.get_attribute("href")
    assert href and href.startswith("#")
    link.click()
    assert page.url.endswith(href)
    assert page.locator(href.replace(":", "\\:")).is_visible()
    assert page.locator("svg.chart rect.bar-team").count() >= 1  # the funnel vs team median


def test_markup_in_a_call_note_is_shown_as_text(page: Page, base_url: str) -> None:
    page.goto(base_url + "/reps/A000")
    note = page.locator("#call-A000-C2 .notes")
    assert "<script>window.__pwned = 1</script>" in note.inner_text()
    assert note.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned === undefined")


def test_another_teams_ids_answer_the_missing_page(
    page: Page, base_url: str, web_world: WebWorld
) -> None:
    missing = page.goto(base_url + "/reps/NO-SUCH-REP")
    assert missing is not None and missing.status == 404
    expected = page.locator("main").inner_text()
    for url in ("/reps/B000", f"/drafts/{web_world.beta_draft}", f"/plans/{web_world.beta_batch}"):
        got = page.goto(base_url + url)
        assert got is not None and got.status == 404, url
        assert page.locator("main").inner_text() == expected
        assert BETA_NAME not in page.content()
    shot(page, "not-found")


def test_draft_a_plan_then_edit_and_approve_it(page: Page, base_url: str) -> None:
    page.goto(base_url + "/reps/A001")
    page.get_by_role("button", name="Monthly plan").click()
    page.wait_for_url("**/drafts/*", timeout=20000)
    assert page.get_by_role("heading", name="Guard verdict").count() == 1
    assert page.locator("a[href$='followup.ics']").count() == 1
    shot(page, "draft")
    page.get_by_text("Edit the text").click()
    first = page.locator("form.edit textarea, form.edit input:not([type=hidden])").first
    first.fill("Edited by the manager: " + first.input_value())
    page.get_by_role("button", name="Save and re-check").click()
    page.wait_for_load_state()
    assert page.locator(".verdict .status").inner_text() == "edited"
    assert "the original is kept" in page.locator(".verdict").inner_text()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert page.locator(".verdict .status").inner_text() == "approved"
    page.goto(page.url + "/print")
    page.emulate_media(media="print")
    shot(page, "draft-print")
    pdf = page.pdf(format="A4")  # what the browser's Print would produce
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the plan prints on more than a page"


def test_record_a_session_with_a_commitment_and_mark_it_done(page: Page, base_url: str) -> None:
    page.goto(base_url + "/reps/A002")
    page.get_by_label("Date", exact=True).fill("2026-11-20")
    page.get_by_label("Focus", exact=True).fill("discovery")
    page.get_by_label("Notes").fill("Agreed to ask two pain questions per call.")
    page.get_by_label("Commitment 1").fill("Ask two pain questions on every call")
    page.locator("#c-due-0").fill("2026-11-27")
    page.get_by_role("button", name="Record session").click()
    page.wait_for_url("**/reps/A002#session-*")
    item = page.locator("li", has_text="Ask two pain questions on every call")
    assert item.locator(".status").inner_text() == "open"
    item.get_by_role("button", name="Mark done").click()
    page.wait_for_url("**/reps/A002#commitment-*")
    item = page.locator("li", has_text="Ask two pain questions on every call")
    assert item.locator(".status").inner_text() == "done"


def test_run_a_batch_and_watch_it_finish(page: Page, base_url: str) -> None:
    page.goto(base_url + "/plans")
    page.get_by_label("Month", exact=True).fill("2027-01")
    page.get_by_role("button", name="Draft every rep's plan").click()
    page.wait_for_url("**/plans/bat_*")
    page.get_by_role("button", name="Approve all drafted plans").wait_for(timeout=30000)
    assert "done" in page.locator("#prog-h").inner_text()
    shot(page, "batch")
    page.get_by_role("button", name="Approve all drafted plans").click()
    page.wait_for_load_state()
    assert page.locator(".batch-items .status-approved").count() >= 1


def test_a_chat_answer_streams_with_clickable_citations(page: Page, base_url: str) -> None:
    page.goto(base_url + "/reps/A000/chat")
    page.get_by_label("Ask about").fill("What should I cover in the 1:1?")
    page.get_by_role("button", name="Ask").click()
    turns = page.locator("#chat-history .turn.assistant")
    turns.first.wait_for(timeout=20000)
    assert "Answered" in page.locator("#chat-status").inner_text()
    assert int(page.locator("#chat-live").get_attribute("data-pieces") or 0) >= 2  # streamed
    assert turns.count() == 1
    shot(page, "chat")
    citation = turns.first.locator(".evidence a").first
    citation.click()
    page.wait_for_url("**/reps/A000#*")
    page.goto(base_url + "/reps/A000/chat")  # history is kept per manager and rep
    assert page.locator("#chat-history .turn.user").count() == 1


def test_a_failed_import_shows_every_error_and_writes_nothing(
    page: Page, base_url: str, web_world: WebWorld
) -> None:
    header = "rep_id,name,email,team,manager,role,start_date,goal,desire_rating\n"
    rows = header + "A950,New Rep,,alpha,M,,2025-01-06,,\nA951,Bad,,alpha,M,,someday,,\n"
    page.goto(base_url + "/import")
    page.get_by_label("reps.csv").set_input_files(
        files=[{"name": "reps.csv", "mimeType": "text/csv", "buffer": rows.encode()}]
    )
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    errors = page.locator(".import-errors li")
    assert errors.count() >= 1
    assert "reps.csv:3 field 'start_date'" in errors.first.inner_text()
    shot(page, "import-errors")
    with web_world.services.store.sessions() as session:
        assert session.get(Rep, ("alpha", "A950")) is None


def test_every_page_passes_axe(browser: Any, base_url: str, web_world: WebWorld) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe; the CSP is tested apart
    page = context.new_page()
    _sign_in(page, base_url, web_world.alpha_token)
    found = {}
    for path in (
        "/",
        "/reps/A000",
        f"/drafts/{web_world.alpha_draft}",
        "/plans",
        "/reps/A000/chat",
        "/import",
    ):
        page.goto(base_url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = [(v["id"], v["help"], len(v["nodes"])) for v in bad]
    context.close()
    assert not found, json.dumps(found)


def test_keyboard_alone_reaches_a_rep(signed_in: Any, base_url: str) -> None:
    page = signed_in.new_page()
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(40):  # tab through the 2x2 to the first rep of the ranked list
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('ol.reps')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/reps/*")
    page.close()


def test_the_rep_page_fits_a_phone(browser: Any, base_url: str, web_world: WebWorld) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    _sign_in(page, base_url, web_world.alpha_token)
    page.goto(base_url + "/reps/A000")
    shot(page, "rep-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375, f"the rep page scrolls sideways on a phone ({width}px)"


def test_no_page_broke_the_csp_or_opened_a_dialog(signed_in: Any) -> None:
    assert signed_in.csp_errors == []
    assert signed_in.dialogs == []
