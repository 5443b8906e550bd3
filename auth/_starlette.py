"""Request/response conversion between Starlette and authlib's framework-independent core.

authlib ships adapters for Flask and Django, not Starlette. Starlette reads bodies
asynchronously and authlib works synchronously, so the form is read first and handed to
authlib in an :class:`OAuth2Request` that needs no further I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = ["StarletteOAuth2Request", "read_oauth2_request", "to_response"]


class _FormPayload(OAuth2Payload):
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._data = dict(items)
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    """An already-read Starlette request, in the shape authlib's grants and endpoints expect."""

    def __init__(self, method: str, url: str, headers: Mapping[str, str], form: list[tuple[str, str]],
                 query: Mapping[str, str]) -> None:
        super().__init__(method=method, uri=url, headers=headers)
        self.payload = _FormPayload(form)
        self._query = dict(query)

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


async def read_oauth2_request(request: Request) -> StarletteOAuth2Request:
    """Read the form body (if any) and wrap the request for authlib."""
    form: list[tuple[str, str]] = []
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # OAuth endpoints take application/x-www-form-urlencoded only (RFC 6749 §3.2, RFC 7009, RFC 7662).
    if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        body = await request.body()
        try:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=64)
        except (UnicodeDecodeError, ValueError):
            form = []
    return StarletteOAuth2Request(request.method, str(request.url), request.headers, form,
                                  request.query_params)


def to_response(status: int, body: Any, headers: Iterable[tuple[str, str]]) -> Response:
    """authlib's ``(status, body, headers)`` as a Starlette response."""
    header_map = {k: v for k, v in headers if k.lower() != "content-type"}
    if isinstance(body, dict | list):
        return JSONResponse(body, status_code=status, headers=header_map)
    return Response(body or b"", status_code=status, headers=header_map)
