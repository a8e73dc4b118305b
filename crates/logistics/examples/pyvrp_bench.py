"""PyVRP on the same instances, same time limit, same distance conventions as vrplib_bench.rs,
printing the same table, so the two can be compared side by side.

    pip install pyvrp
    python3 crates/logistics/examples/pyvrp_bench.py /work/shared/data/vrplib 1
"""

import csv
import math
import sys
from pathlib import Path

import vrplib
from pyvrp import Model, read, solve
from pyvrp.stop import MaxRuntime


def solomon_model(path: Path) -> Model:
    """Solomon text under the DIMACS convention: distances ×10 truncated, time = distance."""
    inst = vrplib.read_instance(str(path), instance_format="solomon")
    coords, demand = inst["node_coord"], inst["demand"]
    tw, service = inst["time_window"], inst["service_time"]
    m = Model()
    locs = [m.add_location(x=int(x), y=int(y)) for x, y in coords]
    depot = m.add_depot(locs[0], tw_early=int(tw[0][0]) * 10, tw_late=int(tw[0][1]) * 10)
    m.add_vehicle_type(
        num_available=int(inst["vehicles"]),
        capacity=int(inst["capacity"]),
        start_depot=depot,
        end_depot=depot,
        tw_early=int(tw[0][0]) * 10,
        tw_late=int(tw[0][1]) * 10,
    )
    for k in range(1, len(coords)):
        m.add_client(
            locs[k],
            delivery=int(demand[k]),
            service_duration=int(service[k]) * 10,
            tw_early=int(tw[k][0]) * 10,
            tw_late=int(tw[k][1]) * 10,
        )
    for i, a in enumerate(coords):
        for j, b in enumerate(coords):
            d = math.isqrt(100 * int((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2))
            m.add_edge(locs[i], locs[j], distance=d, duration=d)
    return m


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/vrplib")
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    with open(root / "bks.csv") as f:
        bks = {r["instance"]: float(r["best_known_cost"]) for r in csv.DictReader(f)}
    files = sorted(root.glob("cvrp/*.vrp")) + sorted(root.glob("vrptw/*.txt"))
    gaps: dict[str, list[float]] = {}
    print(f"{'instance':<12} {'cost':>10} {'best':>10} {'gap%':>7} {'routes':>6} {'secs':>6}")
    for path in files:
        name = path.stem
        if not name.startswith(only):
            continue
        solomon = path.suffix == ".txt"
        data = solomon_model(path).data() if solomon else read(path, round_func="round")
        res = solve(data, stop=MaxRuntime(seconds), seed=1, display=False)
        cost = res.cost() / 10 if solomon else res.cost()
        best = bks[name]
        gap = 100 * (cost - best) / best
        s = "Solomon" if solomon else ("X" if name.startswith("X") else "A")
        gaps.setdefault(s, []).append(gap)
        feasible = "" if res.is_feasible() else "  infeasible"
        print(f"{name:<12} {cost:>10} {best:>10} {gap:>7.2f} {res.best.num_routes():>6} {res.runtime:>6.2f}{feasible}")
    for s in ["A", "X", "Solomon"]:
        if s in gaps:
            print(f"average gap {s}: {sum(gaps[s]) / len(gaps[s]):.2f}% over {len(gaps[s])} instances")


if __name__ == "__main__":
    main()
