#!/usr/bin/env python3
"""rule_coverage.py -- the rules of docs/FORMAT.md section 4 and their checkers cannot drift apart.

    rule_coverage.py [--control KIND] FORMAT.md VALIDATOR.cpp VECTORS.cpp ORACLE.cpp

Reads the four files as text and checks that every rule F<n> listed in section 4 of FORMAT.md
  - is checked by the validator (src/validate.cpp): it names it (`F<n>`) or reports it by number
    (`fatal(n,`, `bad(n,`, `add(n,`, `push_back({n,`, `? nu : mu`, `rule = n;`);
  - is expected by at least one conformance vector (conformance/runner/vector_cases.cpp: the rule
    list of a Verdict, `{"STATUS", "STATUS", "STATUS", {n, ...}`);
  - is checked by the independent oracle (testsupport/spec.cpp names it `F<n>`);
and that neither the validator nor a vector uses a rule number the document does not list.
Exit 0: no drift; 1: drift (each finding printed); 2: the files could not be read or parsed.

--control KIND is the check's negative control: it runs the same check on a copy with one
deliberate drift and exits 0 only if the check catches it (and names the rule):
  extra-rule         FORMAT.md gains a rule F99 that nothing checks
  vector-missing     no vector expects F15 any more
  validator-missing  the validator reports F15 as rule 99
"""
import os
import re
import sys
import tempfile


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        sys.exit(f"rule_coverage: cannot read {path}: {e}")


def doc_rules(text):
    m = re.search(r"^## 4\..*?$(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        sys.exit("rule_coverage: FORMAT.md has no section '## 4.'")
    rules = [int(n) for n in re.findall(r"^- \*\*F(\d+)\*\*", m.group(1), re.M)]
    if not rules:
        sys.exit("rule_coverage: section 4 of FORMAT.md lists no rule '- **F<n>**'")
    return rules


REPORT_SITES = [
    r"\b(?:fatal|bad|add)\(\s*(\d+)u?\s*,",
    r"push_back\(\{\s*(\d+)u?\s*,",
    r"\?\s*(\d+)u\s*:\s*(\d+)u\b",
    r"\brule\s*=\s*(\d+)u?\s*;",
]


def validator_rules(text):
    named = {int(n) for n in re.findall(r"\bF(\d+)\b", text)}
    reported = set()
    for pattern in REPORT_SITES:
        for m in re.finditer(pattern, text):
            reported.update(int(g) for g in m.groups() if g)
    return named, reported


def vector_rules(text):
    found = {}
    verdict = r'"[A-Z]+"\s*,\s*"[A-Z]+"\s*,\s*"[A-Z]+"\s*,\s*\{([\d,\s]*)\}'
    for m in re.finditer(verdict, text):
        line = text.count("\n", 0, m.start()) + 1
        for n in re.findall(r"\d+", m.group(1)):
            found.setdefault(int(n), line)
    if not found:
        sys.exit("rule_coverage: no Verdict rule list found in the vectors file")
    return found


def check(fmt_path, validator_path, vectors_path, oracle_path):
    """Returns the list of drift findings (empty: none)."""
    rules = doc_rules(read(fmt_path))
    named, reported = validator_rules(read(validator_path))
    vectors = vector_rules(read(vectors_path))
    oracle = {int(n) for n in re.findall(r"\bF(\d+)\b", read(oracle_path))}
    problems = []
    print(f"rule_coverage: {len(rules)} rules in section 4 of {fmt_path}")
    for r in rules:
        where = []
        if r in named or r in reported:
            where.append("validator")
        else:
            problems.append(f"F{r}: the validator ({validator_path}) neither names nor reports it")
        if r in vectors:
            where.append(f"vector line {vectors[r]}")
        else:
            problems.append(f"F{r}: no conformance vector ({vectors_path}) expects it")
        if r in oracle:
            where.append("oracle")
        else:
            problems.append(f"F{r}: the independent oracle ({oracle_path}) does not check it")
        print(f"  F{r}: " + ", ".join(where))
    for r in sorted(reported - set(rules)):
        problems.append(f"F{r}: the validator reports it, but FORMAT.md section 4 does not list it")
    for r in sorted(set(vectors) - set(rules)):
        problems.append(f"F{r}: a vector (line {vectors[r]}) expects it, but FORMAT.md section 4 does not list it")
    return problems


def control(kind, paths):
    fmt_path, validator_path, vectors_path, oracle_path = paths
    with tempfile.TemporaryDirectory(prefix="rule-coverage-") as tmp:
        def copy(path, edit):
            text = read(path)
            changed = edit(text)
            if changed == text:
                sys.exit(f"rule_coverage: control {kind}: the edit changed nothing in {path}")
            out = os.path.join(tmp, os.path.basename(path))
            with open(out, "w", encoding="utf-8") as f:
                f.write(changed)
            return out

        if kind == "extra-rule":
            fmt_path = copy(fmt_path, lambda t: re.sub(r"^(- \*\*F15\*\*.*)$",
                                                       r"\1\n- **F99** a rule nothing checks.", t, count=1, flags=re.M))
            rule = "F99"
        elif kind == "vector-missing":
            vectors_path = copy(vectors_path, lambda t: re.sub(r"\{15\}", "{}", t))
            rule = "F15"
        elif kind == "validator-missing":
            validator_path = copy(validator_path,
                                  lambda t: re.sub(r"\bF15\b", "the duplicate rule", re.sub(r"\badd\(15,", "add(99,", t)))
            rule = "F15"
        else:
            sys.exit(f"rule_coverage: unknown control {kind}")
        problems = check(fmt_path, validator_path, vectors_path, oracle_path)
    caught = [p for p in problems if p.startswith(rule + ":")]
    for p in problems:
        print("  drift (expected): " + p)
    if not caught:
        print(f"rule_coverage: NEGATIVE CONTROL FAILED: the {kind} drift of {rule} went unnoticed")
        return 1
    print(f"rule_coverage: control {kind}: the check caught the drift of {rule}, as it must")
    return 0


def main(argv):
    args = argv[1:]
    kind = None
    if len(args) >= 2 and args[0] == "--control":
        kind, args = args[1], args[2:]
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    if kind:
        return control(kind, args)
    problems = check(*args)
    for p in problems:
        print("DRIFT: " + p)
    if problems:
        print(f"rule_coverage: {len(problems)} drift finding(s): FORMAT.md section 4, the validator, the vectors "
              "and the oracle must name the same rules")
        return 1
    print("rule_coverage: every rule is checked by the validator, a conformance vector and the oracle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
