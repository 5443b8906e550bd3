"""The demo's four clients: their tokens work and each one's ready-made query answers cleanly."""

from __future__ import annotations

from hub.demo_clients import create_demo_clients
from tests.api.conftest import Caller, Hub


def test_each_demo_client_runs_its_query_without_errors(hub: Hub) -> None:
    clients = create_demo_clients(hub.settings, hub.store, regency="3273")
    assert [c.profile for c in clients] == ["health_ministry", "education_ministry", "regional_government",
                                            "data_steward"]
    for demo in clients:
        caller = Caller(hub, demo.client_id, demo.secret, demo.token, demo.purpose)
        result = caller.run(demo.query, demo.variables)
        assert result.errors == [], (demo.profile, result.errors)
        assert all(value is not None for value in result.data.values()), demo.profile
    again = create_demo_clients(hub.settings, hub.store, regency="3273")     # a second run reuses them
    assert [c.client_id for c in again] == [c.client_id for c in clients]
    assert again[0].secret == "(shown when first created)"
