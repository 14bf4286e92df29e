"""scimulator's step language: every step a feature file may use, its parameters and their allowed values.

Step modules register their steps with this module's `given`, `when` and `then`: each wraps
pytest-bdd's decorator of the same name and records a catalogue entry (keyword, pattern, parameters,
docstring, module, an example sentence). Every ``{name}`` in a pattern is declared once in
PARAMETERS: what kind of value it is, an example, and for a fixed vocabulary the exact values the
step code accepts (the step code dispatches on the same dictionaries, so the list exists once).

`check_features(directories)` reads feature files with the gherkin-official parser and checks every
step of every rendered scenario against the catalogue: an unknown step, a word outside its
vocabulary, or an alias no earlier step introduced is a sentence naming the file, the line and what
is allowed. `scimulator run` and the suite's collection both refuse to start on any such sentence.
"""

from __future__ import annotations

import difflib
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest_bdd
from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from pytest_bdd import parsers

from scimulator.simulator.attributes import ATTRIBUTES, ENTRA, OKTA, changeable_by
from .judge import aliases
from .language_cache import CheckedFiles, file_digest

# --- vocabularies: the step code dispatches on these -------------------------------------------------

OKTA_FLAVOURS = {"OIN": "oin", "AIW": "aiw"}
OKTA_ACTIONS = ("deactivates", "suspends")  # both send the same deactivation [O1]
UNLINK_CHOICES = {"deletes it in the target app": True, "leaves it in the target app": False}
SPACE_ENCODINGS = ("+", "%20")
FLAGS = {"with": True, "without": False}
TIME_UNITS = {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours", "day": "days", "days": "days"}
# How a disable is written, as the scenarios name it -> (aadOptscim062020, boolean_form) [E2][F16].
DISABLE_FORMS = {'Replace "False"': (False, "string"), "Replace false": (False, "boolean"),
                 "replace false with the flag": (True, "string")}
MANAGER_SHAPES = ("documented", "field")
ROLE_MAPPINGS = ("SingleAppRoleAssignment", "AppRoleAssignmentsComplex")
USER_STATES = {"active": True, "inactive": False}
LOGIC_APP_ACTIONS = {"sets": "Add", "changes": "Replace"}  # the PATCH op the Logic App sends
EMPTY_VALUES = {'""': "", "null": None}
RESOURCE_KINDS = {"user": "/Users", "group": "/Groups"}
RESOURCE_KINDS_PLURAL = {"users": "/Users", "groups": "/Groups"}
SECRET_AGES = {"new": "secret", "old": "old_secret"}
REQUEST_OUTCOMES = {"accepted": 200, "refused": 401}
HTTP_METHODS = ("GET", "DELETE", "POST", "PUT", "PATCH")
# Okta's SPEC test collection names its values in double braces (Initial_Script_Spec.txt).
# The open-source clients of docs/idp-behaviour-oss.md: the name a scenario says -> the engine's fixture.
OSS_CLIENTS = {"authentik": "authentik", "Keycloak": "keycloak"}
AUTHENTIK_MODES = {"default": "default", "AWS": "aws", "Slack": "slack"}  # compatibility modes [AK7]
KEYCLOAK_PATCH_SCOPES = {"users": (True, False), "groups": (False, True)}  # "Use patchOp for ..." [KC5]
# JumpCloud, OneLogin, Ping and Google Workspace (docs/idp-behaviour-more.md): the name a scenario says -> the engine's.
IDP_NAMES = {"JumpCloud": "JumpCloud", "OneLogin": "OneLogin", "Ping": "Ping", "Google": "Google"}
# OneLogin's documented schemas [OL1]; the v2 ones as vendor guides give them [OL9].
ONELOGIN_TEMPLATES = {name: name for name in ("Core", "Enterprise", "v2 Core",
                                              "v2 Core with a misspelt attribute and a null id")}
ONELOGIN_ACTIONS = {"Delete": "Delete", "Suspend": "Suspend"}  # the Provisioning tab's choices [OL3]
PING_IDENTIFIERS = {"userName": "userName", "workEmail": "workEmail"}  # Unique User Identifier [PG1]
PING_ACTIONS = {"Disable": "Disable", "Delete": "Delete"}  # Remove User Action [PG4]
UPDATE_METHODS = {"PUT": "put", "PATCH": "patch"}  # JumpCloud's two LOW sources [JC6][JC7]
SPEC_VARIABLES = ("randomGivenName", "randomFamilyName", "randomEmail", "randomUsername", "randomUsernameCaps",
                  "InvalidUserEmail", "UserIdThatDoesNotExist", "idUserOne")

# --- parameters ----------------------------------------------------------------------------------------

PERSON, PEOPLE, GROUP, NEW_GROUP = "person alias", "person aliases", "group alias", "new group alias"
TEXT, NUMBER, CHOICE = "free text", "number", "one of a fixed vocabulary"
ALIAS_KINDS = {PERSON: "person", PEOPLE: "person", GROUP: "group", NEW_GROUP: "group"}


@dataclass(frozen=True)
class Parameter:
    """A placeholder of the step language: its kind, an example value, and for a vocabulary the allowed values."""

    name: str
    kind: str
    example: str
    meaning: str = ""  # what a wrong value is not: "an Okta action"
    allowed: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """The sentence for a value outside the vocabulary, or None."""
        if self.allowed and value not in self.allowed:
            return f"{value!r} is not {self.meaning}; allowed: {', '.join(self.allowed)}"
        return None


def _choice(name: str, values: Iterable[str], meaning: str, example: str | None = None) -> Parameter:
    values = tuple(values)
    return Parameter(name, CHOICE, example or values[0], meaning, values)


PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    Parameter("person", PERSON, "alice"),
    Parameter("manager", PERSON, "jon"),
    Parameter("members", PEOPLE, '"ann" and "ben"'),
    Parameter("manager_resource", TEXT, "boss"),
    Parameter("group", GROUP, "Sales"),
    Parameter("new_name", NEW_GROUP, "Revenue"),
    _choice("flavour", OKTA_FLAVOURS, "an Okta app flavour"),
    _choice("okta_action", OKTA_ACTIONS, "an Okta action"),
    _choice("unlink_choice", UNLINK_CHOICES, "a choice Okta offers on unlinking a pushed group"),
    _choice("space", SPACE_ENCODINGS, "a way Okta encodes a space in a query"),
    _choice("flag", FLAGS, "with or without"),
    _choice("unit", TIME_UNITS, "a time unit", example="minutes"),
    _choice("disable_form", DISABLE_FORMS, "a form of Entra's disable"),
    _choice("manager_shape", MANAGER_SHAPES, "a shape of Entra's manager"),
    _choice("role_mapping", ROLE_MAPPINGS, "a mapping of Entra's app roles"),
    _choice("state", USER_STATES, "a state"),
    _choice("okta_attribute", changeable_by(OKTA), "an attribute Okta changes", example="department"),
    _choice("entra_attribute", changeable_by(ENTRA), "an attribute Entra changes", example="department"),
    _choice("attribute", ATTRIBUTES, "an attribute of the step language", example="department"),
    _choice("logic_app_action", LOGIC_APP_ACTIONS, "a Logic App action"),
    _choice("empty", EMPTY_VALUES, "an empty value the Logic App sends", example="null"),
    _choice("kind", RESOURCE_KINDS, "a kind of resource"),
    _choice("kinds", RESOURCE_KINDS_PLURAL, "a kind of resources"),
    _choice("which", SECRET_AGES, "a secret's age"),
    _choice("outcome", REQUEST_OUTCOMES, "an outcome of a request"),
    _choice("method", HTTP_METHODS, "an HTTP method", example="GET"),
    _choice("variable", SPEC_VARIABLES, "a value of Okta's SPEC test", example="randomUsername"),
    _choice("oss_client", OSS_CLIENTS, "an open-source SCIM client"),
    _choice("compatibility_mode", AUTHENTIK_MODES, "a compatibility mode of authentik's SCIM provider", example="AWS"),
    _choice("patch_scope", KEYCLOAK_PATCH_SCOPES, "what keycloak-scim can PATCH"),
    _choice("idp_name", IDP_NAMES, "JumpCloud, OneLogin, Ping or Google"),
    _choice("onelogin_template", ONELOGIN_TEMPLATES, "a OneLogin template", example="Enterprise"),
    _choice("onelogin_action", ONELOGIN_ACTIONS, "a OneLogin deprovisioning action"),
    _choice("ping_identifier", PING_IDENTIFIERS, "a Ping unique user identifier"),
    _choice("ping_action", PING_ACTIONS, "a Ping remove user action"),
    _choice("update_method", UPDATE_METHODS, "a way JumpCloud updates users", example="PATCH"),
    Parameter("filter_expression", TEXT, 'username Eq "%s"'),
    Parameter("value", TEXT, "Field Operations"),
    Parameter("text", TEXT, "Conflict"),
    Parameter("reason", TEXT, "EncounteredQuarantineException"),
    Parameter("role", TEXT, "Writer"),
    Parameter("roles", TEXT, '"Reader" and "Writer"'),
    Parameter("endpoint", TEXT, "/Users"),
    Parameter("path", TEXT, "/Users?count=1&startIndex=1"),
    Parameter("attribute_path", TEXT, "name.familyName"),
    Parameter("attribute_paths", TEXT, "id, userName and meta.created"),
    Parameter("header", TEXT, "If-Match"),
    Parameter("header_value", TEXT, 'W/"1"'),
    Parameter("content_type", TEXT, "application/json"),
    Parameter("token", TEXT, "not-the-token"),
    Parameter("scim_type", TEXT, "uniqueness"),
    Parameter("capability", TEXT, "etag"),
    Parameter("operator", TEXT, "sw"),
    Parameter("resource", TEXT, "ana"),
    Parameter("users", TEXT, '"ana" and "bo"'),
    Parameter("values", TEXT, '"{prefix}home@example.com" and "Ext-AbC"'),
    Parameter("configuration", TEXT, "main"),
    Parameter("workspace", TEXT, "prod"),
    Parameter("sync_action", TEXT, "CREATE"),
    Parameter("resource_type", TEXT, "User"),
    Parameter("status_text", TEXT, "SUCCESS"),
    Parameter("limit_text", TEXT, "1,000"),
    Parameter("count", NUMBER, "40"),
    Parameter("hours", NUMBER, "23"),
    Parameter("limit", NUMBER, "1000"),
    Parameter("status", NUMBER, "200"),
    Parameter("other_status", NUMBER, "204"),
    Parameter("total", NUMBER, "5"),
    Parameter("start", NUMBER, "1"),
    Parameter("low", NUMBER, "1"),
    Parameter("high", NUMBER, "2"),
    Parameter("first", NUMBER, "6"),
    Parameter("second", NUMBER, "18"),
    Parameter("third", NUMBER, "42"),
)}

