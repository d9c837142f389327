"""`tierlaw check`: static checks of a rulebook, and exhaustive verification of every history.

Exhaustive verification explores, for each version of the law and each set of interpretation
options, the tree of N-year histories: in each year every proposed tier or a gap, and every
combination of the decisions the law opens. Evaluations are cached by what the rules can see (the
feature values, the proposal and the decisions), so every history is covered while each distinct
case is evaluated once. The invariants checked are the rulebook's `invariants:`; this module knows
their kinds, not the law. Breadth-first order makes the first violation found a shortest one."""

from __future__ import annotations

import datetime as dt
import itertools
import shlex
import time
from pathlib import Path

import attrs

from .errors import InputError, RulebookConflict
from .cache import Asked, ran, reading_class, rules_see
from .features import build, possible_vectors
from .parallel import ordered
from .queries import EFFECTIVE, Context, decisions_in_force

BACKGROUND = "2"  # placements before a window: on no list the features count (Tier 2)
COUNTRY = "ZZZ"


@attrs.frozen
class Problem:
    code: str
    where: str
    rule: str
    message: str

    def line(self) -> str:
        return f"{self.code} {self.where} {self.rule}: {self.message}"


# ---------------------------------------------------------------- static checks


def law_years(ctx: Context) -> range:
    """The report years whose law the checks read: to the report after the record's latest (next year's report
    where the record holds none)."""
    last = ctx.record_through if ctx.record_through is not None else ctx.possible_years()[-1] - 1
    return range(ctx.first_year, last + 2)


def static_problems(ctx: Context) -> list:
    problems = []
    years = law_years(ctx)
    books = {}
    for year in years:
        try:
            books[year] = ctx.book(year, None)
        except (InputError, RulebookConflict) as err:
            where = getattr(err, "where", None) or f"{ctx.rulebook.source}:0"
            problems.append(Problem("E002", where, "-", f"report {year} does not compile: {getattr(err, 'message', err)}"))
    fired_possible = set()
    for year, book in books.items():
        for item in book.rules:
            if _satisfiable(ctx, item, book):
                fired_possible.add(item.rule.id)
        problems += _pair_problems(ctx, book)
    for rule in ctx.rulebook.rules:
        if rule.id not in fired_possible:
            problems.append(Problem("E103", f"{rule.file}:{rule.line}", rule.id,
                                    f"can never fire: not in force in {years.start}-{years.stop - 1} "
                                    f"or its conditions contradict each other"))
    return _unique(problems)


def _unique(problems):
    seen, kept = set(), []
    for problem in problems:
        if problem.line() not in seen:
            seen.add(problem.line())
            kept.append(problem)
    return kept


def _domain(ctx, ref, book):
    head, _, name = ref.partition(".")
    if ref == "proposed_tier":
        return list(ctx.rulebook.tiers)
    if head == "feature":
        primitive = book.features[name]["primitive"]
        return {"tier_at": list(ctx.rulebook.tiers) + ["none"], "run_then": [False, True]}.get(primitive, range(0, 41))
    if head == "country":
        return [False, True]
    if head == "decision":
        return list(ctx.rulebook.decisions[name].options)
    values = set()
    for item in book.rules:
        for kind, value in item.rule.then.derive:
            if kind == name:
                values |= set(ctx.rulebook.tiers) if isinstance(value, dict) else {value}
    return sorted(values, key=str)


def _satisfiable(ctx, *items_and_book) -> bool:
    *items, book = items_and_book
    from .backends.reference import COMPARE
    atoms = [(atom.ref, atom.op, value) for item in items for atom, value, _ in item.atoms]
    for ref in {ref for ref, _, _ in atoms}:
        tests = [(op, value) for r, op, value in atoms if r == ref]
        if not any(all(COMPARE[op](v, value) for op, value in tests) for v in _domain(ctx, ref, book)):
            return False
    return True


def _overlap(a, b) -> bool:
    if a.holds is None or b.holds is None:
        return True
    return a.holds[0] < b.holds[1] and b.holds[0] < a.holds[1]


