#!/usr/bin/env bash
# `closer fit` side by side with hawkes-rs (PyPI, Rust core) via ../shared/bench/hawkes_anchor.py,
# on the same simulated moves files at horizons 1e5 and 1e6 (about 170 thousand and 1.7 million
# events). For each horizon it prints:
#   - hawkes-rs' fit time (its own timer, fit call only, file not read) — median of 3 runs;
#   - closer's time for the whole `closer fit FILE --intervals none --json` process, reading the
#     CSV included — median of 3 runs; and the ratio;
#   - closer's log-likelihood at hawkes-rs' estimates vs hawkes-rs' own (relative difference);
#   - closer's maximum minus hawkes-rs' maximum (must be ≥ −1e-3);
#   - the largest projected-gradient component at closer's optimum.
# The anchor script makes its own virtual environment from PyPI on first use.
#
#   bench/hawkes_vs_hawkes_rs.sh            (set CLOSER_SHARED if ../shared is elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${CLOSER_SHARED:-../shared}"
target="${CARGO_TARGET_DIR:-target}"
cargo build -q --release -p closer
cargo build -q --release -p closer-analyze --example hawkes_loglik
work="${TMPDIR:-/tmp}/closer-hawkes-bench"
mkdir -p "$work"
python3 - "$shared" "$target" "$work" <<'PY'
import json, statistics, subprocess, sys, time
shared, target, work = sys.argv[1:4]
closer = f"{target}/release/closer"
loglik = f"{target}/release/examples/hawkes_loglik"
print(f"{'horizon':>8} {'events':>9} {'hawkes-rs fit s':>16} {'closer s':>9} {'ratio':>6} "
      f"{'rel. diff ll@theirs':>20} {'closer max - theirs':>20} {'proj. grad max':>15}")
for h in ["1e5", "1e6"]:
    csv = f"{work}/moves-{h}.csv"
    anchors = []
    for _ in range(3):
        out = subprocess.run(["python3", f"{shared}/bench/hawkes_anchor.py", "--horizon", h,
                              "--out", csv], check=True, capture_output=True, text=True).stdout
        anchors.append(json.loads(out.strip().splitlines()[-1]))
    theirs = anchors[0]["estimates"]
    t_theirs = statistics.median(a["fit_s"] for a in anchors)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        res = subprocess.run([closer, "fit", csv, "--intervals", "none", "--json"],
                             check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
    ours = json.loads(res.stdout)
    t_ours = statistics.median(times)
    with open(f"{work}/theirs-{h}.json", "w") as f:
        json.dump(theirs, f)
    at_theirs = float(subprocess.run([loglik, csv, str(float(h)), f"{work}/theirs-{h}.json"],
                                     check=True, capture_output=True, text=True).stdout)
    rel = abs(at_theirs - theirs["log_likelihood"]) / abs(theirs["log_likelihood"])
    gap = ours["log_likelihood"] - theirs["log_likelihood"]
    print(f"{h:>8} {ours['events']:>9} {t_theirs:>16.3f} {t_ours:>9.3f} {t_theirs / t_ours:>6.1f} "
          f"{rel:>20.2e} {gap:>20.3e} {ours['projected_gradient_max']:>15.2e}")
    print(f"         hawkes-rs: decay {theirs['decay']:.6f} excitation {theirs['excitation']}")
    print(f"         closer:    decay {ours['decay']:.6f} excitation {ours['excitation']}")
    print(f"         closer runs (s): {', '.join(f'{t:.3f}' for t in times)}; "
          f"hawkes-rs fits (s): {', '.join(str(a['fit_s']) for a in anchors)}")
PY
