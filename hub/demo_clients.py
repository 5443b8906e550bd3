"""The demo's four clients, their tokens and a ready-to-paste query for each.

``dtsen-hub demo`` (``hub/demo.py``) calls :func:`create_demo_clients` after publishing the
synthetic data: a health ministry, an education ministry, the regional government of one
regency and a data steward. Each comes with a long-lived demo token (demo only: real
clients use ``/oauth/token``) and a query filled with real ids from the published graph.

Example:
    >>> clients = create_demo_clients(settings, store, regency="3273")   # doctest: +SKIP
    >>> clients[0].profile, clients[0].query                           # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from auth import TokenIssuer, close_auth, open_auth
from core.errors import NotFoundError
from graph import GraphStore, Visibility
from hub.settings import Settings

__all__ = ["DemoClient", "create_demo_clients"]

DEMO_TOKEN_TTL = 8 * 3600


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    profile: str
    purpose: str
    secret: str
    token: str
    query: str
    variables: dict[str, str]

    @property
    def headers(self) -> str:
        """What to paste into GraphiQL's headers pane."""
        return json.dumps({"Authorization": f"Bearer {self.token}", "X-Purpose": self.purpose})


_QUERIES = {
    "health_ministry": ("query Peserta($nik: String!) { personByNik(nik: $nik) { id fullName nik "
                        "verification household { kk members { role person { fullName } } } "
                        "enrolments { program { name } dataset { agency } } health { pbiClass } } }"),
    "education_ministry": ("query Siswa($id: ID!) { person(id: $id) { fullName nik "
                           "education { school grade } household { kk members { role person { fullName "
                           "education { school } } } } } }"),
    "regional_government": ("query Wilayah($regency: String!) { regionStats(code: $regency) { "
                            "persons { count } "
                            "households { count } deciles { decile households { count suppressed } } } "
                            "targeting(program: \"PKH\", region: $regency) { inclusionErrors exclusionErrors "
                            "inclusionList(first: 5) { nodes { fullName household { welfareDecile } } } } }"),
    "data_steward": ("query Antrian { reviewQueue(first: 5) { nodes { id kind probability "
                     "left { id dataset { name agency } fullName } right { id fullName } } } "
                     "linkageRuns { id current finishedAt } }"),
}
_PURPOSES = {"health_ministry": "health_insurance", "education_ministry": "education_aid",
             "regional_government": "regional_planning", "data_steward": "data_stewardship"}


def create_demo_clients(settings: Settings, store: GraphStore, *, regency: str) -> list[DemoClient]:
    """Register the four demo clients (replacing earlier demo ones) and issue their tokens."""
    page = store.list_persons(Visibility.everything(), region=regency, first=200)
    person = next((p for p in page.items if p.nik and p.household_id), None)
    if person is None:
        raise NotFoundError(f"no person with a NIK and a household in regency {regency}", where="demo",
                            hint="publish the synthetic data first")
    pupil = next((p for p in page.items if p.education), None) or next(
        (p for p in page.items if p.role == "child"), person)
    variables = {"health_ministry": {"nik": person.nik or ""}, "education_ministry": {"id": pupil.person_id},
                 "regional_government": {"regency": regency}, "data_steward": {}}
    parts = open_auth(settings.data_dir, issuer=settings.issuer_url, audience=settings.audience)
    try:
        issuer = TokenIssuer(parts.keys, issuer=settings.issuer_url, audience=settings.audience,
                             ttl=DEMO_TOKEN_TTL)
        made = []
        for profile, query in _QUERIES.items():
            name = f"demo-{profile.replace('_', '-')}"
            # A second demo run keeps the clients of the first: their secrets were shown then.
            existing = parts.clients.get(name)
            client, secret = (existing, None) if existing is not None else parts.clients.add(
                name, profile, regions=[regency] if profile == "regional_government" else None)
            token = str(issuer.issue(client)["access_token"])
            made.append(DemoClient(name, profile, _PURPOSES[profile], secret or "(shown when first created)",
                                   token, query, variables[profile]))
        return made
    finally:
        close_auth(parts)
