"""An independent judge of RWS benchmark solutions, written from the format's definition.

It has its own reader of the instance and of the solution (it shares no code with `formats/rws.py` or the
solver) and checks every rule of the benchmark on the cyclic sequence, with the wrap-around.
"""

from __future__ import annotations

from dataclasses import dataclass

OFF = "-"


@dataclass(frozen=True)
class _Instance:
    n: int
    names: list[str]
    demand: list[list[int]]
    blocks: dict[str, tuple[int, int]]
    off: tuple[int, int]
    work: tuple[int, int]
    pairs: set[tuple[str, str]]
    triples: set[tuple[str, str]]


def _read_instance(text: str) -> _Instance:
    tokens: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            tokens.append(line.split())
    week, n, m = int(tokens[0][0]), int(tokens[1][0]), int(tokens[2][0])
    if week != 7:
        raise ValueError("the evaluator knows 7-day weeks only")
    demand = [[int(v) for v in tokens[3 + i]] for i in range(m)]
    names, blocks = [], {}
    for i in range(m):
        name, _start, _length, low, high = tokens[3 + m + i]
        names.append(name)
        blocks[name] = (int(low), int(high))
    at = 3 + 2 * m
    off = (int(tokens[at][0]), int(tokens[at][1]))
    work = (int(tokens[at + 1][0]), int(tokens[at + 1][1]))
    k2, k3 = int(tokens[at + 2][0]), int(tokens[at + 2][1])
    pairs = {(t[0], t[1]) for t in tokens[at + 3:at + 3 + k2]}
    triples = {(t[0], t[2]) for t in tokens[at + 3 + k2:at + 3 + k2 + k3]}
    return _Instance(n, names, demand, blocks, off, work, pairs, triples)


def _runs(sequence: list[str], same: object) -> list[tuple[str, int, int]]:
    """Maximal runs on the cyclic sequence as (kind, first index, length); `same` maps a token to its kind."""
    kinds = [same(t) for t in sequence]  # type: ignore[operator]
    size = len(kinds)
    if all(k == kinds[0] for k in kinds):
        return [(kinds[0], 0, size)]
    # Start just after a change, so no run is cut by the end of the list.
    begin = next(i for i in range(size) if kinds[i] != kinds[i - 1])
    runs: list[tuple[str, int, int]] = []
    for step in range(size):
        index = (begin + step) % size
        if step == 0 or kinds[index] != kinds[(index - 1) % size]:
            runs.append((kinds[index], index, 1))
        else:
            kind, first, length = runs[-1]
            runs[-1] = (kind, first, length + 1)
    return runs


def evaluate(instance_text: str, solution_text: str) -> list[str]:
    """Every breach of the benchmark's rules by the solution; an empty list means a valid schedule."""
    instance = _read_instance(instance_text)
    rows = [line.split() for line in solution_text.splitlines() if line.strip() and not line.startswith("#")]
    problems: list[str] = []
    if len(rows) != instance.n:
        return [f"{len(rows)} rows, {instance.n} expected"]
    for number, row in enumerate(rows, start=1):
        if len(row) != 7:
            return [f"row {number} has {len(row)} tokens, 7 expected"]
        for token in row:
            if token != OFF and token not in instance.names:
                return [f"row {number}: unknown token {token!r}"]
    for shift_index, name in enumerate(instance.names):
        for day in range(7):
            worked = sum(1 for row in rows if row[day] == name)
            if worked != instance.demand[shift_index][day]:
                problems.append(f"day {day + 1}: {worked} on {name}, demand {instance.demand[shift_index][day]}")
    sequence = [token for row in rows for token in row]
    size = len(sequence)
    for kind, first, length in _runs(sequence, lambda t: "off" if t == OFF else "work"):
        low, high = instance.off if kind == "off" else instance.work
        if length == size:
            problems.append(f"the whole cycle is {kind}")
        elif not low <= length <= high:
            problems.append(f"{kind} block of {length} days from position {first + 1} (allowed {low}..{high})")
    for kind, first, length in _runs(sequence, lambda t: t):
        if kind == OFF or length == size:
            continue
        low, high = instance.blocks[kind]
        if not low <= length <= high:
            problems.append(f"block of {length} {kind} from position {first + 1} (allowed {low}..{high})")
    for index in range(size):
        a, b, c = sequence[index], sequence[(index + 1) % size], sequence[(index + 2) % size]
        if (a, b) in instance.pairs:
            problems.append(f"forbidden {a} {b} at position {index + 1}")
        if b == OFF and (a, c) in instance.triples:
            problems.append(f"forbidden {a} - {c} at position {index + 1}")
    return problems
