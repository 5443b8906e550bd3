"""docker-compose.yml and the Dockerfile cannot run here; check they agree with the code instead."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _setting_env_names() -> set[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}."""
    def one(m: re.Match[str]) -> str:
        var, op, arg = m.group(1), m.group(2), m.group(3)
        if env.get(var):
            return env[var]
        if op == ":?":
            raise KeyError(f"{var} is required: {arg}")
        return arg or ""
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def test_neo4j_service_is_526_community_with_auth_volume_and_healthcheck() -> None:
    neo4j = COMPOSE["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5\.26(\.\d+)?-community", neo4j["image"])
    assert _interpolate(neo4j["environment"]["NEO4J_AUTH"], {"NEO4J_PASSWORD": "pw"}) == "neo4j/pw"
    with pytest.raises(KeyError):   # no password, no start: compose refuses rather than run open
        _interpolate(neo4j["environment"]["NEO4J_AUTH"], {})
    volume = neo4j["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in COMPOSE["volumes"]
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert any(p.endswith(":7687") for p in neo4j["ports"])


def test_hub_environment_names_are_settings_and_load_into_them(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = COMPOSE["services"]["hub"]
    env = hub["environment"]
    assert set(env) <= _setting_env_names(), set(env) - _setting_env_names()
    for name in list(os.environ):
        if name.startswith("DTSEN_") or name.startswith("NEO4J_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, _interpolate(str(value), {"NEO4J_PASSWORD": "s3cret"}))
    settings = Settings()
    assert settings.store_location == "bolt://neo4j:7687"
    assert (settings.neo4j_user, settings.neo4j_password, settings.neo4j_database) == ("neo4j", "s3cret",
                                                                                        "neo4j")
    assert (settings.host, settings.port, str(settings.data_dir)) == ("0.0.0.0", 8000, "/data")
    host_port = settings.store_location.removeprefix("bolt://").split(":")
    assert host_port[0] in COMPOSE["services"] and host_port[1] == "7687"
    assert hub["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert any(p.endswith(f":{settings.port}") for p in hub["ports"])
    assert hub["volumes"][0].split(":")[0] in COMPOSE["volumes"]


def test_dockerfile_builds_every_package_and_serves_on_the_compose_port() -> None:
    assert COMPOSE["services"]["hub"]["build"] == "."
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = set(re.findall(r"^COPY (\w+) \./\1$", DOCKERFILE, re.M))
    assert set(packages) <= copied, set(packages) - copied
    assert re.search(r"^EXPOSE (\d+)$", DOCKERFILE, re.M).group(1) == \
        COMPOSE["services"]["hub"]["environment"]["DTSEN_PORT"]
    env_names = set(re.findall(r"\b(DTSEN_\w+)=", DOCKERFILE))
    assert env_names and env_names <= _setting_env_names()
    assert 'CMD ["dtsen-hub", "serve"]' in DOCKERFILE
    assert "dtsen-hub" in project["project"]["scripts"]
