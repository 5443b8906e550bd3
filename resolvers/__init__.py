"""What each GraphQL field does: store calls under the caller's visibility, and the matcher.

The public surface: ``Services`` (shared per app), ``RequestContext`` (per operation),
``ApiConfig``, the scope -> field-group table and ``visibility_for``, ``MatcherHolder``.
Resolver functions live in the modules (``people``, ``programs``, ``stats``, ``review``,
``proposals``, ``me``) and are wired to fields in ``schema/``.
"""

from resolvers.access_map import SCOPE_GROUPS, visibility_for
from resolvers.context import DEFAULT_DECILE_CEILINGS, ApiConfig, RequestContext, Services
from resolvers.matching import MatcherHolder

__all__ = ["DEFAULT_DECILE_CEILINGS", "SCOPE_GROUPS", "ApiConfig", "MatcherHolder", "RequestContext",
           "Services", "visibility_for"]
