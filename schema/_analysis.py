"""What a GraphQL document selects, as ``Type.field`` coordinates with the fields above them.

Used before execution to reject a whole operation when the caller chose that denial mode,
and after it to write which fields were returned into the audit entry. Fragments and
inline fragments are walked through, so an alias or a fragment never hides a field; a
field under a denied one is never returned, which is why each carries its ancestors.
Results are cached per document text.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

from core.identity_cache import IdentityCache

__all__ = ["Selected", "selected_coordinates"]

Coordinate = tuple[str, str]
#: (the field's coordinate, the coordinates of the fields above it, outermost first)
Selected = tuple[Coordinate, tuple[Coordinate, ...]]


def _walk(schema: GraphQLSchema, selections: SelectionSetNode, parent: GraphQLObjectType,
          above: tuple[Coordinate, ...], fragments: dict[str, FragmentDefinitionNode],
          seen: frozenset[str], out: dict[Selected, None]) -> None:
    for node in selections.selections:
        if isinstance(node, FieldNode):
            name = node.name.value
            field = parent.fields.get(name)
            if name.startswith("__") or field is None:
                continue
            coordinate = (parent.name, name)
            out[(coordinate, above)] = None
            inner = get_named_type(field.type)
            if node.selection_set is not None and isinstance(inner, GraphQLObjectType):
                _walk(schema, node.selection_set, inner, (*above, coordinate), fragments, seen, out)
        elif isinstance(node, InlineFragmentNode):
            target = schema.get_type(node.type_condition.name.value) if node.type_condition else parent
            if isinstance(target, GraphQLObjectType):
                _walk(schema, node.selection_set, target, above, fragments, seen, out)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            target = schema.get_type(fragment.type_condition.name.value) if fragment else None
            if fragment is not None and name not in seen and isinstance(target, GraphQLObjectType):
                _walk(schema, fragment.selection_set, target, above, fragments, seen | {name}, out)


def _selected(schema: GraphQLSchema, document: DocumentNode) -> tuple[Selected, ...]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    out: dict[Selected, None] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            if root is not None:
                _walk(schema, definition.selection_set, root, (), fragments, frozenset(), out)
    return tuple(out)


_CACHE: IdentityCache[tuple[Selected, ...]] = IdentityCache(maxsize=1024)


def selected_coordinates(schema: GraphQLSchema, query: str, document: DocumentNode) -> tuple[Selected, ...]:
    """Every field the document selects with the fields above it, in document order."""
    # Keyed by schema identity and text, never by the document: hashing an AST walks all of it.
    found = _CACHE.get(query, schema)
    if found is None:
        found = _selected(schema, document)
        _CACHE.put(found, query, schema)
    return found
