"""The RFC 7644 section 3.4.2.2 filter grammar: parse, check against the schema, evaluate.

We evaluated scim2-filter-parser first and kept our own parser: that library gives ``and`` and
``or`` the same precedence (``a pr or b pr and c pr`` parses as ``(a or b) and c``, against the
RFC's "not" > "and" > "or") and rejects JSON numbers with a fraction or exponent (``1.5e3``).

``parse`` turns text into a small AST; ``compile_node`` resolves every attribute path against a
resource type once (unknown attributes and ``gt`` on a boolean become ``invalidFilter`` even when
no resource would be compared) and returns a predicate over resources in their JSON form.
"""

from __future__ import annotations

import json
import math
import operator
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Union

from .errors import ScimError, bad_request
from .limits import MAX_FILTER_NESTING, MAX_FILTER_TERMS, check_text
from .schema import Attribute, ResourceType

COMPARE_OPS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"}
ORDER_OPS = {"gt", "ge", "lt", "le"}
SUBSTRING_OPS = {"co", "sw", "ew"}


# --- AST ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttrRef:
    """``[urn:]name[.sub]``, optionally with a value filter: ``emails[type eq "work"].value``."""

    urn: str | None
    name: str
    sub: str | None = None
    value_filter: "Node | None" = None


@dataclass(frozen=True)
class Compare:
    path: AttrRef
    op: str  # one of COMPARE_OPS, or "pr"
    value: Any = None


@dataclass(frozen=True)
class And:
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Or:
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Not:
    expr: "Node"


@dataclass(frozen=True)
class ValuePath:
    """``emails[type eq "work"]``: true when some element of ``path`` matches ``filter``."""

    path: AttrRef
    filter: "Node"


Node = Union[Compare, And, Or, Not, ValuePath]


