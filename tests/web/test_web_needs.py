"""The rule for the browser tests' own dependency: skipped with the reason where Debian's chromium
and chromium-driver are missing, failed under CI=true (where .ci/run installs them)."""

from __future__ import annotations

import pytest
import web_helpers


def test_a_missing_chromium_skips_with_the_reason(monkeypatch):
    monkeypatch.setattr(web_helpers, "CHROMIUM", None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match=r"chromium not installed \(apt-get install chromium chromium-driver\)"
    ):
        web_helpers.need_chromium()


def test_a_missing_chromium_fails_under_ci(monkeypatch):
    monkeypatch.setattr(web_helpers, "CHROMEDRIVER", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: chromedriver not installed"):
        web_helpers.need_chromium()
