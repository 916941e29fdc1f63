"""The pages over HTTP without a browser: sessions, CSRF, headers, escaping, and team scope
over every page route the app registers."""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from copilot.api.tokens import revoke_token
from copilot.store.tables import WebSession
from copilot.web.pages import evidence_href
from copilot.web.sessions import COOKIE
from tests.web.conftest import sign_in
from tests.web.world import BETA_NAME, WebWorld


# Every page route with a sample URL naming one of beta's records (or none).
def _samples(w: WebWorld) -> dict[tuple[str, str], str]:
    return {
        ("GET", "/signin"): "/signin",
        ("POST", "/signin"): "/signin",
        ("POST", "/signout"): "/signout",
        ("GET", "/"): "/",
        ("GET", "/reps/{rep_id}"): "/reps/B000",
        ("POST", "/reps/{rep_id}/sessions"): "/reps/B000/sessions",
        ("POST", "/commitments/{commitment_id}"): "/commitments/nope",
        ("POST", "/reps/{rep_id}/drafts/{kind}"): "/reps/B000/drafts/questions",
        ("GET", "/drafting/{job_id}"): "/drafting/0123456789abcdef",
        ("GET", "/drafts/{draft_id}"): f"/drafts/{w.beta_draft}",
        ("POST", "/drafts/{draft_id}/approve"): f"/drafts/{w.beta_draft}/approve",
        ("POST", "/drafts/{draft_id}/edit"): f"/drafts/{w.beta_draft}/edit",
        ("GET", "/drafts/{draft_id}/print"): f"/drafts/{w.beta_draft}/print",
        ("GET", "/drafts/{draft_id}/followup.ics"): f"/drafts/{w.beta_draft}/followup.ics",
        ("GET", "/plans"): "/plans",
        ("POST", "/plans"): "/plans",
        ("GET", "/plans/{batch_id}"): f"/plans/{w.beta_batch}",
        ("GET", "/batches/{batch_id}"): f"/batches/{w.beta_batch}",
        ("GET", "/plans/{batch_id}/live"): f"/plans/{w.beta_batch}/live",
        ("POST", "/plans/{batch_id}/approve"): f"/plans/{w.beta_batch}/approve",
        ("GET", "/reps/{rep_id}/chat"): "/reps/B000/chat",
        ("GET", "/reps/{rep_id}/chat/history"): "/reps/B000/chat/history",
        ("POST", "/reps/{rep_id}/chat/stream"): "/reps/B000/chat/stream",
        ("POST", "/reps/{rep_id}/chat"): "/reps/B000/chat",
        ("GET", "/import"): "/import",
        ("POST", "/import"): "/import",
    }


def _page_routes(w: WebWorld) -> set[tuple[str, str]]:
    found = set()
    for ctx in iter_route_contexts(w.app.routes):
        endpoint = getattr(ctx.route, "endpoint", None)
        if endpoint is not None and endpoint.__module__.startswith("copilot.web"):
            found |= {(m, str(ctx.path)) for m in (getattr(ctx, "methods", None) or {"GET"})}
    return {r for r in found if r[0] != "HEAD"}


def test_every_page_route_has_a_sample(web_world: WebWorld) -> None:
    assert _page_routes(web_world) == set(_samples(web_world))


def test_without_a_session_every_page_sends_to_sign_in(web_world: WebWorld) -> None:
    with TestClient(web_world.app) as client:
        for (method, _path), url in _samples(web_world).items():
            got = client.request(method, url, follow_redirects=False)
            if url == "/signin":
                assert got.status_code in (200, 403), (method, url)
            else:
                assert got.status_code == 303, (method, url, got.status_code)
                assert got.headers["location"] == "/signin"


def test_another_teams_ids_answer_the_same_404_page(
    web_world: WebWorld, alpha_client: tuple[TestClient, str]
) -> None:
    client, csrf = alpha_client
    missing = client.get("/reps/NO-SUCH-REP")
    assert missing.status_code == 404
    assert client.get("/no/such/page").text == missing.text  # an unknown URL too
    assert "error" in client.get("/v1/no-such-route").json()  # the API keeps its JSON
    for (method, path), url in _samples(web_world).items():
        if "{" not in path:
            continue
        data = {"csrf": csrf, "status": "done", "month": "2026-12", "message": "Globex?"}
        got = client.request(method, url, data=data, follow_redirects=False)
        assert got.status_code == 404, (method, url, got.status_code, got.text[:300])
        assert BETA_NAME not in got.text
        if method == "GET" and "text/html" in got.headers["content-type"]:
            assert got.text == missing.text, url


def test_posts_need_the_sessions_csrf_token(alpha_client: tuple[TestClient, str]) -> None:
    client, _csrf = alpha_client
    for data in ({}, {"csrf": "forged"}):
        got = client.post("/plans", data={"month": "2026-12", **data}, follow_redirects=False)
        assert got.status_code == 403


def test_page_headers_and_cookie(web_world: WebWorld) -> None:
    with TestClient(web_world.app, base_url="http://127.0.0.1") as client:
        nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
        assert nonce
        got = client.post(
            "/signin",
            data={"token": web_world.alpha_token, "csrf": nonce.group(1)},
            follow_redirects=False,
        )
        cookie = got.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        board = client.get("/")
    csp = board.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert board.headers["x-content-type-options"] == "nosniff"
    assert board.headers["cache-control"] == "no-store"
    assert web_world.alpha_token not in board.text
    assert web_world.alpha_token.split("_", 2)[2] not in board.text