def _pair_problems(ctx, book) -> list:
    from .compile import defeaters_of
    defeats = defeaters_of(book)
    problems = []
    for a, b in itertools.combinations(book.rules, 2):
        if not _overlap(a, b) or not _satisfiable(ctx, a, b, book):
            continue
        if a.rule.consequence == b.rule.consequence and a.rule.cite == b.rule.cite and \
                {x.ref for x in a.rule.when} == {x.ref for x in b.rule.when}:
            problems.append(Problem("E101", f"{b.rule.file}:{b.rule.line}", b.rule.id,
                                    f"overlaps {a.rule.id} in report {book.year}: versions of one rule must not overlap"))
        for kind, value in a.rule.then.derive:
            other = dict(b.rule.then.derive).get(kind)
            clash = other is not None and (other != value or isinstance(value, dict))
            if clash and b.rule.id not in defeats[a.rule.id] and a.rule.id not in defeats[b.rule.id]:
                problems.append(Problem("E102", f"{b.rule.file}:{b.rule.line}", b.rule.id,
                                        f"can derive {kind}={other!r} while {a.rule.id} derives {value!r} "
                                        f"for the same facts (report {book.year}); add unless: or default:"))
    return problems


# ---------------------------------------------------------------- exhaustive verification


@attrs.frozen
class Summary:
    effective: str | None
    present: frozenset  # consequence ids certain in every reading
    fired: frozenset  # rule ids that fired in some reading
    opened: tuple  # decision ids opened or tested


class Explorer:
    """The histories of `years` reports from `start` under one option set. With `targets` (rule ids)
    it only looks for complete histories (no gaps) in which those rules fire: no invariant is
    checked and it stops as soon as all of them have fired. `note` is told which year it explores."""

    def __init__(self, ctx: Context, start: int, years: int, other_backend=None, targets: frozenset | None = None,
                 note=None):
        self.ctx, self.start, self.years = ctx, start, years
        self.other = other_backend
        self.targets = targets
        self.note = note or (lambda text: None)
        self.cache: dict = {}
        self.vectors: dict = {}
        self.in_force: dict = {}
        self.fired: set = set()
        self.evaluations = 0
        self.histories = 0

    def signature(self, prefix) -> tuple:
        """What the future can see of a prefix: the feature automata states for every remaining year's law
        (sets of states where the prefix has gaps) and the tail the run invariants measure."""
        after = self.start + len(prefix)
        history = self.history(prefix)
        tiers = tuple(self.ctx.rulebook.tiers)
        parts = []
        for year in range(after, self.start + self.years):
            specs = self.ctx.book(year, None).features
            machines = [build(specs[name]) for name in sorted(specs)]
            states = {tuple(m.start(year) for m in machines)}
            for y in sorted(history):
                options = tiers if history[y] is None else (history[y],)
                states = {tuple(m.step(s, y, t, year) for m, s in zip(machines, state))
                          for state in states for t in options}
            parts.append(frozenset(states))
        return tuple(parts), self._tail(prefix)

    def _tail(self, prefix) -> tuple:
        """Run lengths and event flags the run invariants measure. A gap ends a run here: the history in
        which that year was on the list is a path of its own, explored and checked separately."""
        history = self.history(prefix)
        tail = []
        for inv in self.ctx.rulebook.invariants.values():
            if inv["kind"] == "max_run":
                tail.append(_run_at_end(self, prefix, inv["tiers"], inv["counted_from"], after_year(self, prefix)))
            if inv["kind"] == "max_run_after":
                end = after_year(self, prefix)
                start = end
                while history.get(start) in inv["run_tiers"]:
                    start -= 1
                tail.append((_event_before(history, inv, start + 1), end - start))
        return tuple(tail)

    def history(self, prefix) -> dict:
        tiers = {y: BACKGROUND for y in range(self.ctx.first_year, self.start)}
        tiers.update({self.start + i: tier for i, tier in enumerate(prefix)})
        return tiers

    def feature_vectors(self, year, prefix):
        """Feature vectors of a history prefix, once per prefix, with a key the rules cannot tell apart:
        each feature is replaced by the outcomes of every comparison the year's rules make on it."""
        key = (year, prefix)
        if key not in self.vectors:
            book = self.ctx.book(year, None)
            vectors = possible_vectors(book.features, self.history(prefix), year, tuple(self.ctx.rulebook.tiers))
            classes = {}
            for vector in vectors:
                classes.setdefault(reading_class(book, vector.values), vector)
            self.vectors[key] = (list(classes.items()), tuple(sorted(classes, key=repr)))
        return self.vectors[key]

    def consequence_in_force(self, year, consequence) -> bool:
        key = (year, consequence)
        if key not in self.in_force:
            self.in_force[key] = any(item.rule.consequence == consequence for item in self.ctx.book(year, None).rules)
        return self.in_force[key]

    def summary(self, year, proposal, settled: tuple, prefix) -> Summary:
        vectors, values = self.feature_vectors(year, prefix)
        key = (year, proposal, settled, values)
        if key not in self.cache:
            self.cache[key] = self._evaluate(self.ctx.book(year, None), proposal, dict(settled), vectors)
        return self.cache[key]

    def _evaluate(self, book, proposal, settled, vectors) -> Summary:
        self.evaluations += 1
        decisions = decisions_in_force(self.ctx, settled)
        country = self.ctx.country_facts(COUNTRY)  # a hypothetical foreign country: every fact at its default
        asked = Asked(self.ctx.backend, book, (proposal, *rules_see(decisions, country)), decisions, country,
                      EFFECTIVE)
        # runs come from the context's cache: other windows and options share them
        summaries = [_summary(self.ctx.cache.ran(asked, seen, vector.values)) for seen, vector in vectors]
        if self.other is not None:
            again = [_summary(ran(self.other, book, asked.base(v.values), EFFECTIVE)) for _, v in vectors]
            if again != summaries:
                raise VerificationFailure("backends disagree", None)
        effective = {s[0] for s in summaries}
        present = frozenset.intersection(*(s[1] for s in summaries))
        fired = frozenset.union(*(s[2] for s in summaries))
        opened = tuple(sorted(set().union(*(s[3] for s in summaries))))
        return Summary(next(iter(effective)) if len(effective) == 1 else None, present, fired, opened)

    def branches(self, year, proposal, prefix, settled=()):
        """(settled decisions, Summary) for every combination of the decisions the law opens."""
        found = self.summary(year, proposal, settled, prefix)
        open_now = [d for d in found.opened if d not in dict(settled)]
        if not open_now:
            yield settled, found
            return
        for option in self.ctx.rulebook.decisions[open_now[0]].options:
            yield from self.branches(year, proposal, prefix, tuple(sorted(settled + ((open_now[0], option),))))


