"""The steward review page in a real headless Chromium against a real hub over HTTP.

The hub runs under uvicorn on a free loopback port; the page signs in through the hub's
OAuth server with a steward's client id and secret, reads the queue through ``/graphql``,
and a decision made with a keyboard shortcut is checked afterwards through the GraphQL API
with a real client (gql over HTTP). The test saves the screenshot the README shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from graph import ConstraintKind, GraphStore, Visibility, open_store
from tests.api.conftest import Hub, start_hub
from tests.browser._data import ITEMS, review_publication

pytestmark = pytest.mark.browser

VILLAGE_OF_22 = "3273010002"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "review-page.png"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    store: GraphStore = open_store(str(tmp_path / "graph.sqlite"))
    store.publish(review_publication())
    try:
        yield from start_hub(tmp_path, store, graphql_rate=0)
    finally:
        store.close()


def sign_in(page: Page, hub: Hub, client_id: str, secret: str) -> None:
    page.goto(f"{hub.base_url}/review")
    expect(page.locator("h1")).to_have_text("Tinjauan Kecocokan")     # Bahasa Indonesia by default
    page.fill("#client-id", client_id)
    page.fill("#client-secret", secret)
    page.click("#signin-form button[type=submit]")


def test_steward_decides_with_the_keyboard(page: Page, hub: Hub) -> None:
    steward = hub.caller("data_steward", purpose="data_stewardship")
    sign_in(page, hub, steward.client_id, steward.secret)

    queue = page.locator("#queue-list .queue-item")
    expect(queue).to_have_count(len(ITEMS))
    # highest priority first: the pair closest to a coin toss
    first = min(ITEMS, key=lambda i: (-(1 - abs(ITEMS[i][1] - 0.5) * 2), i))
    expect(queue.first).to_have_attribute("data-id", first)
    expect(page.locator("#progress-text")).to_contain_text("0 diputuskan")
    # side by side: the standardised name and, under it, what the PKH list wrote
    expect(page.locator("#compare")).to_contain_text(ITEMS[first][2])
    expect(page.locator(".wf-row[data-comparison=birth_date] .wf-w")).to_have_text("5.60")
    expect(page.locator(".wf-total")).to_contain_text("55.0%")
    expect(page.locator("#cluster")).to_contain_text("dukcapil")
    page.fill("#note", "ibu kandung sama, ejaan lama")
    page.locator("#note").press("Escape")        # leave the note field; shortcuts work again
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.keyboard.press("m")
    expect(page.locator("#status")).to_have_text("Disimpan: cocok (must-link).")
    expect(queue).to_have_count(len(ITEMS) - 1)
    expect(page.locator(f'#queue-list [data-id="{first}"]')).to_have_count(0)
    expect(page.locator("#progress-text")).to_contain_text("1 diputuskan")

    # the decision, seen by another client through the API
    result = steward.run("""{
        decided: reviewQueue(status: "decided", first: 10) { nodes { id decision note steward
          left { id person { id records { id } } } right { id person { id } } } }
        open: reviewQueue(first: 10) { nodes { id } } }""")
    assert not result.errors
    decided = result.data["decided"]["nodes"]
    assert [d["id"] for d in decided] == [first]
    assert decided[0]["decision"] == "MATCH" and decided[0]["steward"] == steward.client_id
    assert decided[0]["note"] == "ibu kandung sama, ejaan lama"
    merged = decided[0]["left"]["person"]
    assert merged["id"] == decided[0]["right"]["person"]["id"]
    assert {decided[0]["left"]["id"], decided[0]["right"]["id"]} <= {r["id"] for r in merged["records"]}
    assert first not in {n["id"] for n in result.data["open"]["nodes"]}
    rulings = {(c.left_key, c.right_key): c.kind for c in hub.store.constraints()}
    assert rulings == {tuple(sorted((decided[0]["left"]["id"], decided[0]["right"]["id"]))):
                       ConstraintKind.MUST_LINK}

    # Z undoes it: the decision and its constraint go, the item is back in the queue
    page.keyboard.press("z")
    expect(page.locator("#status")).to_contain_text(f"Keputusan atas {first} dibatalkan")
    expect(queue).to_have_count(len(ITEMS))
    expect(page.locator("#progress-text")).to_contain_text("0 diputuskan")
    assert hub.store.constraints() == []


def test_second_steward_gets_a_conflict_and_the_page_speaks_english(page: Page, hub: Hub) -> None:
    steward = hub.caller("data_steward", purpose="data_stewardship")
    sign_in(page, hub, steward.client_id, steward.secret)
    page.select_option("#lang", "en")
    expect(page.locator("h1")).to_have_text("Match Review")
    queue = page.locator("#queue-list .queue-item")
    expect(queue).to_have_count(len(ITEMS))
    shown = page.locator("#queue-list .queue-item.active").get_attribute("data-id")
    # a colleague decides the very item on screen first
    other = hub.caller("data_steward", purpose="data_stewardship")
    res = other.run("mutation($id: ID!) { decideReview(itemId: $id, decision: NON_MATCH) "
                    "{ item { status } } }", {"id": shown})
    assert res.data["decideReview"]["item"]["status"] == "decided"
    page.click("#btn-match")
    expect(page.locator("#status")).to_have_text(
        "Another steward already decided this item. The queue was reloaded.")
    expect(queue).to_have_count(len(ITEMS) - 1)
    decided = hub.store.get_review_item(shown, Visibility.everything())
    assert decided is not None and decided.decision is not None and decided.decision.value == "non_match"
    assert decided.steward == other.client_id                   # not silently overwritten


def test_unsure_skips_and_filters_narrow_the_queue(page: Page, hub: Hub) -> None:
    steward = hub.caller("data_steward", purpose="data_stewardship")
    sign_in(page, hub, steward.client_id, steward.secret)
    queue = page.locator("#queue-list .queue-item")
    expect(queue).to_have_count(len(ITEMS))
    shown = page.locator("#queue-list .queue-item.active").get_attribute("data-id") or ""
    page.fill("#note", "tanya Dukcapil")
    page.locator("#note").press("Escape")
    page.keyboard.press("u")
    expect(queue.last).to_have_attribute("data-id", shown)
    expect(page.locator("#progress-text")).to_contain_text("1 ditunda")
    unsure = hub.store.get_review_item(shown, Visibility.everything())
    assert unsure is not None and (unsure.status, unsure.note) == ("open", "tanya Dukcapil")
    assert unsure.decision is not None and unsure.decision.value == "unsure"
    assert hub.store.constraints() == []
    # a colleague opening the queue sees the item, with the first steward's doubt
    sign_in(page, hub, steward.client_id, steward.secret)
    page.click(f'#queue-list [data-id="{shown}"]')
    expect(page.locator("#item-unsure")).to_have_text(f"{steward.client_id} ragu-ragu: tanya Dukcapil")
    page.fill("#f-region", VILLAGE_OF_22)
    page.click("#filters button[type=submit]")
    expect(queue).to_have_count(1)
    expect(queue.first).to_have_attribute("data-id", "R-0022")
    page.fill("#f-region", "")
    page.fill("#f-dataset", "pip_2025")
    page.click("#filters button[type=submit]")
    expect(page.locator("#queue-empty")).to_be_visible()


def test_a_regional_client_cannot_sign_into_review(page: Page, hub: Hub) -> None:
    bandung = hub.caller("regional_government", regions=["3273"], purpose="regional_planning")
    sign_in(page, hub, bandung.client_id, bandung.secret)
    # the token is issued, but the API refuses the stewardship purpose (and so the queue) to it
    expect(page.locator("#status")).to_contain_text("'data_stewardship' is not allowed")
    expect(page.locator("#queue-list .queue-item")).to_have_count(0)


def test_wrong_secret_is_refused_at_sign_in(page: Page, hub: Hub) -> None:
    steward = hub.caller("data_steward", purpose="data_stewardship")
    sign_in(page, hub, steward.client_id, "not-the-secret")
    expect(page.locator("#signin-error")).to_contain_text("Gagal masuk")
    expect(page.locator("#workspace")).to_be_hidden()


def test_page_is_served_with_a_strict_content_security_policy(hub: Hub) -> None:
    resp = httpx.get(f"{hub.base_url}/review")
    assert resp.status_code == 200 and "text/html" in resp.headers["content-type"]
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    assert resp.headers["cache-control"] == "no-store"
    for asset in ("review.js", "api.js", "render.js", "i18n.js", "review.css"):
        assert httpx.get(f"{hub.base_url}/review/assets/{asset}").status_code == 200