# --- the catalogue --------------------------------------------------------------------------------------

# Who speaks a module's steps, in the catalogue's order.
SPEAKERS = {"okta_steps": "Okta admin", "entra_steps": "Entra admin",
            "okta_spec_steps": "Okta's SPEC test", "gallery_steps": "Microsoft's SCIM Validation Logic App",
            "target_steps": "The target holds", "user_checks": "The target holds", "protocol_steps": "Plain protocol",
            "vendor_steps": "Vendor admin", "interop_steps": "SCIM interop profile",
            "ipsie_steps": "IPSIE profile", "oss_steps": "authentik's or Keycloak's sync",
            "idp_steps": "JumpCloud, OneLogin, Ping or Google admin"}
# A parse pattern read left to right: literal braces ("{{", "}}") or a field ("{count:d}").
PATTERN_TOKEN = re.compile(r"\{\{|\}\}|\{(?P<name>\w+)(?::[^{}]*)?\}")


def _render(pattern: str, field: Callable[[str], str]) -> str:
    """The pattern with literal braces as written in a feature file and each field replaced by `field(name)`."""
    return PATTERN_TOKEN.sub(lambda m: field(m["name"]) if m["name"] else m[0][0], pattern)


def placeholders(pattern: str) -> list[str]:
    """The names of a parse pattern's fields, in order."""
    return [m["name"] for m in PATTERN_TOKEN.finditer(pattern) if m["name"]]