def _summary(ran_) -> tuple:
    """(effective tier, consequences shown, rules fired, decisions opened) of one run."""
    return (ran_.effective, frozenset(consequence for consequence, _ in ran_.shown),
            frozenset(m.rule_id for m in ran_.run.fired), frozenset(ran_.opened))


class VerificationFailure(Exception):
    def __init__(self, message, witness):
        super().__init__(message)
        self.witness = witness


def law_windows(ctx: Context, years: int) -> list:
    """First report year of each distinct version of the law (rules in force and parameter values)."""
    starts, previous = [], None
    for year in law_years(ctx):
        book = ctx.book(year, None)
        signature = (tuple(sorted(item.rule.id for item in book.rules)), tuple(sorted(book.parameters.items())))
        if signature != previous:
            starts.append(year)
        previous = signature
    return starts


def option_sets(ctx: Context) -> list:
    """Every combination of the rulebook's interpretation options (the record's reading options as in
    force: generated histories do not read the record)."""
    names = sorted(ctx.rulebook.options)
    return [{**ctx.options, **dict(zip(names, combo))}
            for combo in itertools.product(*(list(ctx.rulebook.options[n].choices) for n in names))]


# The longest horizon tried when a rule does not fire within the requested one (the most `--years` allows).
LONGEST_HORIZON = 10