# --- Tokens ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<punct>[()\[\]])
  | (?P<subattr>\.[A-Za-z$][\w$-]*)
  | (?P<word>[A-Za-z$][\w$:.\-]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string, number, punct, subattr, word, end
    text: str
    pos: int


# No filter within the term and nesting limits needs more tokens than this; reading stops here.
MAX_TOKENS = 16 * MAX_FILTER_TERMS + 3 * MAX_FILTER_NESTING


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        if len(tokens) > MAX_TOKENS:
            raise bad_request("invalidFilter", f"The filter is longer than this server reads ({MAX_FILTER_TERMS} "
                                               "comparisons at most).")
        match = _TOKEN.match(text, pos)
        if match is None:
            raise bad_request("invalidFilter", f"Unexpected character {text[pos]!r} at position {pos + 1} of the filter.")
        if match.lastgroup != "ws":
            tokens.append(Token(match.lastgroup, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- Parser ------------------------------------------------------------------------------------

class _Parser:
    """Recursive descent: or-expression > and-expression > unary (not, parentheses, comparisons)."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.nesting = 0
        self.terms = 0

    def enter(self) -> None:
        """One more level of parentheses, 'not (...)' or value filter: refused past the limit, before recursing."""
        self.nesting += 1
        if self.nesting > MAX_FILTER_NESTING:
            raise bad_request("invalidFilter", f"The filter nests more than {MAX_FILTER_NESTING} levels of parentheses "
                                               "or value filters, this server's limit.")

    def count_term(self) -> None:
        self.terms += 1
        if self.terms > MAX_FILTER_TERMS:
            raise bad_request("invalidFilter", f"The filter has more than {MAX_FILTER_TERMS} comparisons, "
                                               "this server's limit.")

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.current
        if token.kind == "word" and token.text.lower() in words:
            self.i += 1
            return token.text.lower()
        return None

    def expect(self, text: str) -> None:
        if self.current.text != text:
            self.fail(f"expected '{text}'")
        self.i += 1

    def fail(self, what: str):
        token = self.current
        found = "the end of the filter" if token.kind == "end" else f"'{token.text}'"
        raise bad_request("invalidFilter", f"Invalid filter {self.text!r}: {what} at position {token.pos + 1}, found {found}.")

    def parse(self) -> Node:
        node = self.or_expr(in_brackets=False)
        if self.current.kind != "end":
            self.fail("expected 'and', 'or' or the end of the filter")
        return node

    def or_expr(self, in_brackets: bool) -> Node:
        node = self.and_expr(in_brackets)
        while self.keyword("or"):
            node = Or(node, self.and_expr(in_brackets))
        return node

    def and_expr(self, in_brackets: bool) -> Node:
        node = self.unary(in_brackets)
        while self.keyword("and"):
            node = And(node, self.unary(in_brackets))
        return node

    def unary(self, in_brackets: bool) -> Node:
        if self.current.kind == "word" and self.current.text.lower() == "not" and self.tokens[self.i + 1].text == "(":
            self.i += 1
            return Not(self.group(in_brackets))
        if self.current.text == "(":
            return self.group(in_brackets)
        return self.comparison(in_brackets)

    def group(self, in_brackets: bool) -> Node:
        self.expect("(")
        self.enter()
        node = self.or_expr(in_brackets)
        self.expect(")")
        self.nesting -= 1
        return node

    def comparison(self, in_brackets: bool) -> Node:
        self.count_term()
        path = self.attr_path()
        if self.current.text == "[":
            if in_brackets:
                self.fail("value filters cannot be nested")
            self.advance()
            self.enter()
            inner = self.or_expr(in_brackets=True)
            self.expect("]")
            self.nesting -= 1
            sub = None
            if self.current.kind == "subattr":
                sub = self.advance().text[1:]
            if sub is None and not self.at_operator():
                return ValuePath(path, inner)
            path = AttrRef(path.urn, path.name, sub, inner)
        op = self.keyword("pr", *COMPARE_OPS)
        if op is None:
            if self.current.kind == "word":
                raise bad_request("invalidFilter", f"The operator '{self.current.text}' is not supported.")
            self.fail("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)")
        if op == "pr":
            return Compare(path, "pr")
        return Compare(path, op, self.comp_value())

    def at_operator(self) -> bool:
        token = self.current
        return token.kind == "word" and token.text.lower() in COMPARE_OPS | {"pr"}

    def attr_path(self) -> AttrRef:
        token = self.current
        if token.kind != "word":
            self.fail("expected an attribute name")
        self.advance()
        return split_attr_path(token.text, self.text)

    def comp_value(self) -> Any:
        token = self.advance()
        if token.kind == "string":
            try:
                value = json.loads(token.text)
            except ValueError:
                raise bad_request("invalidFilter", f"Invalid string {token.text} in filter {self.text!r}.") from None
            check_text(value, "A string in the filter", "invalidFilter")
            return value
        if token.kind == "number":
            try:
                value = json.loads(token.text)
            except ValueError:  # more digits than Python converts
                value = math.inf
            if isinstance(value, float) and not math.isfinite(value):
                raise bad_request("invalidFilter", f"The number {token.text[:40]}... in the filter is too large.")
            return value
        if token.kind == "word" and token.text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.text.lower()]
        self.i -= 1
        self.fail("expected a value (a quoted string, a number, true, false or null)")


_NAME = re.compile(r"^[A-Za-z$][\w$-]*$")


def split_attr_path(word: str, context: str) -> AttrRef:
    """``urn:...:User:name.givenName`` -> AttrRef(urn, "name", "givenName")."""
    urn = None
    rest = word
    if word.lower().startswith("urn:"):
        urn, _, rest = word.rpartition(":")
    name, _, sub = rest.partition(".")
    if not _NAME.match(name) or (sub and not _NAME.match(sub)) or not urn and ":" in rest:
        raise bad_request("invalidFilter", f"{word!r} in {context!r} is not an attribute path.")
    return AttrRef(urn, name, sub or None)


def parse_path(text: str) -> AttrRef:
    """A PATCH path (RFC 7644 section 3.5.2): ``attrPath`` or ``valuePath [subAttr]``.

    Errors are ``invalidPath``, as the RFC asks for a path that cannot be parsed.
    """
    if not isinstance(text, str) or not text.strip():
        raise bad_request("invalidPath", "The PATCH path is empty.")
    try:
        parser = _Parser(text)
        path = parser.attr_path()
        if parser.current.text == "[":
            parser.advance()
            inner = parser.or_expr(in_brackets=True)
            parser.expect("]")
            sub = parser.advance().text[1:] if parser.current.kind == "subattr" else None
            if path.sub is not None:
                parser.fail("a value filter cannot follow a sub-attribute")
            path = AttrRef(path.urn, path.name, sub, inner)
        if parser.current.kind != "end":
            parser.fail("unexpected text after the path")
    except ScimError as error:
        raise bad_request("invalidPath", error.detail.replace("Invalid filter", "Invalid path")) from None
    return path


def parse(text: str) -> Node:
    if not isinstance(text, str) or not text.strip():
        raise bad_request("invalidFilter", "The filter is empty.")
    return _Parser(text).parse()


# --- Values ------------------------------------------------------------------------------------

def fold(value: str) -> str:
    """Case folding for caseExact=false strings, shared by filters, sorting and the indexes."""
    return value.casefold()


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _as_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


@dataclass(frozen=True)
class Resolved:
    """An attribute path bound to its schema definition."""

    extension: str | None
    attribute: Attribute
    sub: Attribute | None

    @property
    def leaf(self) -> Attribute:
        return self.sub or self.attribute


def resolve(rtype: ResourceType, ref: AttrRef, error_type: str = "invalidFilter") -> Resolved:
    found = rtype.attribute(ref.urn, ref.name)
    if found is None:
        shown = f"{ref.urn}:{ref.name}" if ref.urn else ref.name
        raise bad_request(error_type, f"Unknown attribute '{shown}' for {rtype.name} resources.")
    extension, attribute = found
    sub = None
    if ref.sub is not None:
        sub = attribute.sub(ref.sub)
        if sub is None:
            raise bad_request(error_type, f"Unknown sub-attribute '{ref.sub}' of '{attribute.name}'.")
    elif attribute.type == "complex" and attribute.multi_valued and "value" in attribute.sub_attributes:
        # "emails co x": a multi-valued complex attribute compares by its "value" sub-attribute.
        sub = attribute.sub("value")
    return Resolved(extension, attribute, sub)


def values_at(resource: dict, resolved: Resolved, element_filter: Callable[[dict], bool] | None = None) -> list:
    """Every value the path names in ``resource``: one per element of a multi-valued attribute."""
    holder = resource.get(resolved.extension, {}) if resolved.extension else resource
    if not isinstance(holder, dict):
        return []
    value = holder.get(resolved.attribute.name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if element_filter is not None:
        items = [item for item in items if isinstance(item, dict) and element_filter(item)]
    if resolved.sub is None:
        return items
    return [item.get(resolved.sub.name) for item in items if isinstance(item, dict) and resolved.sub.name in item]


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _comparator(attribute: Attribute, op: str, expected: Any, text: str) -> Callable[[Any], bool]:
    """A test of one stored value against ``op expected``, by the attribute's type."""
    kind = attribute.type
    if expected is None:
        if op not in ("eq", "ne"):
            raise bad_request("invalidFilter", f"'{op} null' is not a comparison in {text!r}; use 'pr' or 'not (... pr)'.")
        return lambda value: not _present(value)  # "ne null" is the negation, applied by the caller
    if kind == "boolean":
        expected = _as_bool(expected)
        if op not in ("eq", "ne") or not isinstance(expected, bool):
            raise bad_request("invalidFilter", f"The boolean attribute '{attribute.name}' supports only eq and ne with true or false, in {text!r}.")
        return lambda value: _as_bool(value) is expected
    if kind == "binary" and op in ORDER_OPS:
        raise bad_request("invalidFilter", f"The binary attribute '{attribute.name}' cannot be compared with '{op}'.")
    if kind in ("integer", "decimal"):
        if isinstance(expected, bool) or not isinstance(expected, (int, float)) or op in SUBSTRING_OPS:
            raise bad_request("invalidFilter", f"The numeric attribute '{attribute.name}' needs a number and eq, ne, gt, ge, lt or le in {text!r}.")
        return _ordered(op, expected, lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else None)
    if kind == "dateTime" and op not in SUBSTRING_OPS:
        moment = parse_datetime(expected)
        if moment is None:
            raise bad_request("invalidFilter", f"{expected!r} is not a dateTime (RFC 3339) for '{attribute.name}' in {text!r}.")
        return _ordered(op, moment, parse_datetime)
    if not isinstance(expected, str):
        raise bad_request("invalidFilter", f"The attribute '{attribute.name}' is a {kind}; compare it with a quoted string in {text!r}.")
    normalise = (lambda v: v) if attribute.case_exact else fold
    expected_n = normalise(expected)

    def as_text(value: Any) -> str | None:
        return normalise(value) if isinstance(value, str) else None

    if op == "co":
        return lambda value: (t := as_text(value)) is not None and expected_n in t
    if op == "sw":
        return lambda value: (t := as_text(value)) is not None and t.startswith(expected_n)
    if op == "ew":
        return lambda value: (t := as_text(value)) is not None and t.endswith(expected_n)
    return _ordered(op, expected_n, as_text)


def _ordered(op: str, expected: Any, convert: Callable[[Any], Any]) -> Callable[[Any], bool]:
    compare = {"eq": operator.eq, "ne": operator.eq, "gt": operator.gt, "ge": operator.ge,
               "lt": operator.lt, "le": operator.le}[op]

    def test(value: Any) -> bool:
        converted = convert(value)
        return converted is not None and compare(converted, expected)

    return test


Predicate = Callable[[dict], bool]


def compile_node(node: Node, rtype: ResourceType, text: str, scope: Resolved | None = None) -> Predicate:
    """Turn an AST into a predicate over resources (or, inside brackets, over one element)."""
    if isinstance(node, And):
        left, right = compile_node(node.left, rtype, text, scope), compile_node(node.right, rtype, text, scope)
        return lambda r: left(r) and right(r)
    if isinstance(node, Or):
        left, right = compile_node(node.left, rtype, text, scope), compile_node(node.right, rtype, text, scope)
        return lambda r: left(r) or right(r)
    if isinstance(node, Not):
        inner = compile_node(node.expr, rtype, text, scope)
        return lambda r: not inner(r)
    if isinstance(node, ValuePath):
        resolved, element_test = _value_path(node.path, node.filter, rtype, text)
        return lambda r: bool(values_at(r, resolved, element_test))
    return _compile_compare(node, rtype, text, scope)


def _value_path(path: AttrRef, inner: Node, rtype: ResourceType, text: str) -> tuple[Resolved, Predicate]:
    outer = resolve(rtype, AttrRef(path.urn, path.name))
    if outer.attribute.type != "complex":
        raise bad_request("invalidFilter", f"'{outer.attribute.name}' is not complex; it cannot take a [value filter] in {text!r}.")
    element_test = compile_node(inner, rtype, text, scope=Resolved(outer.extension, outer.attribute, None))
    return Resolved(outer.extension, outer.attribute, None), element_test


def _compile_compare(node: Compare, rtype: ResourceType, text: str, scope: Resolved | None) -> Predicate:
    if scope is not None:
        # Inside brackets, names are sub-attributes of the bracketed attribute.
        sub = scope.attribute.sub(node.path.name)
        if sub is None or node.path.urn or node.path.sub:
            raise bad_request("invalidFilter", f"'{node.path.name}' is not a sub-attribute of '{scope.attribute.name}' in {text!r}.")
        leaf = sub

        def get_values(element: dict) -> list:
            value = element.get(sub.name)
            return [] if value is None else [value]
    elif node.path.value_filter is not None:
        resolved_outer, element_test = _value_path(node.path, node.path.value_filter, rtype, text)
        target = resolved_outer
        if node.path.sub:
            sub_attr = resolved_outer.attribute.sub(node.path.sub)
            if sub_attr is None:
                raise bad_request("invalidFilter", f"Unknown sub-attribute '{node.path.sub}' of '{resolved_outer.attribute.name}'.")
            target = Resolved(resolved_outer.extension, resolved_outer.attribute, sub_attr)
        else:
            target = resolve(rtype, AttrRef(node.path.urn, node.path.name))
        leaf = target.leaf

        def get_values(resource: dict) -> list:
            return values_at(resource, target, element_test)
    else:
        resolved = resolve(rtype, node.path)
        leaf = resolved.leaf

        def get_values(resource: dict) -> list:
            return values_at(resource, resolved)

    if node.op == "pr":
        return lambda r: any(_present(v) for v in get_values(r))
    if leaf.type == "complex":
        raise bad_request("invalidFilter", f"'{leaf.name}' is complex; name one of its sub-attributes in {text!r}.")
    test = _comparator(leaf, node.op, node.value, text)
    if node.value is None:
        # "x eq null": no value present; "x ne null": some value present.
        if node.op == "eq":
            return lambda r: not any(_present(v) for v in get_values(r))
        return lambda r: any(_present(v) for v in get_values(r))
    if node.op == "ne":
        return lambda r: not any(test(v) for v in get_values(r))
    return lambda r: any(test(v) for v in get_values(r))


# --- Index hints -------------------------------------------------------------------------------

INDEXED = {"id": "id", "username": "user_name", "externalid": "external_id", "displayname": "display_name"}


def index_hint(node: Node, rtype: ResourceType) -> tuple[str, str] | None:
    """An ``attr eq "value"`` conjunct that an index can answer: (column, value), or None.

    The full predicate still runs on the rows the index returns, so the hint only narrows.
    """
    if isinstance(node, And):
        return index_hint(node.left, rtype) or index_hint(node.right, rtype)
    if (
        isinstance(node, Compare)
        and node.op == "eq"
        and isinstance(node.value, str)
        and node.path.sub is None
        and node.path.value_filter is None
        and (node.path.urn is None or node.path.urn.lower() == rtype.schema.lower())
        and node.path.name.lower() in INDEXED
        and rtype.top_level(node.path.name) is not None
    ):
        return INDEXED[node.path.name.lower()], node.value
    return None
