"""What a GraphQL document selects, as ``Type.field`` coordinates (cached per document text).

Used before execution to reject a whole operation when the caller chose that denial mode,
and after it to write which fields were returned into the audit entry. Fragments and
inline fragments are walked through, so an alias or a fragment never hides a field.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import DocumentNode, FieldNode, GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, visit

__all__ = ["selected_coordinates"]


class _Collect(Visitor):
    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.found: dict[tuple[str, str], None] = {}

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.info.get_parent_type()
        name = node.name.value
        if parent is not None and not name.startswith("__"):
            self.found[(parent.name, name)] = None


@lru_cache(maxsize=1024)
def _coordinates(schema: GraphQLSchema, query: str, document: DocumentNode) -> tuple[tuple[str, str], ...]:
    info = TypeInfo(schema)
    collector = _Collect(info)
    visit(document, TypeInfoVisitor(info, collector))
    return tuple(collector.found)


def selected_coordinates(schema: GraphQLSchema, query: str,
                         document: DocumentNode) -> tuple[tuple[str, str], ...]:
    """Every (type, field) the document selects, in document order, without duplicates."""
    # Keyed by the text: the parser cache hands back one document object per text anyway.
    return _coordinates(schema, query, document)