def exhaustive(ctx: Context, years: int = 6, compare_backends: bool = False, all_options: bool = True,
               progress=None, jobs: int = 1) -> dict:
    """Explore every history of `years` reports from each law version under each option set; the
    explorations are split across `jobs` processes and combined in the order one process takes them.

    A rule that fires in none of them is looked for again in longer histories (up to
    LONGEST_HORIZON reports, only for those rules, stopping as soon as they fire): one found there is
    `later` (it needs more reports than `years`), one found nowhere `unreachable`. `progress`, if
    given, is called as progress(done, total, text) while the work goes on."""
    began = time.perf_counter()
    other = None
    if compare_backends:
        from .backends import get_backend
        other = get_backend("reference" if ctx.backend.NAME == "durable" else "durable")
    sets = option_sets(ctx) if all_options else [ctx.options]
    windows = law_windows(ctx, years)
    plan = _plan(ctx, windows, years, sets)
    tasks = [task for option_set in plan for task in option_set]
    explored = ordered(lambda task: _explored(ctx, years, other, *task), tasks, jobs)
    totals = {"histories": 0, "evaluations": 0, "windows": windows, "option_sets": 0}
    fired, violations, done = set(), [], 0
    for number, option_set in enumerate(plan, start=1):
        totals["option_sets"] += 1
        for options, start in option_set:
            histories, evaluations, found, violation = next(explored)
            done += 1
            if progress:
                progress(done, len(tasks), f"options {number}/{len(plan)}, law of {start}")
            totals["histories"] += histories
            totals["evaluations"] += evaluations
            fired |= found
            if violation:
                violations.append(violation)
        if violations:
            explored.close()  # the first option set with a violation ends the search
            break
    violations = sorted(violations, key=lambda v: (v["year"] - v["window_start"], v["command"]))[:1]
    unfired = [] if violations else [r for r in ctx.rulebook.rules if r.id not in fired]
    needs = _horizons_needed(ctx, sets, unfired, years, progress) if unfired else {}
    totals.update(seconds=round(time.perf_counter() - began, 2), violations=violations,
                  unreachable=[f"{r.file}:{r.line} {r.id}" for r in unfired if needs[r.id] is None],
                  later=[{"rule": f"{r.file}:{r.line} {r.id}", "years": needs[r.id]}
                         for r in unfired if needs[r.id] is not None],
                  longest_horizon=LONGEST_HORIZON)
    return totals


def _plan(ctx: Context, windows: list, years: int, option_sets_: list, targets=None) -> list:
    """For each option set, the (options, window start) explorations it adds: the same law under an
    earlier option set has nothing new to explore (nor, looking for `targets`, a law in which none of
    them is in force)."""
    plan, seen_books = [], set()
    for options in option_sets_:
        octx = ctx.with_options(options)
        tasks = []
        for start in windows:
            books = tuple(octx.book(y, None) for y in range(start, start + years))
            key = (start, tuple(b.digest for b in books))
            if key not in seen_books and _in_force(books, targets):
                seen_books.add(key)
                tasks.append((options, start))
        plan.append(tasks)
    return plan


def _explored(ctx: Context, years: int, other, options: dict, start: int) -> tuple:
    """(histories, distinct cases, rules fired, violation or None) of one law version under one option set."""
    explorer = Explorer(ctx.with_options(options), start, years, other if options == ctx.options else None)
    violation = explore(explorer)
    return explorer.histories, explorer.evaluations, explorer.fired, violation


def _horizons_needed(ctx, sets, rules, years, progress) -> dict:
    """rule id -> the fewest reports (more than `years`, at most LONGEST_HORIZON) in whose complete
    histories the rule fires, or None if it fires in none of them.

    Longer horizons are tried one at a time, the default option set first, and each stops as soon as
    every rule looked for has fired. Gaps are left out: a rule firing in a complete history is
    reachable for certain, and without them the search is far cheaper (histories of 6 reports under
    the default options: 34 s with gaps, 3 s without; 10 reports without gaps: 8 s)."""
    sets = [ctx.options] + [options for options in sets if options != ctx.options]
    needs = {rule.id: None for rule in rules}
    for horizon in range(years + 1, LONGEST_HORIZON + 1):
        targets = frozenset(r for r, found in needs.items() if found is None)
        if not targets:
            break
        tasks = [task for option_set in _plan(ctx, law_windows(ctx, horizon), horizon, sets, targets)
                 for task in option_set]
        fired: set = set()
        for done, (options, start) in enumerate(tasks, start=1):
            if progress:
                progress(done, len(tasks), f"longer histories of {horizon} reports: law of {start}")
            explorer = Explorer(ctx.with_options(options), start, horizon, targets=targets)
            explore(explorer)
            fired |= explorer.fired & targets
            if fired == targets:
                break
        needs.update({rule: horizon for rule in fired})
    return needs


def _in_force(books, targets) -> bool:
    return targets is None or any(item.rule.id in targets for book in books for item in book.rules)


