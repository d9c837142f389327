"""What any engine written in CPython must spend on the effective tiers with derivations, however it is
designed (the bounds in bench/analysis.md, "What the 20x target leaves").

    python bench/bounds.py [--backend reference|durable] [--rounds N]

1. Literal construction: every recorded placement's RESULT (with derivations) built by straight-line
   code, one function per result holding nothing but dict and list displays of its own containers
   (parts shared between results are referenced, as the engine shares them), compiled beforehand and
   not timed: no engine that returns these objects can build them with less work.
2. The engine's own results, from evaluations already made: what its derivation plans add to (1).
3. Compiling generated code: `compile()` of the least a code-generating engine would emit for the
   record's 25 compiled books, one matcher per book (each rule's tests as one `if`, nothing derived,
   nothing explained). A fresh process pays it before its first answer.

Each result is dropped once built, as bench/run.py's effective tiers drop them. CPU milliseconds, best
of `--rounds`, against the floor as bench/run.py takes it. Asserts only that the literal builders
rebuild the engine's results exactly; it names engine internals, so it follows them when they move."""

from __future__ import annotations

import argparse
import collections
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "engine"))
sys.path.insert(0, str(HERE))

from run import one_floor  # noqa: E402
from tierlaw.queries import EFFECTIVE, Case, Context, evaluation, history_for  # noqa: E402


def recorded_evaluations(ctx) -> list:
    placements = [(code, year, p) for code, rows in sorted(ctx.record.placements.items())
                  for year, p in sorted(rows.items())]
    return [evaluation(ctx, Case(code, year, p, history_for(ctx, code, year, {}))) for code, year, p in placements]


def _containers(value):
    return value.values() if isinstance(value, dict) else value


def shared_containers(results: list) -> set:
    """ids of the dicts and lists that more than one result holds (the engine shares them, read-only)."""
    holders = collections.defaultdict(set)

    def walk(value, index):
        if isinstance(value, (dict, list)) and index not in holders[id(value)]:
            holders[id(value)].add(index)
            for inner in _containers(value):
                walk(inner, index)
    for index, result in enumerate(results):
        walk(result, index)
    return {key for key, found in holders.items() if len(found) > 1}


class LiteralSource:
    """Python source that builds each result by displays alone; shared parts are read from `S`."""

    def __init__(self, shared: set):
        self.shared, self.objects, self.index = shared, [], {}

    def builder(self, name: str, result: dict) -> str:
        uses = collections.Counter()
        self._count(result, uses)
        lines, names = [], {}
        top = self._expression(result, uses, names, lines)
        return "\n".join([f"def {name}():", *lines, f"    return {top}"])

    def _count(self, value, uses) -> None:
        if isinstance(value, (dict, list)) and id(value) not in self.shared:
            uses[id(value)] += 1
            if uses[id(value)] == 1:
                for inner in _containers(value):
                    self._count(inner, uses)

    def _expression(self, value, uses, names, lines) -> str:
        if not isinstance(value, (dict, list)):
            return repr(value)
        if id(value) in self.shared:
            return self._reference(value)
        if id(value) in names:
            return names[id(value)]
        if isinstance(value, dict):
            text = "{" + ", ".join(f"{k!r}: {self._expression(v, uses, names, lines)}" for k, v in value.items()) + "}"
        else:
            text = "[" + ", ".join(self._expression(v, uses, names, lines) for v in value) + "]"
        if uses[id(value)] > 1:  # one object held in several places of the result (a fact its consequences share)
            names[id(value)] = f"v{len(names)}"
            lines.append(f"    {names[id(value)]} = {text}")
            return names[id(value)]
        return text

    def _reference(self, value) -> str:
        if id(value) not in self.index:
            self.index[id(value)] = len(self.objects)
            self.objects.append(value)
        return f"S[{self.index[id(value)]}]"


def literal_builders(results: list) -> list:
    source = LiteralSource(shared_containers(results))
    text = "\n".join(source.builder(f"b{i}", result) for i, result in enumerate(results))
    namespace = {"S": source.objects}
    exec(compile(text + f"\nBUILDERS = [{', '.join(f'b{i}' for i in range(len(results)))}]", "literal", "exec"),
         namespace)
    builders = namespace["BUILDERS"]
    if any(build() != result for build, result in zip(builders, results)):
        raise SystemExit("the literal builders do not rebuild the engine's results")
    return builders


PYTHON_OPERATOR = {"eq": "==", "ne": "!=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "in": "in",
                   "not_in": "not in"}


def matcher_source(book) -> str:
    """The least a code-generating engine would emit for a book: each rule's tests as one `if`."""
    lines = ["def run(fact):", "    fired = []"]
    for item in book.rules:
        tests = [f"fact.get({atom.ref!r}) {PYTHON_OPERATOR[atom.op]} {value!r}" for atom, value, _ in item.atoms]
        lines += [f"    if {' and '.join(tests) or 'True'}:", f"        fired.append({item.rule.id!r})"]
    return "\n".join(lines + ["    return fired"])


def best_cpu(function, rounds: int) -> float:
    spent = []
    for _ in range(rounds):
        began = time.process_time()
        function()
        spent.append(time.process_time() - began)
    return min(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="reference", choices=["reference", "durable"])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    floor = one_floor()[1]
    ctx = Context(backend=args.backend)
    evaluations = recorded_evaluations(ctx)
    results = [e.result(ctx, True) for e in evaluations]
    builders = literal_builders(results)
    books = sorted({id(e.book): e.book for e in evaluations}.values(), key=lambda b: b.year)
    sources = [matcher_source(book) for book in books]
    measured = {
        f"1. literal construction of the {len(results):,} results": lambda: [b()[EFFECTIVE] for b in builders],
        "2. the engine's results with derivations, evaluations made": lambda: [e.result(ctx, True)[EFFECTIVE]
                                                                                  for e in evaluations],
        f"3. compile() of generated matchers for the {len(books)} books": lambda: [compile(s, "book", "exec")
                                                                                 for s in sources],
    }
    gc.disable()  # each part charged its own work
    print(f"{args.backend}, collector off, floor {floor * 1000:.1f} ms, best of {args.rounds}")
    for label, function in measured.items():
        best = best_cpu(function, args.rounds)
        print(f"{label:62s} {best * 1000:7.1f} ms {best / floor:6.1f}x")


if __name__ == "__main__":
    main()
