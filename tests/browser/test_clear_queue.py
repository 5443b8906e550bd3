"""Done-when for the review workflow: a steward clears a real run's queue in the browser, and
the decisions survive a full relink.

The hub serves a graph it linked itself (real Splink over a workspace of hand-made records),
so each decision is applied at once by relinking with the saved model. The steward decides
each item from the truth the records were made from, with the keyboard only; then a fresh
run that trains the model again must keep every ruling.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from graph import ConstraintKind, GraphStore
from tests.api.conftest import Hub, start_hub
from tests.review._workspace import TRUTH, link_workspace, relink_from_scratch

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAIR = """query($first: Int) { reviewQueue(first: $first) { nodes { id left { id } right { id } } } }"""


@pytest.fixture
def linked_hub(tmp_path: Path) -> Iterator[Hub]:
    store: GraphStore = link_workspace(tmp_path)
    try:
        yield from start_hub(tmp_path, store, graphql_rate=0)
    finally:
        store.close()


def test_a_steward_clears_the_queue_and_a_full_relink_keeps_every_decision(page: Page,
                                                                          linked_hub: Hub) -> None:
    hub = linked_hub
    steward = hub.caller("data_steward", purpose="data_stewardship")
    pairs = {n["id"]: (n["left"]["id"], n["right"]["id"])
             for n in steward.run(PAIR, {"first": 100}).data["reviewQueue"]["nodes"] if n["left"]}
    assert pairs, "the linked run queues pairs to review"
    page.goto(f"{hub.base_url}/review")
    page.fill("#client-id", steward.client_id)
    page.fill("#client-secret", steward.secret)
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#progress-text")).to_contain_text("diputuskan")

    decided: dict[tuple[str, str], ConstraintKind] = {}
    for _ in range(30):                      # relinks may queue new pairs: reload until empty
        page.click("#filters button[type=submit]")
        expect(page.locator("#status")).to_have_text("")
        if page.locator("#queue-empty").is_visible():
            break
        while (active := page.locator("#queue-list .queue-item.active")).count():
            item = active.get_attribute("data-id") or ""
            if item not in pairs:
                got = steward.run(PAIR, {"first": 100}).data["reviewQueue"]["nodes"]
                pairs.update({n["id"]: (n["left"]["id"], n["right"]["id"]) for n in got if n["left"]})
            left, right = pairs[item]
            same = TRUTH[left] == TRUTH[right]
            page.keyboard.press("m" if same else "n")
            # the answer waits for the relink that applies the decision (seconds on a busy machine)
            expect(page.locator(f'#queue-list [data-id="{item}"]')).to_have_count(0, timeout=60_000)
            decided[tuple(sorted((left, right)))] = (ConstraintKind.MUST_LINK if same
                                                     else ConstraintKind.CANNOT_LINK)
    expect(page.locator("#queue-empty")).to_be_visible()
    assert decided
    # the count survives relinks that took the decided pairs out of the run's queue
    expect(page.locator("#progress-text")).to_contain_text(f"{len(decided)} diputuskan · 0 tersisa")
    assert {(c.left_key, c.right_key): c.kind for c in hub.store.constraints()} == decided

    relink_from_scratch(Path(hub.settings.data_dir), hub.store)
    person = {f"{ds}:{sid}": pid for ds, sid, pid, _h in hub.store.export_links()}
    for (left, right), kind in decided.items():
        assert (person[left] == person[right]) == (kind is ConstraintKind.MUST_LINK), (left, right, kind)
