"""Command line: ``supercrystal claims|voltages|metal|spheres|mc`` (also ``python -m supercrystal``).

* ``claims [--format json|markdown] [--id ID ...]``: the claims registry, computed now.
* ``voltages --a-nm A --b-nm B --eps-nc EPS --m-eff M --e-ion-ev E --pore P [--format json|text]``:
  V1 and V2 of Eqs. (6) and (12) in volts (V2 is null for octahedral pores: the paper has no formula).
* ``metal --lattice {fcc,sc} --rho R --state {single,filled} [--spheres six|converged]
  [--definition consistent|paper] [--format json|text]``: the energy of Sec. IV's metallic-NC lattice in
  e^2/b with its estimated error and its provenance (cached or computed, the cache file, the code
  fingerprint: see :mod:`supercrystal.book.cache`).
* ``spheres --lattice {fcc,sc} --rho R --eps-ratio K --state {single,filled} [--format json|text]``: the
  energy of the lattice of dielectric NCs (kappa = eps_nc/eps_liquid = K, ``inf`` for conductors) in
  e^2/(eps_liquid b) with its error and provenance; K = 1 gives Sec. III's point charges, ``inf`` Sec. IV's
  consistent energies.
* ``mc --material M --a-nm A --b-nm B --eps-liquid E --L L --T T --volts START:STOP:N --seed S
  [--workers N | --scheduler ADDRESS] [--format json|text]``: Sec. V's equilibrium filling nu(V) at T by
  replica exchange, each voltage a cached task run through Dask (:mod:`supercrystal.engine`), with its error
  from the integrated autocorrelation time tau (printed too) and the replicas' swap statistics; the output
  does not depend on the number of workers.

Options are checked against the one declaration of the book's inputs (:mod:`supercrystal.inputs`: the
radii are bounded as in the chapters, (0, 50] nm). Invalid input is reported in one line naming the
parameter, with exit status 2; a result that is not a finite number is refused the same way, never printed.
Negative values may be written with an exponent (``--e-ion-ev -1e-1``).
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from supercrystal.threads import single_thread_blas

single_thread_blas()  # before numpy loads (supercrystal.threads: reproducible results)

from supercrystal import inputs  # noqa: E402
from supercrystal.book import claims  # noqa: E402
from supercrystal.paths import NotACheckoutError  # noqa: E402
from supercrystal.semiconductor import energies  # noqa: E402
from supercrystal.semiconductor.materials import material as lookup_material  # noqa: E402


def _finite(why: str, **values) -> None:
    """Raise ``ValueError`` naming the first value that is not a finite number (``None`` is allowed)."""
    for name, value in values.items():
        if value is not None and not math.isfinite(value):
            raise ValueError(f"{name} is not a finite number ({value}) {why}")


def _dumps(record) -> str:
    return json.dumps(record, allow_nan=False)


def _overrides(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """The material values that --eps-nc / --m-eff replace: {name: {"value": given, "material": tabulated}}."""
    if args.material is None:
        return {}
    mat = lookup_material(args.material)
    out = {}
    for name, given, tabulated in (("eps_nc", args.epsilon, mat.epsilon), ("m_eff", args.m_eff, mat.m_eff)):
        if given:  # None or 0: the material's value
            out[name] = {"value": given, "material": tabulated}
    return out


def _claims(args: argparse.Namespace) -> str:
    reg = claims.registry(args.id or None)
    return claims.as_json(reg) if args.format == "json" else claims.as_markdown(reg)


def _voltages(args: argparse.Namespace) -> str:
    dev = energies.device(
        a_nm=args.a_nm, b_nm=args.b_nm, material=args.material, epsilon=args.epsilon,
        m_eff=args.m_eff, e_ion_ev=args.e_ion_ev, pore=args.pore,
        cation_radius_nm=args.cation_radius_nm,
    )
    why = (f"for a_nm={args.a_nm:g}, b_nm={args.b_nm:g}: the confinement energy E_q ~ 1/a^2 overflows; "
           f"the effective-mass formulas are meant for radii of about a nanometre and more")
    try:
        lv = energies.levels(dev)
    except ArithmeticError as exc:
        raise ValueError(f"{type(exc).__name__} {why}") from None
    _finite(why, V1=lv.V1, V2=lv.V2, E_q=lv.E_q, coulomb=lv.coulomb, gain=lv.gain, a_over_aB=lv.a_over_aB)
    overrides = _overrides(args)
    if args.format == "json":
        return _dumps({"V1": lv.V1, "V2": lv.V2, "unit": "V", "material": dev.material,
                       "overrides": overrides})
    v2 = "null (no formula in the paper for octahedral pores)" if lv.V2 is None else f"{lv.V2:.6f} V"
    text = (f"V1 = {lv.V1:.6f} V\nV2 = {v2}\n"
            f"(E_q = {lv.E_q:.6f} eV, e^2/(eps b) = {lv.coulomb:.6f} eV, gain per pair = "
            f"{lv.gain:.6f} eV, a/a_B = {lv.a_over_aB:.3f})")
    for name, o in overrides.items():
        text += f"\n{name} = {o['value']:g} replaces {dev.material}'s {o['material']:g} (data/materials.csv)"
    return text


def _metal(args: argparse.Namespace) -> str:
    from supercrystal.book import tasks  # the conducting-sphere solver is imported only when asked for

    res, prov = tasks.metal_energy.run(args.lattice, args.rho, args.state, spheres=args.spheres,
                                       definition=args.definition)
    _finite(f"for rho={args.rho:g}", energy=float(res.energy), error=float(res.error))
    if args.format == "json":
        return _dumps({"energy": float(res.energy), "error": float(res.error), "unit": "e^2/b",
                       "lattice": args.lattice, "rho": args.rho, "state": args.state,
                       "spheres": args.spheres, "definition": args.definition,
                       "provenance": prov.as_json()})
    source = f"cached in {prov.cache_file}" if prov.cached else "computed now"
    return (f"E = {res.energy:.10f} +- {res.error:.1e} e^2/b  ({args.lattice}, rho = {args.rho:g}, "
            f"{args.state}, {args.spheres} spheres, {args.definition} definition; {source}, "
            f"code fingerprint {prov.fingerprint})")


def _spheres(args: argparse.Namespace) -> str:
    from supercrystal.book import tasks  # the dielectric solver is imported only when asked for

    res, prov = tasks.spheres_energy.run(args.lattice, args.rho, args.eps_ratio, args.state)
    _finite(f"for rho={args.rho:g}, eps_ratio={args.eps_ratio:g}", energy=float(res.energy),
            error=float(res.error))
    kappa = args.eps_ratio if math.isfinite(args.eps_ratio) else "inf"
    if args.format == "json":
        return _dumps({"energy": float(res.energy), "error": float(res.error), "unit": res.unit,
                       "lattice": args.lattice, "rho": args.rho, "eps_ratio": kappa, "state": args.state,
                       "method": res.method, "provenance": prov.as_json()})
    source = f"cached in {prov.cache_file}" if prov.cached else "computed now"
    return (f"E = {res.energy:.10f} +- {res.error:.1e} {res.unit}  ({args.lattice}, rho = {args.rho:g}, "
            f"eps_nc/eps_liquid = {kappa}, {args.state}, {res.method}; {source}, "
            f"code fingerprint {prov.fingerprint})")


def _volts(text: str) -> list[float]:
    """``START:STOP:N`` -> N voltages from START to STOP (V), N in [1, 10000]."""
    import argparse as _ap

    parts = text.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise _ap.ArgumentTypeError(f"--volts must be START:STOP:N, two voltages and a count (got {text!r})") from None
    if not (math.isfinite(start) and math.isfinite(stop)) or not 1 <= n <= 10000:
        raise _ap.ArgumentTypeError(f"--volts needs finite START, STOP and N in [1, 10000] (got {text!r})")
    if n == 1:
        return [start]
    return [start + (stop - start) * k / (n - 1) for k in range(n)]


def _json_floats(values) -> list:
    """A list of floats for strict JSON: NaN (a swap pair never attempted) becomes null."""
    return [None if not math.isfinite(float(v)) else float(v) for v in values]


def _mc(args: argparse.Namespace) -> str:
    from supercrystal import engine, montecarlo
    from supercrystal.book import tasks

    dev = montecarlo.DeviceParams(L=args.L, a_nm=args.a_nm, b_nm=args.b_nm, material=args.material,
                                  eps_liquid=args.eps_liquid, pore=args.pore)
    dev.model()  # the device is checked before any worker starts (b > a, the material, ...)
    if args.t_max and args.t_max < args.T:
        raise ValueError(f"--t-max must be >= --T (got t_max={args.t_max:g}, T={args.T:g})")
    if args.replicas is None:  # measured at 250 K: 6 rungs at L = 4 never swap across the step, 12 do
        args.replicas = 3 * args.L
    calls = tasks.equilibrium_calls(dev, args.T, args.volts, args.spread, args.realisation, args.replicas,
                                    args.t_max or 0.0, args.equil, args.sweeps, args.segment, args.seed)
    progress = sys.stderr.isatty()
    with engine.client(args.workers, args.scheduler) as client:  # default: a LocalCluster on every core
        points = engine.compute(calls, client, progress)
    record = {
        "material": dev.material, "a_nm": dev.a_nm, "b_nm": dev.b_nm, "eps_liquid": dev.eps_liquid,
        "pore": dev.pore, "L": dev.L, "n_nc": points[0].n_nc, "T_kelvin": args.T, "spread": args.spread,
        "realisation": args.realisation, "seed": args.seed,
        "replicas": {"count": args.replicas, "T_kelvin": _json_floats(points[0].T_ladder),
                     "volts_offset": _json_floats(points[0].volts_ladder - points[0].volts)},
        "effort": {"equil_segments": args.equil, "measured_segments": args.sweeps,
                   "sweeps_per_segment": args.segment, "measured_sweeps": points[0].sweeps},
        "volts": [p.volts for p in points], "nu": [p.nu for p in points], "nu_err": [p.nu_err for p in points],
        "tau": [p.tau for p in points], "tau_h": [p.tau_h for p in points],
        "reliable": [p.reliable for p in points], "crossings": [p.crossings for p in points],
        "acceptance": [_json_floats(p.acceptance) for p in points],
        "round_trips": [[int(x) for x in p.round_trips] for p in points],
        "units": {"volts": "V", "nu": "electrons per NC", "tau": "sweeps"},
        "fingerprint": tasks.mc_equilibrium_point.fingerprint(),
    }
    _finite(f"at T={args.T:g} K", **{f"nu[{k}]": v for k, v in enumerate(record["nu"])})
    if args.format == "json":
        return _dumps(record)
    lines = [f"nu(V) at T = {args.T:g} K, {dev.material}, a = {dev.a_nm:g} nm, b = {dev.b_nm:g} nm, "
             f"eps_liquid = {dev.eps_liquid:g}, L = {dev.L} ({points[0].n_nc} NCs), {args.replicas} replicas up to "
             f"{points[0].T_ladder[-1]:.1f} K, {points[0].sweeps} sweeps, seed {args.seed}",
             f"{'V':>10} {'nu':>9} {'error':>9} {'tau':>8} {'crossings':>9}"]
    for p in points:
        flag = "" if p.reliable else "  (series < 100 tau)"
        lines.append(f"{p.volts:10.5f} {p.nu:9.5f} {p.nu_err:9.5f} {p.tau:8.1f} {p.crossings:9d}{flag}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    opt, doc = inputs.option, inputs.help_text
    p = inputs.ArgumentParser(prog="supercrystal", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("claims", help="the registry of the paper's numerical claims, computed live")
    c.add_argument("--format", choices=("json", "markdown"), default="markdown")
    c.add_argument("--id", action="append", help="only this claim id (repeatable)")
    c.set_defaults(run=_claims)

    v = sub.add_parser("voltages", help="critical voltages V1, V2 of Eqs. (6), (12)")
    v.add_argument("--a-nm", type=opt("a_nm"), required=True, help=doc("a_nm"))
    v.add_argument("--b-nm", type=opt("b_nm"), required=True, help=doc("b_nm"))
    v.add_argument("--material", type=opt("material"), default=None, help=doc("material"))
    v.add_argument("--eps-nc", "--epsilon", dest="epsilon", type=opt("eps_nc"), default=None, help=doc("eps_nc"))
    v.add_argument("--m-eff", type=opt("m_eff"), default=None, help=doc("m_eff"))
    v.add_argument("--e-ion-ev", type=opt("e_ion_ev"), default=inputs.parameter("e_ion_ev").default,
                   help=doc("e_ion_ev"))
    v.add_argument("--pore", type=opt("pore"), default=inputs.parameter("pore").default, help=doc("pore"))
    v.add_argument("--cation-radius-nm", type=opt("cation_radius_nm"), default=0.0,
                   help="cation radius, nm, checked against the pore (default 0: a point cation; "
                        f"{inputs.parameter('cation_radius_nm').describe()})")
    v.add_argument("--format", choices=("json", "text"), default="text")
    v.set_defaults(run=_voltages)

    m = sub.add_parser("metal", help="Sec. IV: energy of metallic NCs (conducting spheres), e^2/b")
    for name in ("lattice", "rho", "state", "spheres", "definition"):
        m.add_argument(f"--{name}", type=opt(name), default=inputs.parameter(name).default, help=doc(name))
    m.add_argument("--format", choices=("json", "text"), default="text")
    m.set_defaults(run=_metal)

    d = sub.add_parser("spheres", help="dielectric NCs (eps_nc/eps_liquid from 1 to inf), e^2/(eps_liquid b)")
    for name in ("lattice", "rho", "state"):
        d.add_argument(f"--{name}", type=opt(name), default=inputs.parameter(name).default, help=doc(name))
    d.add_argument("--eps-ratio", type=opt("eps_ratio"), required=True, help=doc("eps_ratio"))
    d.add_argument("--format", choices=("json", "text"), default="text")
    d.set_defaults(run=_spheres)

    mcp = sub.add_parser("mc", help="Sec. V: equilibrium nu(V) by replica exchange, distributed with Dask")
    mcp.add_argument("--material", type=opt("material"), default=inputs.parameter("material").default,
                     help=doc("material"))
    for flag, name in (("--a-nm", "a_nm"), ("--b-nm", "b_nm"), ("--eps-liquid", "eps_liquid"), ("--pore", "pore"),
                       ("--L", "L"), ("--seed", "seed")):
        mcp.add_argument(flag, dest=name, type=opt(name), default=inputs.parameter(name).default, help=doc(name))
    mcp.add_argument("--T", dest="T", type=opt("T_kelvin"), required=True, help=doc("T_kelvin"))
    mcp.add_argument("--volts", type=_volts, required=True,
                     help="gate voltages START:STOP:N in V (write --volts=-0.1:0.2:5 for a negative START)")
    mcp.add_argument("--spread", type=opt("spread_small"), default=0.0,
                     help="relative size spread delta a / a, [0, 0.3]")
    mcp.add_argument("--realisation", type=opt("seed"), default=0, help="disorder sample number (with --spread)")
    mcp.add_argument("--replicas", type=inputs.positive_int("--replicas"), default=None,
                     help="temperatures of the replica-exchange ladder (1: a plain chain; default 3 L: the swaps "
                          "across the latent heat need rungs ~ sqrt(N))")
    mcp.add_argument("--t-max", type=opt("T_kelvin"), default=None,
                     help="top of the ladder, K (default: k_B T = 0.15 e^2/(eps b), above the end of cooperativity)")
    mcp.add_argument("--sweeps", type=inputs.positive_int("--sweeps"), default=1000,
                     help="measured segments (each --segment sweeps, then a round of swaps; default 1000)")
    mcp.add_argument("--equil", type=inputs.positive_int("--equil"), default=100,
                     help="equilibration segments (default 100)")
    mcp.add_argument("--segment", type=inputs.positive_int("--segment"), default=4,
                     help="sweeps per segment (default 4)")
    where = mcp.add_mutually_exclusive_group()
    where.add_argument("--workers", type=inputs.positive_int("--workers"), default=None,
                       help="Dask LocalCluster of N single-threaded worker processes (default: one per core)")
    where.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    mcp.add_argument("--format", choices=("json", "text"), default="text")
    mcp.set_defaults(run=_mc)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command; bad input (and a result that is not finite) is one line on stderr, exit status 2.

    Only input errors are caught (``ValueError``, arithmetic overflow from extreme inputs, a missing
    checkout): anything else is a bug and keeps its traceback.
    """
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, or a bad option (already reported in one line)
            return int(exc.code or 0)
        out = args.run(args)
    except (ValueError, ArithmeticError, NotACheckoutError) as exc:
        command = f"supercrystal {args.command}" if "args" in locals() else "supercrystal"
        text = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, ArithmeticError):
            text = f"the computation overflows for these inputs ({type(exc).__name__}: {text})"
        print(f"{command}: error: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C during a long solve
        print("interrupted", file=sys.stderr)
        return 130
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
