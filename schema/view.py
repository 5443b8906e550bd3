"""The GraphQL HTTP endpoint: strawberry's ASGI view, with the caller's context and schema.

Each operation (each entry of a batched request too) gets its own
:class:`resolvers.RequestContext`, so DataLoaders, returned ids and the audit entry belong
to one operation. Callers without a bearer token get 401 (GraphiQL's page itself loads
without one, for people to paste their token into the headers pane).

Almost every request an agency's system sends is one JSON ``POST`` of one operation. For
those the view goes straight from the parsed body to :meth:`HubGraphQL.execute_single` and
back to a JSON response, without strawberry's general request machinery (request adapter,
sub-response, content-type parsing, streaming and batch checks), which cost about as much
as executing a small query. Anything else, and any body that does not have exactly the
shape strawberry accepts for one operation, takes strawberry's full path, which gives the
same answer or its own error; ``tests/api/test_view.py`` compares the two.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from resolvers.context import RequestContext, Services
from schema.errors import shape_error
from schema.guard import audit_refusal
from schema.visibility import SchemaRegistry

__all__ = ["DENIAL_HEADER", "HubGraphQL"]

#: A caller may ask for the stricter denial mode per request: ``X-Denial-Mode: reject``.
DENIAL_HEADER = "x-denial-mode"


class HubGraphQL(GraphQL):
    """strawberry's ASGI GraphQL view for the hub."""

    def __init__(self, registry: SchemaRegistry, services: Services, *, denial: str = "partial",
                 graphiql: bool = True) -> None:
        super().__init__(registry.full, graphql_ide="graphiql" if graphiql else None,
                         allow_queries_via_get=True)
        self.registry = registry
        self.services = services
        self.denial = denial

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        if isinstance(request, Request) and request.scope["type"] == "http":
            adapter = self.request_adapter_class(request)
            if getattr(request.state, "access", None) is None and not (
                    self.graphql_ide and self.should_render_graphql_ide(adapter)):
                return JSONResponse(
                    {"errors": [{"message": "this endpoint needs a bearer token", "extensions": {
                        "code": "UNAUTHENTICATED", "hint": "obtain a token from /oauth/token"}}]},
                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="dtsen-hub"'})
            if request.method == "POST":
                answer = await self._single_json_post(request)
                if answer is not None:
                    return answer
        return await super().run(request)

    async def _single_json_post(self, request: Request) -> Response | None:
        """The answer to a JSON POST of one operation, or None to leave the request to strawberry.

        Exactly what strawberry's ``run`` does for such a request (the same execution, the same
        ``decode_json``, ``process_result`` and ``encode_json`` hooks, a 200 ``application/json``
        response), minus what does not apply to it. The body stays cached on ``request`` for the
        full path.
        """
        headers = request.headers
        media = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media != "application/json" or self._get_stream_transport_from_headers(headers) is not None:
            return None
        try:
            data = self.decode_json(await request.body())
        except ValueError:      # strawberry answers malformed JSON with its own 400
            return None
        if type(data) is list:
            return None             # a batch
        if type(data) is not dict:
            # strawberry would fail on it with an AttributeError (a 500): name the mistake instead
            raise HTTPException(400, "The request body must be a JSON object (one operation) or an array "
                                     "of them (a batch)")
        query, variables = data.get("query"), data.get("variables")
        name, extensions = data.get("operationName"), data.get("extensions")
        if (type(query) is not str or not (variables is None or type(variables) is dict)
                or not (name is None or type(name) is str)
                or not (extensions is None or type(extensions) is dict)):
            return None
        result = await self.execute_single(request, request, None, None, None,
                                           GraphQLRequestData(query, variables, name, extensions))
        body = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, body)
        return Response(self.encode_json(body), status_code=200, media_type="application/json")

    async def execute_single(self, request: Request, request_adapter: Any, sub_response: Response,  # type: ignore[override]
                             context: Any, root_value: Any, request_data: Any) -> Any:
        """One operation, under the caller's schema and context (``request_adapter`` only gives
        the HTTP method: strawberry's adapter, or the request itself on the JSON POST path)."""
        access = request.state.access
        allowed = OperationType.from_http(request_adapter.method)
        schema = self.registry.for_operation(access.scopes, request_data.query)
        ctx = RequestContext(self.services, access, request)
        wanted = (request.headers.get(DENIAL_HEADER) or "").strip().lower()
        ctx.denial = "reject" if "reject" in (self.denial, wanted) else "partial"
        try:
            result = await schema.execute(
                request_data.query, root_value=None, variable_values=request_data.variables,
                context_value=ctx, operation_name=request_data.operation_name,
                allowed_operation_types=allowed, operation_extensions=request_data.extensions)
        except CannotGetOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason()) from e
        except InvalidOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason(request_adapter.method)) from e
        except MissingQueryError as e:
            raise HTTPException(400, "No GraphQL query found in the request") from e
        # A failure inside strawberry's own parse hooks (e.g. the token limit) ends the operation
        # before the extensions see a result: shape and audit it here.
        if result.errors:
            result.errors = [shape_error(e) for e in result.errors]
        if not ctx.audited:
            audit_refusal(ctx, request_data.query, result.errors or [])
        return result