@dataclass
class Step:
    """One catalogue entry: a step the feature files may use."""

    keyword: str  # given, when or then
    pattern: str  # as shown: a parse pattern whose {fields} are PARAMETERS
    matcher: Any  # the pytest-bdd parser that matches it
    doc: str
    module: str
    example: str

    @property
    def parameters(self) -> list[str]:
        return placeholders(self.pattern)

    @property
    def speaker(self) -> str:
        return SPEAKERS.get(self.module, self.module)

    @property
    def shown(self) -> str:
        """The pattern as a reader writes it: ``{count}``, not ``{count:d}``; ``{{`` as ``{``."""
        return _render(self.pattern, lambda name: "{" + name + "}")

    def arguments(self, text: str) -> dict[str, Any] | None:
        return self.matcher.parse_arguments(text) if self.matcher.is_matching(text) else None


CATALOGUE: list[Step] = []


def _example(pattern: str) -> str:
    """The pattern with each field replaced by its parameter's example."""
    return _render(pattern, lambda name: PARAMETERS[name].example if name in PARAMETERS else "{" + name + "}")


def _matcher(pattern: str, regex: str | None):
    if regex:
        return parsers.re(regex)
    return parsers.parse(pattern) if placeholders(pattern) or "{{" in pattern else parsers.string(pattern)


