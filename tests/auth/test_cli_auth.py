"""The access-control CLI: clients, token, keys and audit, run as a user would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from typer.testing import CliRunner

from auth import AuditEntry, AuditLog, KeyStore
from hub.cli import app

runner = CliRunner()


def _run(*args: str, data_dir: Path, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return result.stdout, result.stderr


def test_clients_add_prints_the_secret_once_and_stores_a_hash(tmp_path: Path) -> None:
    out, err = _run("clients", "add", "kemenkes-pbi", "--profile", "health_ministry", data_dir=tmp_path)
    secret = out.strip()
    assert len(secret) >= 40 and "shown once" in err
    conn = sqlite3.connect(tmp_path / "auth.sqlite")
    stored = conn.execute("SELECT secret_hash FROM clients").fetchone()[0]
    conn.close()
    assert secret not in stored and stored.startswith("$argon2id$")
    listing, _ = _run("clients", "list", data_dir=tmp_path)
    assert "kemenkes-pbi" in listing and secret not in listing and "national" in listing


def test_clients_add_checks_profile_regions_and_purposes(tmp_path: Path) -> None:
    _, err = _run("clients", "add", "pemkot", "--profile", "regional_government", data_dir=tmp_path, code=2)
    assert "limited to regions" in err
    _, err = _run("clients", "add", "x1", "--profile", "police", data_dir=tmp_path, code=2)
    assert "health_ministry" in err
    _, err = _run("clients", "add", "x2", "--profile", "health_ministry", "--purposes", "education_aid",
                  data_dir=tmp_path, code=2)
    assert "not allowed" in err
    _run("clients", "add", "pemkot", "--profile", "regional_government", "--regions", "3273,3204",
         "--purposes", "regional_planning", "--agency", "Pemkot Bandung", data_dir=tmp_path)
    listing, _ = _run("clients", "list", data_dir=tmp_path)
    assert "3204,3273" in listing and "Pemkot Bandung" in listing and "regional_planning" in listing
    _, err = _run("clients", "add", "pemkot", "--profile", "health_ministry", data_dir=tmp_path, code=2)
    assert "already exists" in err


def test_key_pair_client_gets_no_secret(tmp_path: Path) -> None:
    key_file = tmp_path / "agency.pem"
    key_file.write_bytes(ECKey.generate_key("P-256").as_pem(private=False))
    out, err = _run("clients", "add", "kemdikbud-pip", "--profile", "education_ministry", "--public-key",
                    str(key_file), data_dir=tmp_path)
    assert out.strip() == "" and "private_key_jwt" in err


def test_token_issue_disable_and_rotate(tmp_path: Path) -> None:
    _run("clients", "add", "steward", "--profile", "data_steward", data_dir=tmp_path)
    out, _ = _run("token", "issue", "steward", "--scope", "audit:read linkage:review", data_dir=tmp_path)
    keys = KeyStore(tmp_path / "signing-keys.json")
    claims = jwt.decode(out.strip(), keys.verification_keys()).claims
    assert claims["scope"] == "audit:read linkage:review" and claims["sub"] == "steward"
    _run("token", "issue", "steward", "--scope", "person:everything", data_dir=tmp_path, code=2)
    _run("token", "issue", "nobody", data_dir=tmp_path, code=2)
    old_kid = keys.signing_key().kid
    _, err = _run("keys", "rotate", data_dir=tmp_path)
    assert "2 key(s) published" in err and keys.signing_key().kid != old_kid
    _run("clients", "disable", "steward", data_dir=tmp_path)
    _, err = _run("token", "issue", "steward", data_dir=tmp_path, code=2)
    assert "disabled" in err
    _run("clients", "disable", "nobody", data_dir=tmp_path, code=2)


@pytest.mark.parametrize("tamper, code", [
    (None, 0), ("UPDATE entries SET body = body || ' ' WHERE seq = 2", 1)])
def test_audit_verify_exit_code(tmp_path: Path, tamper: str | None, code: int) -> None:
    log = AuditLog(tmp_path / "audit.sqlite")
    for n in range(3):
        log.record(AuditEntry("c", "A", None, f"op{n}", "0" * 64, person_ids=("p1",)))
    log.close()
    if tamper:
        conn = sqlite3.connect(tmp_path / "audit.sqlite")
        with conn:
            conn.execute(tamper)
        conn.close()
    out, _ = _run("audit", "verify", data_dir=tmp_path, code=code)
    assert ("intact: 3 entries" in out) if code == 0 else ("entry 2: edited" in out)
    if code == 0:
        head = out.split("head ")[1].split()[0]
        assert _run("audit", "verify", "--anchor", head, data_dir=tmp_path)[0].startswith("audit log intact")
        _run("audit", "verify", "--anchor", "3:" + "f" * 64, data_dir=tmp_path, code=1)
        _run("audit", "verify", "--anchor", "nonsense", data_dir=tmp_path, code=2)


def test_audit_history_lists_who_saw_a_person(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite")
    log.record(AuditEntry("kemenkes-pbi", "Kemenkes", "health_insurance", "person", "0" * 64,
                          person_ids=("P1", "P2")))
    log.record(AuditEntry("pemkot", "Pemkot Bandung", "regional_planning", "persons", "1" * 64,
                          person_ids=("P2",)))
    log.close()
    out, _ = _run("audit", "history", "P2", data_dir=tmp_path)
    assert out.index("pemkot") < out.index("kemenkes-pbi") and "health_insurance" in out
    out, _ = _run("audit", "history", "P1", data_dir=tmp_path)
    assert "kemenkes-pbi" in out and "pemkot" not in out
