"""The CEL engine: Google's cel-cpp through ``cel-expr-python``, with Kubernetes' library.

docs/validation.md says why this engine (it type-checks at compile time, so a function the
environment lacks is an error before anything runs, it is the fastest of the candidates, and
it has no dependencies). Each expression is compiled once per process (``compiled`` keeps a
cache keyed by the expression text) and evaluated with ``self`` bound to the value of the
field the rule sits on. The result is one of three: the rule holds, it does not, or
evaluating it failed (which the API server also reports as a rejection).

Two environments share the library: ``crd`` (``self``, ``oldSelf``: a CRD's validation rules)
and ``admission`` (``object``, ``oldObject``, ``request``, ``params``, ``namespaceObject``,
``variables``: a ValidatingAdmissionPolicy's expressions; see ``schemas/admission``).

Where ``cel-expr-python`` cannot be imported, every rule compiles to an ``Unsupported`` that
says so: the rules are reported as not evaluated, never passed in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from meshlint.schemas.cel import library

__all__ = ["Compiled", "EvalError", "Unsupported", "compiled", "engine_available"]

_STATUS = re.compile(r"^[A-Z_]+: ")

# The variables each environment declares (all dynamically typed, as the values are plain
# JSON; ``variables`` is a map so that ``variables.name`` selects a field).
_VARIABLES: dict[str, tuple[str, ...]] = {
    "crd": ("self", "oldSelf"),
    "admission": ("object", "oldObject", "request", "params", "namespaceObject"),
}


@dataclass(frozen=True, slots=True)
class Unsupported:
    """An expression meshlint cannot evaluate, with the reason (an unknown function, a
    syntax error, no engine)."""

    expression: str
    reason: str


@dataclass(frozen=True, slots=True)
class EvalError:
    """Evaluating the rule failed; the API server rejects the object with this error."""

    message: str


class Compiled:
    """One compiled expression; ``evaluate`` returns True, False or an EvalError."""

    __slots__ = ("_program", "expression")

    def __init__(self, expression: str, program: Any) -> None:
        self.expression = expression
        self._program = program

    def evaluate(self, variables: dict[str, object]) -> bool | EvalError:
        """A rule's verdict: True, False, or the error that stopped it."""
        value = self.value(variables)
        if isinstance(value, (bool, EvalError)):
            return value
        return EvalError(f"rule returned {value!r}, not a boolean")

    def value(self, variables: dict[str, object]) -> object:
        """What the expression returns (a ``messageExpression``'s text), or an EvalError."""
        try:
            result = self._program.eval(data=variables)
        except Exception as error:  # a value the engine cannot take
            return EvalError(_strip_status(str(error)))
        if result.type() == _cel().Type.ERROR:
            return EvalError(_strip_status(str(result.value())))
        return _plain(result.value())


def _plain(value: object) -> object:
    """A result as plain Python values: cel-expr-python hands the items of a list or map
    back as accessors, which cannot be passed into another evaluation (a policy's
    ``variables``)."""
    if isinstance(value, list):
        return [_plain(_unwrap(item)) for item in value]
    if isinstance(value, dict):
        return {_plain(_unwrap(k)): _plain(_unwrap(v)) for k, v in value.items()}
    return value


def _unwrap(value: object) -> object:
    return value.value() if type(value).__name__.startswith("_Cel") else value


def engine_available() -> bool:
    return _environment() is not None


@lru_cache(maxsize=4096)
def compiled(expression: str, environment_name: str = "crd") -> Compiled | Unsupported:
    """The expression compiled in the Kubernetes environment ``environment_name`` (``crd`` or
    ``admission``), once per process."""
    environment = _environment(environment_name)
    if environment is None:
        return Unsupported(expression, "the CEL engine (cel-expr-python) is not installed")
    try:
        return Compiled(expression, environment.compile(expression))
    except Exception as error:
        return Unsupported(expression, _compile_reason(str(error)))


def _strip_status(message: str) -> str:
    """cel-cpp prefixes an absl status code (``INVALID_ARGUMENT: ``); drop it."""
    return _STATUS.sub("", message, count=1)


def _compile_reason(message: str) -> str:
    """The first line of a compile error, without the status code and the caret lines."""
    first = _strip_status(message).splitlines()[0] if message else "does not compile"
    return first.replace("ERROR: <input>:", "at ")


@lru_cache(maxsize=1)
def _cel():
    from cel_expr_python import cel

    return cel