def test_the_session_stores_no_secret_and_dies_with_its_token(web_world: WebWorld) -> None:
    from copilot.api.tokens import create_token

    token = create_token(web_world.services.store, "Carol", "alpha")
    with TestClient(web_world.app, base_url="http://127.0.0.1") as client:
        sign_in(client, token)
        assert client.get("/", follow_redirects=False).status_code == 200
        with web_world.services.store.sessions() as session:
            rows = session.query(WebSession).all()
            assert all(token.split("_", 2)[2] not in str(vars(r)) for r in rows)
            assert client.cookies[COOKIE] not in {r.session_hash for r in rows}
        revoke_token(web_world.services.store, token)
        got = client.get("/", follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/signin"


def test_markup_in_a_call_note_renders_as_text(alpha_client: tuple[TestClient, str]) -> None:
    client, _ = alpha_client
    html = client.get("/reps/A000").text
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert 'onerror="' not in html and "<img" not in html


def test_evidence_ids_point_at_their_anchor() -> None:
    assert evidence_href("call:CA 1") == "#call-CA_1"
    assert evidence_href("call:CA1@06:10") == "#call-CA1"
    assert evidence_href("activity:A1:2026-10") == "#month-2026-10"
    assert evidence_href("session:S1") == "#session-S1"
    assert evidence_href("rating:A1") == "#profile"


def test_a_bad_import_writes_nothing_and_names_file_line_field(
    alpha_client: tuple[TestClient, str], web_world: WebWorld
) -> None:
    client, csrf = alpha_client
    header = "rep_id,name,email,team,manager,role,start_date,goal,desire_rating\n"
    rows = header + "A900,New Rep,,alpha,M,,2025-01-06,,\nA901,Bad Date,,alpha,M,,not-a-date,,\n"
    got = client.post("/import", data={"csrf": csrf}, files={"reps": ("reps.csv", rows.encode())})
    assert got.status_code == 422
    assert "reps.csv:3 field &#39;start_date&#39;" in got.text
    with web_world.services.store.sessions() as session:
        from copilot.store.tables import Rep

        assert session.get(Rep, ("alpha", "A900")) is None


def test_a_valid_import_is_written_and_counted(
    alpha_client: tuple[TestClient, str], web_world: WebWorld
) -> None:
    client, csrf = alpha_client
    rows = "rep_id,name,email,team,manager,role,start_date,goal,desire_rating\n"
    rows += "A800,Imported Rep,,alpha,M,,2025-01-06,,\n"
    got = client.post("/import", data={"csrf": csrf}, files={"reps": ("reps.csv", rows.encode())})
    assert got.status_code == 200, got.text
    assert "reps.csv: 1 new, 0 updated, 0 unchanged" in got.text
    assert "Imported Rep" in client.get("/").text


def test_a_commitment_due_before_its_session_is_refused_on_the_page(
    alpha_client: tuple[TestClient, str],
) -> None:
    client, csrf = alpha_client
    form = {
        "csrf": csrf,
        "date": "2026-11-20",
        "focus": "discovery",
        "commit_text_0": "Too early",
        "commit_due_0": "2026-11-01",
    }
    got = client.post("/reps/A001/sessions", data=form)
    assert got.status_code == 422
    assert "is before the session date 2026-11-20" in got.text
    assert 'value="Too early"' in got.text  # the manager's input is kept


def test_an_expired_session_signs_out_and_is_swept(web_world: WebWorld) -> None:
    from datetime import UTC, datetime, timedelta

    from copilot.web import sessions

    store = web_world.services.store
    value = sessions.start(store, web_world.alpha_token)
    assert value is not None and sessions.lookup(store, value) is not None
    with store.sessions.begin() as session:
        for row in session.query(WebSession).all():
            row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    assert sessions.start(store, web_world.alpha_token) is not None  # sweeps the old rows
    with store.sessions() as session:
        assert session.query(WebSession).count() == 1
    assert sessions.lookup(store, value) is None


def test_the_rep_page_shows_what_a_timed_transcript_measures(
    web_world: WebWorld, alpha_client: tuple[TestClient, str]
) -> None:
    client, _ = alpha_client
    page = client.get("/reps/A001").text
    assert "What the transcripts show" in page
    assert "rep talk share" in page and 'href="#call-A001-C2"' in page


def test_sign_in_refuses_an_address_after_its_failed_tries(web_world: WebWorld) -> None:
    limit = web_world.services.settings.api_auth_failures
    with TestClient(web_world.app, base_url="http://127.0.0.1") as client:

        def attempt(token: str) -> int:
            nonce = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
            assert nonce
            data = {"token": token, "csrf": nonce.group(1)}
            return client.post("/signin", data=data, follow_redirects=False).status_code

        failed = [attempt("cp_wrong_guess") for _ in range(limit)]
        refused = attempt(web_world.alpha_token)
    assert failed == [401] * limit
    assert refused == 429
