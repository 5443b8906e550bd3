"""Splink's own SQL, compiled to Python closures for the real-time hot path.

Planning Splink's comparison SQL in DuckDB costs tens of milliseconds per
request, while scoring a few hundred pairs is microseconds of work. Instead of
re-writing the model by hand (which would drift from it), the SQL that Splink
generates for the saved model is parsed with sqlglot and each projection is
compiled to a closure with DuckDB's semantics: three-valued logic, NULL
propagation, ``GREATEST``/``COALESCE`` skipping NULLs, 1-based ``strpos``.

Only the constructs the hub's models use are supported; anything else raises
:class:`UnsupportedSql` at compile time (never at request time), and the caller
keeps the SQL path. Jaro-Winkler comes from rapidfuzz, which agrees with
DuckDB's to the last bit or one ulp; a similarity within ``1e-9`` of a level's
threshold, or involving an empty string, is asked of DuckDB itself (``exact_jw``)
so a pair can never land on the other side of a threshold.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlglot
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from sqlglot import expressions as exp

__all__ = ["CompiledSelect", "Scope", "UnsupportedSql", "compile_pipeline"]

Fn = Callable[["Scope"], Any]
_EPOCH = dt.date(1970, 1, 1)
_NEAR = 1e-9
_MEMO_LIMIT = 65_536
_COMPARE = {exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt, exp.GTE: operator.ge,
            exp.LT: operator.lt, exp.LTE: operator.le}


class UnsupportedSql(ValueError):
    """The SQL uses a construct the compiler does not know; the caller keeps running it in DuckDB."""


class Scope:
    """One evaluation: the left and right rows (by input column) and the values computed so far."""

    __slots__ = ("left", "right", "values")

    def __init__(self, left: Mapping[str, Any], right: Mapping[str, Any]) -> None:
        self.left = left
        self.right = right
        self.values: dict[str, Any] = {}


class CompiledSelect:
    """A chain of SELECTs (CTEs, then the final one) as closures, evaluated for one pair at a time."""

    def __init__(self, steps: list[tuple[str, Fn]], outputs: dict[str, Fn],
                 reads: Mapping[str, set[str]]) -> None:
        self._steps = steps
        self.outputs = outputs
        #: The input columns read from each side (``"left"``, ``"right"``).
        self.reads = {side: frozenset(names) for side, names in reads.items()}

    def evaluate(self, left: Mapping[str, Any], right: Mapping[str, Any],
                 wanted: Sequence[str]) -> dict[str, Any]:
        """The ``wanted`` output columns for the pair ``(left, right)``."""
        scope = Scope(left, right)
        values = scope.values
        for name, fn in self._steps:
            values[name] = fn(scope)
        outputs = self.outputs
        return {name: outputs[name](scope) for name in wanted}


def compile_pipeline(sql: str, *, tables: Mapping[str, str], exact_jw: Callable[[str, str], float],
                     memo_after: str | None = None) -> CompiledSelect:
    """Compile ``sql`` (a SELECT with CTEs) whose base tables ``tables`` maps to ``"left"``/``"right"``.

    Projections of CTEs from ``memo_after`` on (by name) are memoised on the
    values they read: match weights depend only on a gamma level and term
    frequencies, so a request hits the cache for almost every pair.
    """
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as err:
        raise UnsupportedSql(f"sqlglot cannot parse the SQL: {err}") from err
    if not isinstance(tree, exp.Select):
        raise UnsupportedSql(f"expected a SELECT, got {type(tree).__name__}")
    selects: list[tuple[str, exp.Select]] = []
    with_ = tree.args.get("with_") or tree.args.get("with")
    if with_ is not None:
        for cte in with_.expressions:
            if not isinstance(cte.this, exp.Select):
                raise UnsupportedSql(f"CTE {cte.alias} is not a plain SELECT")
            selects.append((cte.alias, cte.this))
    final = tree.copy()
    final.set("with_", None)
    final.set("with", None)
    selects.append(("", final))
    compiler = _Compiler(exact_jw)
    names: dict[str, Fn] = {}
    steps: list[tuple[str, Fn]] = []
    reads: dict[str, set[str]] = {"left": set(), "right": set()}
    memo = False
    for cte_name, select in selects:
        memo = memo or (memo_after is not None and cte_name == memo_after)
        resolve = _resolver(select, tables, names, reads)
        produced: dict[str, Fn] = {}
        for projection in select.expressions:
            alias = projection.alias_or_name
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            if isinstance(inner, exp.Star):
                raise UnsupportedSql(f"SELECT * in {cte_name or 'the final SELECT'}")
            if isinstance(inner, exp.Column):
                produced[alias] = resolve(inner)
                continue
            fn, used = compiler.compile(inner, resolve)
            if memo and used:
                fn = _memoised(fn, used)
            if cte_name:   # a CTE's value is computed once and read by name after
                steps.append((alias, fn))
                produced[alias] = _value_of(alias)
            else:
                produced[alias] = fn
        names = produced
    return CompiledSelect(steps, names, reads)


def _resolver(select: exp.Select, tables: Mapping[str, str],
              names: Mapping[str, Fn], reads: dict[str, set[str]]) -> Callable[[exp.Column], Fn]:
    aliases: dict[str, str] = {}
    sources = [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]
    for source in sources:
        table = source.this if source is not None else None
        if isinstance(table, exp.Table) and table.name in tables:
            aliases[table.alias_or_name] = tables[table.name]

    def base(side: str, name: str) -> Fn:
        reads[side].add(name)
        return _left_column(name) if side == "left" else _right_column(name)

    def resolve(column: exp.Column) -> Fn:
        side = aliases.get(column.table) if column.table else None
        if side is not None:
            return base(side, column.name)
        if column.table and column.table not in aliases:
            raise UnsupportedSql(f"unknown table {column.table!r} in {column.sql('duckdb')}")
        if column.name not in names and not column.table and len(aliases) == 1:
            return base(next(iter(aliases.values())), column.name)
        if column.name not in names:
            raise UnsupportedSql(f"unknown column {column.name!r}")
        return names[column.name]

    return resolve


def _left_column(name: str) -> Fn:
    return lambda s: s.left.get(name)


def _right_column(name: str) -> Fn:
    return lambda s: s.right.get(name)


def _value_of(name: str) -> Fn:
    return lambda s: s.values[name]


def _memoised(fn: Fn, reads: list[Fn]) -> Fn:
    cache: dict[Any, Any] = {}
    first = reads[0]

    def run(s: Scope) -> Any:
        key = first(s) if len(reads) == 1 else tuple([read(s) for read in reads])
        try:
            return cache[key]
        except KeyError:
            if len(cache) >= _MEMO_LIMIT:
                cache.clear()
            value = cache[key] = fn(s)
            return value
        except TypeError:   # an unhashable value: compute without the cache
            return fn(s)

    return run


class _Compiler:
    """Expression -> closure, collecting the column reads of each top-level expression."""

    def __init__(self, exact_jw: Callable[[str, str], float]) -> None:
        self._exact_jw = exact_jw
        self._reads: dict[str, Fn] = {}

    def compile(self, node: exp.Expression, resolve: Callable[[exp.Column], Fn]) -> tuple[Fn, list[Fn]]:
        self._reads = {}
        self._resolve = resolve
        fn = self._expr(node)
        return fn, list(self._reads.values())

    def _expr(self, node: exp.Expression) -> Fn:
        if isinstance(node, exp.Paren):
            return self._expr(node.this)
        if isinstance(node, exp.Column):
            fn = self._resolve(node)
            self._reads.setdefault(node.sql("duckdb"), fn)   # once per column, however often read
            return fn
        if isinstance(node, exp.Literal):
            value = _literal(node)
            return lambda s: value
        if isinstance(node, exp.Null):
            return lambda s: None
        if isinstance(node, exp.Boolean):
            flag = bool(node.this)
            return lambda s: flag
        if isinstance(node, exp.Neg):
            inner = self._expr(node.this)
            return lambda s: None if (v := inner(s)) is None else -v
        if isinstance(node, exp.Cast):
            return self._cast(node)
        if isinstance(node, tuple(_COMPARE)):
            return self._compare(node)
        if isinstance(node, exp.NullSafeNEQ | exp.NullSafeEQ):
            a, b = self._expr(node.this), self._expr(node.expression)
            distinct = isinstance(node, exp.NullSafeNEQ)
            return lambda s: _distinct(a(s), b(s)) is distinct
        if isinstance(node, exp.And):
            return _kleene(self._expr(node.this), self._expr(node.expression), decisive=False)
        if isinstance(node, exp.Or):
            return _kleene(self._expr(node.this), self._expr(node.expression), decisive=True)
        if isinstance(node, exp.Not):
            inner = self._expr(node.this)
            return lambda s: None if (v := inner(s)) is None else not v
        if isinstance(node, exp.Is):
            if not isinstance(node.expression, exp.Null):
                raise UnsupportedSql(f"IS other than IS NULL: {node.sql('duckdb')}")
            inner = self._expr(node.this)
            return lambda s: inner(s) is None
        if isinstance(node, exp.Case):
            return self._case(node)
        if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Div | exp.Mod):
            return self._arithmetic(node)
        if isinstance(node, exp.Coalesce | exp.Greatest):
            args = [self._expr(a) for a in [node.this, *node.expressions]]
            return _coalesce(args) if isinstance(node, exp.Coalesce) else _greatest(args)
        return self._function(node)

    def _function(self, node: exp.Expression) -> Fn:
        if isinstance(node, exp.JarowinklerSimilarity):
            a, b = self._expr(node.this), self._expr(node.expression)
            return _strict2(a, b, self._jw)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "damerau_levenshtein" \
                and len(node.expressions) == 2:
            a, b = (self._expr(e) for e in node.expressions)
            return _strict2(a, b, DamerauLevenshtein.distance)
        unary: dict[type[exp.Expression], Callable[[Any], Any]] = {
            exp.Length: len, exp.Abs: abs, exp.Year: lambda d: d.year, exp.Month: lambda d: d.month,
            exp.Day: lambda d: d.day, exp.TimeToUnix: _epoch}
        for kind, op in unary.items():
            if isinstance(node, kind) and _only(node, {"this"}):
                inner = self._expr(node.this)
                return lambda s, op=op: None if (v := inner(s)) is None else op(v)
        binary: dict[type[exp.Expression], Callable[[Any, Any], Any]] = {
            exp.Left: lambda t, n: t[:n] if n > 0 else "", exp.Right: lambda t, n: t[-n:] if n > 0 else "",
            exp.StartsWith: lambda t, p: t.startswith(p), exp.Pow: lambda a, b: float(a) ** float(b),
            exp.Log: lambda base, x: math.log(x) / math.log(base)}
        for kind, op in binary.items():
            if isinstance(node, kind) and _only(node, {"this", "expression"}):
                return _strict2(self._expr(node.this), self._expr(node.expression), op)
        if isinstance(node, exp.StrPosition) and _only(node, {"this", "substr"}):
            return _strict2(self._expr(node.this), self._expr(node.args["substr"]),
                            lambda t, sub: t.find(sub) + 1)
        raise UnsupportedSql(f"no Python equivalent for {node.sql('duckdb')!r} ({type(node).__name__})")

    def _jw(self, a: str, b: str) -> float:
        if not a or not b:   # DuckDB scores two empty strings 0, rapidfuzz 1
            return self._exact_jw(a, b)
        return JaroWinkler.similarity(a, b)

    def _compare(self, node: exp.Expression) -> Fn:
        op = _COMPARE[type(node)]
        a, b = self._expr(node.this), self._expr(node.expression)
        if isinstance(node.this, exp.JarowinklerSimilarity) and isinstance(node.expression, exp.Literal):
            threshold = float(_literal(node.expression))
            x, y = self._expr(node.this.this), self._expr(node.this.expression)
            exact = self._exact_jw

            def near_threshold(s: Scope) -> bool | None:
                sim = a(s)
                if sim is None:
                    return None
                if abs(sim - threshold) < _NEAR:   # rapidfuzz may be an ulp off DuckDB: ask DuckDB
                    sim = exact(x(s), y(s))
                return op(sim, threshold)

            return near_threshold
        return lambda s: None if (u := a(s)) is None or (v := b(s)) is None else op(u, v)

    def _cast(self, node: exp.Cast) -> Fn:
        inner = self._expr(node.this)
        target = node.to.this
        if target == exp.DataType.Type.DOUBLE:
            return lambda s: None if (v := inner(s)) is None else float(v)
        raise UnsupportedSql(f"CAST to {node.to.sql('duckdb')}")

    def _case(self, node: exp.Case) -> Fn:
        if node.this is not None:
            raise UnsupportedSql("CASE <operand> WHEN ...")
        branches = [(self._expr(w.this), self._expr(w.args["true"])) for w in node.args["ifs"]]
        default = self._expr(node.args["default"]) if node.args.get("default") is not None else None

        def case(s: Scope) -> Any:
            for cond, then in branches:
                if cond(s) is True:
                    return then(s)
            return default(s) if default is not None else None

        return case

    def _arithmetic(self, node: exp.Expression) -> Fn:
        a, b = self._expr(node.this), self._expr(node.expression)
        if isinstance(node, exp.Div):
            return _strict2(a, b, lambda u, v: None if v == 0 else float(u) / float(v))
        if isinstance(node, exp.Mod):
            return _strict2(a, b, _mod)
        op = {exp.Add: operator.add, exp.Sub: operator.sub, exp.Mul: operator.mul}[type(node)]
        return _strict2(a, b, op)


def _only(node: exp.Expression, args: set[str]) -> bool:
    """Whether ``node`` sets no arguments beyond ``args`` (an unknown option must not be ignored)."""
    return {k for k, v in node.args.items() if v is not None and v is not False} <= args


def _literal(node: exp.Literal) -> Any:
    if node.is_string:
        return node.this
    text = node.this
    return float(text) if any(c in text for c in ".eE") else int(text)


def _mod(a: Any, b: Any) -> Any:
    """SQL's remainder takes the dividend's sign (C's ``%``), Python's the divisor's."""
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    return math.fmod(a, b)


def _epoch(value: dt.date | dt.datetime) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return float((value - _EPOCH).days * 86_400)


def _distinct(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return bool(a != b)


def _strict2(a: Fn, b: Fn, op: Callable[[Any, Any], Any]) -> Fn:
    return lambda s: None if (u := a(s)) is None or (v := b(s)) is None else op(u, v)


def _kleene(a: Fn, b: Fn, decisive: bool) -> Fn:
    """SQL's AND (``decisive`` False) or OR (True): a decisive side wins, else NULL beats the other."""
    def run(s: Scope) -> bool | None:
        u = a(s)
        if u is decisive:
            return decisive
        v = b(s)
        if v is decisive:
            return decisive
        return None if u is None or v is None else not decisive

    return run


def _coalesce(args: list[Fn]) -> Fn:
    def run(s: Scope) -> Any:
        for arg in args:
            if (v := arg(s)) is not None:
                return v
        return None

    return run


def _greatest(args: list[Fn]) -> Fn:
    def run(s: Scope) -> Any:
        found = [v for arg in args if (v := arg(s)) is not None]
        return max(found) if found else None

    return run