@lru_cache(maxsize=2)
def _environment(name: str = "crd"):
    try:
        cel = _cel()
        from cel_expr_python.ext import ext_optional
    except ImportError:
        return None
    # Declared as environment functions: cel-cpp keeps its own ``substring`` (which refuses
    # ``"abc".substring(1, 3)``) for a name declared in an extension.
    variables = {variable: cel.Type.DYN for variable in _VARIABLES[name]}
    if name == "admission":
        variables["variables"] = cel.Type.Map(cel.Type.STRING, cel.Type.DYN)
    return cel.NewEnv(
        variables=variables,
        extensions=[ext_optional.ExtOptional()],
        functions=[*_kubernetes(cel), *_strings(cel)],
    )


def _url_value(text: str) -> dict[str, object]:
    parsed = library.url(text)
    return {
        "scheme": parsed.scheme,
        "host": parsed.host,
        "hostname": parsed.hostname(),
        "port": parsed.port(),
        "escapedPath": parsed.escaped_path(),
        "query": parsed.query(),
    }


def _kubernetes(cel):
    """k8s.io/apiserver/pkg/cel/library: URLs, regex and lists (see library.py)."""
    T = cel.Type
    url = T.Map(T.STRING, T.DYN)  # cel-expr-python has no opaque types for Python values
    any_list = T.List(T.DYN)

    def overload(name, result, params, member, impl):
        return cel.Overload(name, result, params, member, impl=impl)

    def getter(name, key, result=T.STRING):
        return cel.FunctionDecl(
            name, [overload(f"url_{name}", result, [url], True, lambda u, key=key: u[key])]
        )

    declarations = [
        cel.FunctionDecl("url", [overload("string_to_url", url, [T.STRING], False, _url_value)]),
        cel.FunctionDecl("isURL", [overload("is_url", T.BOOL, [T.STRING], False, library.is_url)]),
        getter("getScheme", "scheme"),
        getter("getHost", "host"),
        getter("getHostname", "hostname"),
        getter("getPort", "port"),
        getter("getEscapedPath", "escapedPath"),
        getter("getQuery", "query", T.Map(T.STRING, T.List(T.STRING))),
        cel.FunctionDecl(
            "find", [overload("string_find", T.STRING, [T.STRING, T.STRING], True, library.find)]
        ),
        cel.FunctionDecl(
            "findAll",
            [
                overload(
                    "string_find_all",
                    T.List(T.STRING),
                    [T.STRING, T.STRING],
                    True,
                    library.find_all,
                ),
                overload(
                    "string_find_all_n",
                    T.List(T.STRING),
                    [T.STRING, T.STRING, T.INT],
                    True,
                    library.find_all,
                ),
            ],
        ),
        cel.FunctionDecl(
            "isSorted", [overload("list_is_sorted", T.BOOL, [any_list], True, library.is_sorted)]
        ),
        cel.FunctionDecl("sum", [overload("list_sum", T.DYN, [any_list], True, library.list_sum)]),
        cel.FunctionDecl("min", [overload("list_min", T.DYN, [any_list], True, library.list_min)]),
        cel.FunctionDecl("max", [overload("list_max", T.DYN, [any_list], True, library.list_max)]),
    ]
    return declarations


def _strings(cel):
    """cel-go's string extension as Kubernetes enables it (library.py has the functions).
    lists.go's ``indexOf``/``lastIndexOf`` on lists are not declared: cel-cpp does not
    dispatch a list overload of a name strings also use, so such a rule is reported as not
    evaluated rather than failing at run time."""
    T = cel.Type
    S, N = T.STRING, T.INT

    def member(name, *overloads):
        return cel.FunctionDecl(
            name,
            [
                cel.Overload(f"{name}_{n}", result, params, True, impl=impl)
                for n, (result, params, impl) in enumerate(overloads)
            ],
        )

    lib = library
    return [
        member("charAt", (S, [S, N], lib.char_at)),
        member(
            "indexOf",
            (N, [S, S], lib.string_index_of),
            (N, [S, S, N], lib.string_index_of),
        ),
        member(
            "lastIndexOf",
            (N, [S, S], lib.string_last_index_of),
            (N, [S, S, N], lib.string_last_index_of),
        ),
        member("lowerAscii", (S, [S], lib.lower_ascii)),
        member("upperAscii", (S, [S], lib.upper_ascii)),
        member("replace", (S, [S, S, S], lib.replace), (S, [S, S, S, N], lib.replace)),
        member("split", (T.List(S), [S, S], lib.split), (T.List(S), [S, S, N], lib.split)),
        member("substring", (S, [S, N], lib.substring), (S, [S, N, N], lib.substring)),
        member("trim", (S, [S], lib.trim)),
        member("join", (S, [T.List(S)], lib.join), (S, [T.List(S), S], lib.join)),
    ]
