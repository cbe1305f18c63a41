"""Reference for bench/measure.sh: Cronbach's alpha, mean and SD of the ECR subscales on the
public data, rows complete on all 36 items, in plain Python (standard library only).
Usage: python3 bench/measure_reference.py ECR-data-1March2018_data.csv"""
import csv
import math
import sys

REV = {3, 15, 19, 22, 25, 27, 29, 31, 33, 35}
rows = []
with open(sys.argv[1]) as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        v = [int(x) for x in row[:36]]
        if all(1 <= x <= 5 for x in v):
            rows.append([6 - x if (i + 1) in REV else x for i, x in enumerate(v)])


def var(xs):
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


for name, idx in [("anxiety", range(1, 36, 2)), ("avoidance", range(0, 36, 2))]:
    k = len(idx)
    tot = [sum(r[i] for i in idx) for r in rows]
    alpha = k / (k - 1) * (1 - sum(var([r[i] for r in rows]) for i in idx) / var(tot))
    means = [t / k for t in tot]
    print(f"{name:<10} n {len(rows)}  mean {sum(means)/len(means):.3f}  sd {math.sqrt(var(means)):.3f}  alpha {alpha:.3f}")
