"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright.

``tests/browser/setup.sh`` installs the browser (``./dev test`` runs it); Playwright's
Python package drives it through ``executable_path``, so no browser is ever downloaded. A
missing browser fails the test with the command that installs it: it is never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path(os.environ.get("DTSEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: a laptop screen: the page must work without scrolling sideways
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run tests/browser/setup.sh (apt-get install chromium)",
                    pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies, no storage) at laptop size, failing on page errors."""
    context = browser.new_context(viewport=LAPTOP, locale="id-ID")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    # a refused request (401/403) is an expected outcome the page shows; anything else is a bug
    tab.on("console", lambda msg: errors.append(msg.text)
           if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"the page logged errors: {errors}"