def explore(explorer: Explorer) -> dict | None:
    """Breadth-first over years; the first violation is a shortest one. Looking only for `targets`,
    it returns None as soon as they have all fired."""
    ctx, start = explorer.ctx, explorer.start
    checking = explorer.targets is None
    level = {explorer.signature(()): ((), 1)}  # signature -> (a representative prefix, histories reaching it)
    for offset in range(explorer.years):
        year = start + offset
        explorer.note(f"report {offset + 1}/{explorer.years}")
        following: dict = {}
        explorer.vectors.clear()  # prefixes of earlier years are not seen again

        def reach(child, count):
            key = explorer.signature(child) if offset + 1 < explorer.years else (child[-1:],)
            kept, total = following.get(key, (child, 0))
            following[key] = (kept, total + count)

        for prefix, count in level.values():
            if checking:  # a gap in the record; looking for rules only, complete histories are enough
                reach(prefix + (None,), count)
            for proposal in ctx.rulebook.tiers:
                for settled, summary in explorer.branches(year, proposal, prefix):
                    if checking and summary.fired - explorer.fired:  # a rule's first firing: check its derivations
                        problem = check_derivations(explorer, year, proposal, settled, prefix)
                        if problem:
                            return _witness(explorer, year, proposal, settled, prefix, problem)
                    explorer.fired |= summary.fired
                    if not checking and explorer.targets <= explorer.fired:
                        return None
                    child = prefix + (summary.effective,)
                    problem = check_case(explorer, year, proposal, settled, summary, child) if checking else None
                    if problem:
                        return _witness(explorer, year, proposal, settled, prefix, problem)
                    reach(child, count)
            problem = check_monotone(explorer, year, prefix) if checking else None
            if problem:
                return _witness(explorer, year, problem[1], (), prefix, problem[0])
        level = following
    explorer.histories = sum(count for _, count in level.values())
    return None


def check_derivations(explorer, year, proposal, settled, prefix) -> str | None:
    """Every consequence's derivation must end in input facts: placements, features read from
    placements, or decisions."""
    from .model import Placement
    from .queries import Case, evaluate_case
    history = {y: Placement(y, t, origin="set" if t else "unknown") for y, t in explorer.history(prefix).items()}
    case = Case(COUNTRY, year, Placement(year, proposal, origin="proposed"), history, dict(settled),
                {k: "user" for k, _ in settled})
    for consequence in evaluate_case(explorer.ctx, case)["consequences"]:
        if not _ends_in_inputs(consequence["because"]):
            return f"derivation of {consequence['id']} ({consequence['rule']}) does not end in input facts"
    return None


def _ends_in_inputs(facts: list) -> bool:
    if not facts:
        return False
    for fact in facts:
        if fact["fact"] == "derived":
            if not fact["derived_by"] or not all(_ends_in_inputs(d["because"]) for d in fact["derived_by"]):
                return False
        elif fact["fact"] not in ("placement", "feature", "decision", "country", "unknown_placements"):
            return False
    return True


def _applies(ctx, invariant) -> bool:
    return all(ctx.options.get(k) == v for k, v in (invariant.get("applies_with") or {}).items())


def after_year(explorer, prefix) -> int:
    """The last year a prefix covers."""
    return explorer.start + len(prefix) - 1


def check_case(explorer, year, proposal, settled, summary, child) -> str | None:
    ctx = explorer.ctx
    for name, inv in ctx.rulebook.invariants.items():
        if not _applies(ctx, inv) or summary.effective is None:
            continue
        kind = inv["kind"]
        if kind in ("exactly_when", "implies") and year >= inv.get("from_report", 0):
            for consequence in inv["consequences"]:
                if not explorer.consequence_in_force(year, consequence):
                    continue
                present, expected = consequence in summary.present, summary.effective in inv["effective"]
                if (present and not expected) or (kind == "exactly_when" and expected and not present):
                    return f"{name}: {consequence} {'present' if present else 'absent'} with effective tier {summary.effective}"
        if kind == "requires" and _requires_holds(ctx, inv, year, settled, summary):
            return f"{name}: {inv['consequence']} absent with effective tier {summary.effective}"
        if kind == "max_run":
            longest = _run_at_end(explorer, child, inv["tiers"], inv["counted_from"], year)
            limit = _dated(inv["max"], year)
            if limit is not None and longest > limit:
                return f"{name}: {longest} consecutive counted years on {inv['tiers']} (at most {limit})"
        if kind == "max_run_after" and year >= inv["from_report"]:
            length = _run_after_event(explorer, child, inv, year)
            if length > inv["max"]:
                return f"{name}: {length} consecutive years on {inv['run_tiers']} after the event (at most {inv['max']})"
    return None


