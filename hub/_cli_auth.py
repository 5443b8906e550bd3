"""CLI commands for access control: ``clients``, ``token``, ``keys`` and ``audit``.

Example:
    $ dtsen-hub clients add kemenkes-pbi --profile health_ministry
    $ dtsen-hub clients add pemkot-bandung --profile regional_government --regions 3273 \\
          --agency "Pemkot Bandung" --purposes social_assistance,regional_planning
    $ dtsen-hub token issue kemenkes-pbi --scope "person:identity person:health"
    $ dtsen-hub keys rotate
    $ dtsen-hub audit verify
    $ dtsen-hub audit history P0000042
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from joserfc.jwk import import_key
from rich.console import Console
from rich.table import Table

from auth import AuditLog, AuthComponents, TokenIssuer, close_auth, open_auth
from core.errors import HubError, InputError
from hub.settings import Settings, load_settings

__all__ = ["register"]

out = Console()
err = Console(stderr=True)
DataDir = typer.Option(None, "--data-dir", help="Where clients, keys and the audit log live "
                       "(default: DTSEN_DATA_DIR or ./dtsen-data).")
ClientArg = typer.Argument(..., metavar="CLIENT", help="The client id.")

clients_app = typer.Typer(help="Register, list and disable the OAuth clients of agencies.",
                          no_args_is_help=True)
token_app = typer.Typer(help="Issue access tokens without HTTP (for testing).", no_args_is_help=True)
keys_app = typer.Typer(help="Manage the token-signing keys.", no_args_is_help=True)
audit_app = typer.Typer(help="Check and read the tamper-evident audit log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Mount this module's command groups on the main app."""
    app.add_typer(clients_app, name="clients")
    app.add_typer(token_app, name="token")
    app.add_typer(keys_app, name="keys")
    app.add_typer(audit_app, name="audit")


@contextmanager
def _auth(data_dir: Path | None) -> Iterator[tuple[Settings, AuthComponents]]:
    """Open the auth stores, and turn any hub error into a clear message and exit code."""
    parts: AuthComponents | None = None
    try:
        settings = load_settings(data_dir=data_dir)
        parts = open_auth(settings.data_dir, issuer=settings.issuer_url, audience=settings.audience,
                          token_ttl=settings.token_ttl, leeway=settings.token_leeway)
        yield settings, parts
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    finally:
        if parts is not None:
            close_auth(parts)


def _split(text: str | None) -> list[str] | None:
    return [p.strip() for p in text.split(",") if p.strip()] if text else None


@clients_app.command("add")
def clients_add(name: str = typer.Argument(..., help="The client id, e.g. kemenkes-pbi."),
                profile: str = typer.Option(..., "--profile", help="Policy profile: health_ministry, "
                                            "education_ministry, regional_government or data_steward."),
                regions: str | None = typer.Option(None, "--regions", help="Kemendagri code prefixes, "
                                                   "comma-separated (required for regional_government)."),
                purposes: str | None = typer.Option(None, "--purposes", help="Narrow the profile's purposes, "
                                                    "comma-separated."),
                agency: str | None = typer.Option(None, "--agency", help="Agency name (default: the "
                                                  "profile's)."),
                public_key: Path | None = typer.Option(None, "--public-key", help="A public key (JWK JSON "
                                                       "or PEM): the client then uses private_key_jwt, no "
                                                       "secret."),
                data_dir: Path | None = DataDir) -> None:
    """Register a client. Its secret is printed once and cannot be shown again."""
    with _auth(data_dir) as (_, parts):
        jwk = _read_public_key(public_key) if public_key else None
        client, secret = parts.clients.add(name, profile, agency=agency, regions=_split(regions),
                                           purposes=_split(purposes), public_jwk=jwk)
        err.print(f"client [bold]{client.client_id}[/bold] ({client.profile}, {client.agency}) registered; "
                  f"regions: {','.join(client.regions) if client.regions else 'national'}; "
                  f"purposes: {', '.join(sorted(client.purposes))}")
        if secret:
            err.print("client secret (shown once; store it now):")
            out.print(secret, soft_wrap=True, highlight=False)
        else:
            err.print("authenticates with private_key_jwt (no secret)")


@clients_app.command("list")
def clients_list(data_dir: Path | None = DataDir) -> None:
    """List clients with their profile, regions, purposes and state."""
    with _auth(data_dir) as (_, parts):
        table = Table("client", "agency", "profile", "regions", "purposes", "auth", "enabled")
        for c in parts.clients.all():
            table.add_row(c.client_id, c.agency, c.profile, ",".join(c.regions) if c.regions else "national",
                          ", ".join(sorted(c.purposes)), c.auth_method, "yes" if c.enabled else "NO")
        # Piped output would be cut at 80 columns; a terminal keeps its own width.
        (out if out.is_terminal else Console(width=160)).print(table)


@clients_app.command("disable")
def clients_disable(client_id: str = ClientArg, data_dir: Path | None = DataDir) -> None:
    """Disable a client: no new tokens, and its live tokens are refused from the next request."""
    with _auth(data_dir) as (_, parts):
        parts.clients.set_enabled(client_id, False)
        err.print(f"client {client_id} disabled")