def _register(keyword: str, pattern: str, regex: str | None, target_fixture: str | None, example: str | None):
    bdd_decorator = getattr(pytest_bdd, keyword)

    def decorate(function: Callable) -> Callable:
        matcher = _matcher(pattern, regex)
        doc = (function.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        module = function.__module__.rsplit(".", 1)[-1]
        CATALOGUE.append(Step(keyword, pattern, matcher, " ".join(doc.split()), module, example or _example(pattern)))
        # stacklevel 2: pytest-bdd injects its step fixture into the step module, the caller of this function
        return bdd_decorator(matcher, target_fixture=target_fixture, stacklevel=2)(function)
    return decorate


def given(pattern: str, *, regex: str | None = None, target_fixture: str | None = None, example: str | None = None):
    """`@given('a person "{person}" in the Okta directory')`: a pytest-bdd given step, in the catalogue.

    `regex` matches instead of the pattern where a parse pattern cannot say it; the pattern is still
    what the catalogue shows.
    """
    return _register("given", pattern, regex, target_fixture, example)


def when(pattern: str, *, regex: str | None = None, target_fixture: str | None = None, example: str | None = None):
    """A pytest-bdd when step, in the catalogue (see `given`)."""
    return _register("when", pattern, regex, target_fixture, example)


def then(pattern: str, *, regex: str | None = None, target_fixture: str | None = None, example: str | None = None):
    """A pytest-bdd then step, in the catalogue (see `given`)."""
    return _register("then", pattern, regex, target_fixture, example)


STEP_MODULES = ("okta_steps", "entra_steps", "okta_spec_steps", "gallery_steps", "target_steps",
                "user_checks", "protocol_steps", "vendor_steps", "oauth_steps", "interop_steps",
                "ipsie_steps", "oss_steps", "idp_steps")


def catalogue() -> list[Step]:
    """Every registered step, module by module in STEP_MODULES' order (each imported first if it was not yet)."""
    for module in STEP_MODULES:
        importlib.import_module(f"scimulator.steps.{module}")
    order = {module: index for index, module in enumerate(STEP_MODULES)}
    return sorted(CATALOGUE, key=lambda step: order.get(step.module, len(order)))


# --- checking feature files -----------------------------------------------------------------------------

GHERKIN_KEYWORDS = {"Context": "given", "Action": "when", "Outcome": "then"}
UNRENDERED = re.compile(r"<[^<>\s]+>")
# What to write first when an alias is unknown, per kind of alias.
INTRODUCTIONS = {"person": ('Given "{alias}" is assigned to the app and provisioned',
                            'Given "{alias}" is assigned to the Entra app'),
                 "group": ('Given a group "{alias}" with the members "ann"',
                           'Given the group "{alias}" with the members "ann" is assigned to the Entra app')}


class LanguageError(Exception):
    """Feature files that do not speak the step language; the message lists every problem."""

    def __init__(self, problems: list[str]):
        super().__init__("the feature files do not speak scimulator's step language:\n" + "\n".join(problems))
        self.problems = problems


def unknown_alias_sentence(kind: str, alias: str) -> str:
    """What to write before a step that names an alias nothing introduced."""
    first, second = (sentence.format(alias=alias) for sentence in INTRODUCTIONS[kind])
    return (f'no Given or When step before it mentions the {kind} "{alias}"; add one first, e.g. '
            f"'{first}' (Okta) or '{second}' (Entra)")


@dataclass
class _Cast:
    """The aliases a scenario has introduced so far, by kind."""

    known: dict[str, set] = field(default_factory=lambda: {"person": set(), "group": set()})

    def aliases_in(self, step: Step, arguments: dict) -> list[tuple[str, str]]:
        found = []
        for name in step.parameters:
            kind = ALIAS_KINDS.get(PARAMETERS[name].kind) if name in PARAMETERS else None
            if kind:
                values = aliases(arguments[name]) if PARAMETERS[name].kind == PEOPLE else [arguments[name]]
                found.extend((kind, value) for value in values)
        return found

    def walk(self, step: Step, arguments: dict) -> list[str]:
        """Introduce the aliases of a Given or When step; the unknown ones of a Then step, as sentences."""
        mentioned = self.aliases_in(step, arguments)
        if step.keyword != "then":
            for kind, alias in mentioned:
                self.known[kind].add(alias)
            return []
        return [unknown_alias_sentence(kind, alias) for kind, alias in mentioned if alias not in self.known[kind]]


def _vocabulary_problems(step: Step, arguments: dict) -> list[str]:
    return [problem for name in step.parameters if name in PARAMETERS
            for problem in [PARAMETERS[name].problem(arguments.get(name))] if problem]


def _closest(text: str, steps: list[Step]) -> list[str]:
    examples = {step.example: step for step in steps}
    close = difflib.get_close_matches(text, list(examples), n=3, cutoff=0)
    return [f"{examples[e].keyword.title()} {examples[e].shown}" for e in close]


_HEADS: dict = {}  # parser -> its literal beginning, lowercased (None: not known)


def literal_head(parser) -> str | None:
    """What every text the parser matches starts with, lowercased; None when that cannot be told (a regular
    expression, a beginning that is not ASCII, an escaped brace)."""
    if parser not in _HEADS:
        if isinstance(parser, parsers.string):
            head = parser.name
        elif isinstance(parser, parsers.parse):  # parse and cfparse: literal text up to the first field
            head = parser.name.split("{", 1)[0]
        else:
            head = None
        _HEADS[parser] = head.lower() if head is not None and head.isascii() and "}" not in head else None
    return _HEADS[parser]


def comparable(text: str) -> str | None:
    """A step text as may_match compares it: lowercased when ASCII (else None: every parser is tried)."""
    return text.lower() if text.isascii() else None


def may_match(parser, lowered: str | None) -> bool:
    """False only when the parser cannot match the text (``comparable(text)``): parse ignores case and matches its
    literal text as written, so a text it matches starts with its literal beginning, lowercased."""
    head = literal_head(parser)
    return head is None or lowered is None or lowered.startswith(head)


# (keyword, step text, the number of steps known) -> the catalogue's steps matching it, with their arguments: the
# suite writes the same step text many times (a scenario outline's rows, shared Given steps).
_MATCHING: dict[tuple, list] = {}


def _matching(keyword: str, text: str, steps: list[Step]) -> list[tuple[Step, dict]]:
    key = (keyword, text, len(steps))
    if key not in _MATCHING:
        lowered = comparable(text)
        _MATCHING[key] = [(s, s.arguments(text)) for s in steps
                          if s.keyword == keyword and may_match(s.matcher, lowered) and s.matcher.is_matching(text)]
    return _MATCHING[key]


def step_problems(keyword: str, text: str, cast: _Cast, steps: list[Step]) -> list[str]:
    """Why one rendered step does not speak the language (empty when it does)."""
    unrendered = UNRENDERED.search(text)
    if unrendered:
        return [f"it uses {unrendered[0]}, which its Examples table has no column for"]
    matching = _matching(keyword, text, steps)
    if not matching:
        return ["no step of the catalogue matches it; the closest are: " + " | ".join(_closest(text, steps))]
    judged = [(s, arguments, _vocabulary_problems(s, arguments)) for s, arguments in matching]
    clean = [(s, arguments) for s, arguments, problems in judged if not problems]
    if not clean:
        return judged[0][2]
    return cast.walk(*clean[0])


def _step_lines(document: dict) -> dict[str, tuple[int, str]]:
    """AST step id -> (line, keyword as written) for every step of a parsed feature."""
    found = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "keyword" in node and "text" in node and "location" in node and "id" in node:
                found[node["id"]] = (node["location"]["line"], node["keyword"].strip())
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)
    visit(document.get("feature") or {})
    return found


