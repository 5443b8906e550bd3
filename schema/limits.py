"""The API's limits as strawberry schema extensions (classes, built once per schema).

Depth, alias count and the literal ``first`` of a connection are validation rules. Their
rule classes are created once here, not per request, so strawberry's ``ValidationCache``
(keyed by the rules) keeps hitting; ``MaxTokensLimiter`` bounds the parser; parsed and
validated documents are cached. A ``first`` given through a variable is checked by the
resolver (``resolvers.paging.check_page_size``) with the same limit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graphql import ArgumentNode, GraphQLError, IntValueNode, ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from core.identity_cache import IdentityCache

__all__ = ["Limits", "limit_extensions"]


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask (filled from ``hub.settings.Settings``)."""

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_page: int = 100
    max_batch: int = 10
    cache_size: int = 1024


def _page_rule(max_page: int) -> type[ValidationRule]:
    class MaxPageSize(ValidationRule):
        """A literal ``first`` larger than the page limit fails validation."""

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)

        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            value = node.value
            if node.name.value == "first" and isinstance(value, IntValueNode) and int(value.value) > max_page:
                self.report_error(GraphQLError(
                    f"first={value.value} exceeds the largest page, {max_page}", nodes=[node],
                    extensions={"code": "BAD_USER_INPUT", "hint": "page through with `after`"}))

    return MaxPageSize


class TextValidationCache(ValidationCache):
    """strawberry's ValidationCache, keyed by the document's text instead of its AST.

    The stock cache hashes the parsed document on every request, which walks the whole tree;
    the text's hash is computed once per string. Same rules, same schema, same text: same errors.
    """

    def __init__(self, maxsize: int = 1024) -> None:
        super().__init__(maxsize=maxsize)
        self._validated = _validated(maxsize)

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        schema = ec.schema._schema
        key = (ec.query, tuple(ec.validation_rules))        # rule classes compare by identity
        errors = self._validated.get(key, schema)
        if errors is None:
            errors = self.cached_validate_document(schema, ec.graphql_document, ec.validation_rules)
            self._validated.put(errors, key, schema)
        ec.pre_execution_errors = errors
        yield


@functools.cache
def _validated(maxsize: int) -> IdentityCache[list[GraphQLError]]:
    """The validation results every request shares, bounded by ``Limits.cache_size``."""
    return IdentityCache(maxsize)


def limit_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """The limit extensions, in the order they must run (as factories, one instance per request)."""
    rules = [depth_rule(limits.max_depth, None), alias_rule(limits.max_aliases), _page_rule(limits.max_page)]

    class RequestLimits(AddValidationRules):
        """Depth, aliases and literal page size, with rule classes shared by every request."""

        def __init__(self) -> None:
            super().__init__(rules)

    return [
        functools.partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        functools.partial(ParserCache, maxsize=limits.cache_size),
        RequestLimits,
        functools.partial(TextValidationCache, maxsize=limits.cache_size),
    ]