@clients_app.command("enable")
def clients_enable(client_id: str = ClientArg, data_dir: Path | None = DataDir) -> None:
    """Re-enable a disabled client."""
    with _auth(data_dir) as (_, parts):
        parts.clients.set_enabled(client_id, True)
        err.print(f"client {client_id} enabled")


@token_app.command("issue")
def token_issue(client_id: str = ClientArg,
                scope: str | None = typer.Option(None, "--scope", help="Space-separated scopes (default: all "
                                                 "of the client's profile)."),
                data_dir: Path | None = DataDir) -> None:
    """Print an access token for CLIENT (stdout: the token only, for `$(...)`)."""
    with _auth(data_dir) as (settings, parts):
        client = parts.clients.get(client_id)
        if client is None:
            raise InputError(f"no client {client_id!r}", where="CLIENT", hint="see `dtsen-hub clients list`")
        issuer = TokenIssuer(parts.keys, issuer=parts.issuer, audience=parts.audience, ttl=settings.token_ttl)
        try:
            token = issuer.issue(client, scope)
        except Exception as exc:  # authlib's InvalidScopeError is not a HubError
            if isinstance(exc, HubError):
                raise
            raise InputError(str(getattr(exc, "description", exc)), where="--scope") from exc
        err.print(f"expires in {token['expires_in']} s; scope: {client.get_allowed_scope(scope)}")
        out.print(token["access_token"], soft_wrap=True, highlight=False)


@keys_app.command("rotate")
def keys_rotate(data_dir: Path | None = DataDir) -> None:
    """Sign new tokens with a new key; the old key stays published until its tokens expire."""
    with _auth(data_dir) as (settings, parts):
        kid = parts.keys.rotate(keep_for=settings.token_ttl + settings.token_leeway)
        err.print(f"new signing key {kid}; {len(parts.keys.public_jwks()['keys'])} key(s) published")


@audit_app.command("verify")
def audit_verify(anchor: list[str] = typer.Option([], "--anchor", help="A head printed by an earlier "
                                                  "`audit verify`, as SEQ:HASH; repeatable."),
                 data_dir: Path | None = DataDir) -> None:
    """Check the audit log's hash chain; exit 1 and say where if it was tampered with.

    Keep the printed head somewhere outside the hub and pass it back with --anchor later:
    that also catches a log rebuilt from scratch by someone who could write the file.
    """
    try:
        anchors = [_anchor(text) for text in anchor]
        settings = load_settings(data_dir=data_dir)
        log = AuditLog(settings.data_dir / "audit.sqlite")
        report = log.verify(anchors=anchors)
        log.close()
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    if report.ok:
        out.print(f"audit log intact: {report.entries} entries; head {report.head_seq}:{report.head_hash}",
                  soft_wrap=True)
        return
    out.print(f"[red]audit log TAMPERED[/red]: {len(report.problems)} problem(s) in {report.entries} entries")
    for problem in report.problems:
        out.print(f"  entry {problem.seq}: {problem.kind}: {problem.message}")
    raise typer.Exit(1)


@audit_app.command("history")
def audit_history(person_id: str = typer.Argument(..., metavar="PERSON_ID", help="A person's stable id."),
                  first: int = typer.Option(20, "--first", help="How many entries, newest first."),
                  data_dir: Path | None = DataDir) -> None:
    """Who accessed a person's data, when, and for what purpose."""
    try:
        settings = load_settings(data_dir=data_dir)
        log = AuditLog(settings.data_dir / "audit.sqlite")
        page = log.history(person_id, first=first)
        log.close()
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    table = Table("entry", "time (UTC)", "client", "agency", "purpose", "operation", "outcome")
    for item in page.entries:
        e = item.entry
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(e.time))
        table.add_row(str(item.seq), when, e.client_id, e.agency, e.purpose or "-", e.operation, e.outcome)
    (out if out.is_terminal else Console(width=160)).print(table)
    if page.has_next_page:
        err.print(f"more entries: raise --first (shown {len(page.entries)})")


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise InputError(f"anchor {text!r} is not SEQ:HASH", where="--anchor",
                         hint="copy the head printed by `dtsen-hub audit verify`")
    return int(seq), digest


def _read_public_key(path: Path) -> dict[str, object]:
    """A JWK JSON file as is, or a PEM public key (EC, RSA or Ed25519) as a JWK."""
    try:
        text = path.read_text(encoding="utf-8")
        if text.lstrip().startswith("{"):
            return dict(json.loads(text))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the public key: {exc}", where=str(path)) from exc
    for kty in ("EC", "RSA", "OKP"):
        try:
            return dict(import_key(text.encode(), kty).as_dict(private=False))  # type: ignore[call-overload]
        except Exception:  # joserfc raises several types for "not this key type"
            continue
    raise InputError("not a JWK or a PEM public key", where=str(path),
                     hint="give a JWK JSON file or a PEM public key (EC, RSA or Ed25519)")