def _dated(values: dict, year: int):
    found = [v for since, v in sorted(values.items()) if since <= year]
    return found[-1] if found else None


def _requires_holds(ctx, inv, year, settled, summary) -> bool:
    """True when the required consequence is missing although everything it needs holds."""
    if summary.effective not in inv["effective"] or inv["consequence"] in summary.present:
        return False
    start, until = ctx.period(year)
    window = inv["period_overlaps"]
    lo, hi = _as_date(window["from"]), _as_date(window["until"])
    if not (start < hi and lo < until):
        return False
    chosen = dict(settled)
    for decision, allowed in inv["decisions"].items():
        if chosen.get(decision, ctx.rulebook.decisions[decision].default) not in allowed:
            return False
    return True


def _as_date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _run_at_end(explorer, child, tiers, counted_from, year) -> int:
    history = explorer.history(child)
    length, y = 0, year
    while y >= counted_from and history.get(y) in tiers:
        length, y = length + 1, y - 1
    return length


def _run_after_event(explorer, child, inv, year) -> int:
    """Length (years from `from_report`) of the current run, if an event precedes it; else 0."""
    history = explorer.history(child)
    run_start = year
    while history.get(run_start) in inv["run_tiers"]:
        run_start -= 1
    if not _event_before(history, inv, run_start + 1):
        return 0
    return sum(1 for y in range(run_start + 1, year + 1) if y >= inv["from_report"])


def _event_before(history, inv, before) -> bool:
    """A run of at least min_run years followed, later, by a move onto then_tiers (the first year of a stay
    there) in a report from then_from on."""
    run, armed = 0, False
    for y in range(inv["counted_from"], before):
        tier = history.get(y)
        if tier in inv["run_tiers"]:
            run += 1
            armed = armed or run >= inv["min_run"]
        else:
            moved = tier in inv["then_tiers"] and history.get(y - 1) not in inv["then_tiers"]
            if moved and armed and y >= inv.get("then_from", inv["counted_from"]):
                return True
            run = 0
    return False


def check_monotone(explorer, year, prefix):
    ctx = explorer.ctx
    for name, inv in ctx.rulebook.invariants.items():
        if inv["kind"] != "monotone" or not _applies(ctx, inv):
            continue
        restricted = {}
        for proposal in inv["order"]:
            summary = explorer.summary(year, proposal, (), prefix)
            restricted[proposal] = summary.present & set(inv["restrictions"]) if summary.effective else None
        for better, worse in itertools.combinations(inv["order"], 2):
            if restricted[better] is None or restricted[worse] is None:
                continue
            if not restricted[better] <= restricted[worse]:
                lost = sorted(restricted[better] - restricted[worse])
                return f"{name}: {worse} loses {', '.join(lost)} that {better} has", worse
    return None


def _witness(explorer, year, proposal, settled, prefix, problem) -> dict:
    ctx = explorer.ctx
    sets = [f"{ctx.first_year}-{explorer.start - 1}={BACKGROUND}"] if explorer.start > ctx.first_year else []
    sets += [f"{explorer.start + i}={tier}" for i, tier in enumerate(prefix) if tier is not None]
    command = ["tierlaw", "whatif", COUNTRY, str(year), "--tier", proposal]
    command += [part for s in sets for part in ("--set", s)]
    command += [part for d, v in settled for part in ("--decide", f"{d}={v}")]
    changed = {k: v for k, v in ctx.options.items() if ctx.all_options[k].default != v}  # the rest are defaults
    command += [part for k, v in sorted(changed.items()) for part in ("--option", f"{k}={v}")]
    command += _directories(ctx)
    return {"problem": problem, "year": year, "window_start": explorer.start, "command": shlex.join(command)}


def _directories(ctx) -> list:
    """--rules and --data as given to the run, where they are not the shipped ones."""
    from .paths import default_data_dir, default_rules_dir
    found = []
    for flag, given, shipped in (("--rules", ctx.rules_dir, default_rules_dir()),
                                 ("--data", ctx.data_dir, default_data_dir())):
        if Path(given).resolve() != shipped.resolve():
            found += [flag, str(given)]
    return found