def feature_problems(path: Path, steps: list[Step]) -> list[str]:
    """Every problem of one feature file, each a sentence starting with its file and line."""
    try:
        document = Parser().parse(path.read_text(encoding="utf-8"))
    except (CompositeParserException, ParserException) as error:
        return [f"{path}: does not parse: {str(error).strip().splitlines()[0]}"]
    document["uri"] = str(path)
    lines = _step_lines(document)
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    for pickle in Compiler().compile(document):
        cast = _Cast()
        for step in pickle["steps"]:
            line, written = lines.get(step["astNodeIds"][0], (0, ""))
            keyword = GHERKIN_KEYWORDS.get(step.get("type"), "given")
            for problem in step_problems(keyword, step["text"], cast, steps):
                sentence = f"{path}:{line}: {written} {step['text']}: {problem}"
                if (line, sentence) not in seen:
                    seen.add((line, sentence))
                    problems.append(sentence)
    return problems


def problems_in(directories: Iterable[Path | str]) -> list[str]:
    """Every problem of every feature file under the directories, in file order."""
    steps = catalogue()
    files = sorted(p for d in directories for p in Path(d).rglob("*.feature"))
    # Kept between runs only for the steps the code defines (a step registered at run time is in no digest).
    kept = CheckedFiles() if all(step.module in STEP_MODULES for step in steps) else None
    problems = [problem for path in files for problem in checked_once(path, steps, kept)]
    if kept is not None:
        kept.save()
    return problems


# (file, a digest of its text, the number of steps known) -> its problems: `scimulator run` checks the features
# before the run and pytest collection checks them again in the same process; the second costs nothing. Between
# runs, steps/language_cache.py keeps the answers for the same text and the same code.
_CHECKED: dict[tuple, list[str]] = {}


def checked_once(path: Path, steps: list[Step], kept: CheckedFiles | None = None) -> list[str]:
    digest = file_digest(path)
    key = (str(path.resolve()), digest, len(steps))
    if key not in _CHECKED:
        answer = kept.get(digest) if kept is not None else None
        if answer is None:
            answer = feature_problems(path, steps)
            if kept is not None:
                kept.put(digest, answer)
        _CHECKED[key] = answer
    return list(_CHECKED[key])


def check_features(directories: Iterable[Path | str]) -> None:
    """Raise LanguageError naming every problem of every feature file; nothing when they all speak the language."""
    problems = problems_in(directories)
    if problems:
        raise LanguageError(problems)
