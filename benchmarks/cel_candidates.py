"""CEL engines on Istio's validation rules: ``python3 benchmarks/cel_candidates.py [CRDS]``.

Every distinct ``x-kubernetes-validations`` expression of the CRD file (Istio's by default)
is compiled by each candidate and evaluated on the values of ``tests/data/cel_cases.yaml``,
whose expected results follow cel-go and Kubernetes' CEL library (what the API server runs).

- out of the box: the engine alone, no function added;
- with Kubernetes' functions: ``url``/``isURL``/``getScheme`` and ``substring`` with cel-go's
  meaning (meshlint.schemas.cel.library), registered through the engine's own mechanism;
  for cel-expr-python this is meshlint's environment (meshlint.schemas.cel.engine).

A value is right when the engine accepts what the API server accepts and refuses (false or
an evaluation error) what it refuses. Speed: compile time per expression and evaluation
time per value, best of several rounds of CPU time. Candidates that are not installed are
skipped; install them into a scratch environment (``pip install cel-python cel-expr-python
common-expression-language``).
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meshlint.schemas.cel import library  # noqa: E402

CASES = ROOT / "tests" / "data" / "cel_cases.yaml"
DEFAULT_CRDS = ROOT.parent / "shared" / "istio" / "crd-all.gen.yaml"
ROUNDS = 5


def expressions(crd_file: Path) -> list[str]:
    found: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for rule in node.get("x-kubernetes-validations") or ():
                found.setdefault(rule["rule"], None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for document in yaml.load_all(crd_file.read_text(), Loader=yaml.CSafeLoader):
        walk(document)
    return list(found)


def _substring(text: str, start: int, end: int) -> str:
    if not 0 <= start <= end <= len(text):
        raise library.LibraryError("index out of range")
    return text[start:end]


class Failed(Exception):
    """The engine could not compile or evaluate."""


# -- candidates ---------------------------------------------------------------------------


class CelPython:
    name = "cel-python (celpy), pure Python"

    def __init__(self, kubernetes: bool) -> None:
        import celpy
        from celpy import celtypes

        self.celpy, self.types = celpy, celtypes
        self.env = celpy.Environment()
        self.functions = {}
        if kubernetes:

            def wrap(function):
                def call(*args):
                    try:
                        return function(*args)
                    except library.LibraryError as error:
                        return celpy.CELEvalError(str(error))

                return call

            self.functions = {
                "url": wrap(lambda s: library.url(str(s))),
                "isURL": wrap(lambda s: celtypes.BoolType(library.is_url(str(s)))),
                "getScheme": wrap(lambda u: celtypes.StringType(u.scheme)),
                "substring": wrap(
                    lambda s, a, b: celtypes.StringType(_substring(str(s), int(a), int(b)))
                ),
            }

    def compile(self, expression: str):
        try:
            return self.env.program(self.env.compile(expression), functions=self.functions)
        except Exception as error:
            raise Failed(str(error)) from None

    def convert(self, value):
        return {"self": self.celpy.json_to_cel(value)}

    def evaluate(self, program, data) -> bool:
        try:
            result = program.evaluate(data)
        except Exception as error:
            raise Failed(str(error)) from None
        if isinstance(result, Exception):
            raise Failed(str(result))
        return bool(result) if isinstance(result, self.types.BoolType) else None


class CelExpr:
    name = "cel-expr-python (Google cel-cpp)"

    def __init__(self, kubernetes: bool) -> None:
        from cel_expr_python import cel

        from meshlint.schemas.cel import engine

        self.engine = engine
        # With Kubernetes' functions this is meshlint's own environment (engine.py).
        self.env = None if kubernetes else cel.NewEnv(variables={"self": cel.Type.DYN})

    def compile(self, expression: str):
        if self.env is None:
            program = self.engine.compiled.__wrapped__(expression)  # no process cache
            if isinstance(program, self.engine.Unsupported):
                raise Failed(program.reason)
            return program
        try:
            return self.engine.Compiled(expression, self.env.compile(expression))
        except Exception as error:
            raise Failed(str(error)) from None

    def convert(self, value):
        return {"self": value}

    def evaluate(self, program, data) -> bool:
        verdict = program.evaluate(data)
        if isinstance(verdict, self.engine.EvalError):
            raise Failed(verdict.message)
        return verdict


class CommonExpressionLanguage:
    name = "common-expression-language (Rust cel)"

    def __init__(self, kubernetes: bool) -> None:
        import cel

        self.cel = cel
        self.functions = {}
        if kubernetes:
            self.functions = {
                "url": lambda s: {"scheme": library.url(s).scheme},
                "isURL": library.is_url,
                "getScheme": lambda u: u["scheme"],
                "substring": _substring,
            }

    def compile(self, expression: str):
        try:
            return self.cel.compile(expression)
        except Exception as error:
            raise Failed(str(error)) from None

    def convert(self, value):
        context = self.cel.Context()
        for name, function in self.functions.items():
            context.add_function(name, function)
        context.add_variable("self", value)
        return context

    def evaluate(self, program, data) -> bool:
        try:
            result = program.execute(data)
        except Exception as error:
            raise Failed(str(error)) from None
        return result if isinstance(result, bool) else None


CANDIDATES = (CelPython, CelExpr, CommonExpressionLanguage)


# -- measuring ----------------------------------------------------------------------------


def cases() -> dict[str, list[tuple[object, bool]]]:
    table = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    return {
        entry["rule"]: [(v, True) for v in entry.get("accept", ())]
        + [(v, False) for v in (*entry.get("reject", ()), *entry.get("error", ()))]
        for entry in table
    }


def correctness(engine, rules: list[str], table: dict) -> tuple[int, int, int, int, list[str]]:
    """(expressions compiled, expressions right on every value, values right, values)."""
    compiled = right_rules = right_values = values = 0
    wrong: list[str] = []
    for expression in rules:
        checks = table.get(expression, [])
        values += len(checks)
        try:
            program = engine.compile(expression)
        except Failed as error:
            wrong.append(f"does not compile: {expression[:60]!r}: {str(error)[:80]}")
            continue
        compiled += 1
        all_right = True
        for value, accepted in checks:
            try:
                got = engine.evaluate(program, engine.convert(value)) is True
            except Failed:
                got = False
            if got == accepted:
                right_values += 1
            else:
                all_right = False
                wrong.append(f"{expression[:50]!r} on {value!r}: expected accept={accepted}")
        right_rules += all_right
    return compiled, right_rules, right_values, values, wrong


def speed(engine, rules: list[str], table: dict) -> tuple[float, float]:
    """(compile µs per expression, evaluation µs per value), best of ROUNDS."""
    programs, inputs = [], []
    compile_best = float("inf")
    for _ in range(ROUNDS):
        programs = []
        start = time.process_time()
        for expression in rules:
            with contextlib.suppress(Failed):
                programs.append((expression, engine.compile(expression)))
        compile_best = min(compile_best, time.process_time() - start)
    for expression, program in programs:
        inputs.extend((program, value) for value, _ in table.get(expression, []))
    evaluate_best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(20):
            for program, value in inputs:
                with contextlib.suppress(Failed):
                    engine.evaluate(program, engine.convert(value))
        evaluate_best = min(evaluate_best, time.process_time() - start)
    per_compile = compile_best / max(1, len(programs)) * 1e6
    per_value = evaluate_best / max(1, 20 * len(inputs)) * 1e6
    return per_compile, per_value


def main() -> None:
    crd_file = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CRDS
    rules = expressions(crd_file)
    table = cases()
    total = sum(len(table.get(r, [])) for r in rules)
    print(f"{len(rules)} distinct expressions, {total} values")
    for candidate in CANDIDATES:
        for kubernetes in (False, True):
            try:
                engine = candidate(kubernetes)
            except ImportError:
                print(f"{candidate.name}: not installed, skipped")
                break
            compiled, right, right_values, values, wrong = correctness(engine, rules, table)
            label = "with Kubernetes' functions" if kubernetes else "out of the box"
            print(
                f"{candidate.name}, {label}: {compiled}/{len(rules)} compile, "
                f"{right}/{len(rules)} right on every value, {right_values}/{values} values"
            )
            for line in wrong:
                print(f"    {line}")
            if kubernetes:
                per_compile, per_value = speed(engine, rules, table)
                print(f"    compile {per_compile:.0f} µs/expression, eval {per_value:.1f} µs/value")


if __name__ == "__main__":
    main()
