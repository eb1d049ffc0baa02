"""Command line: ``supercrystal claims|voltages`` (also ``python -m supercrystal``).

* ``claims [--format json|markdown] [--id ID ...]``: the claims registry, computed now.
* ``voltages --a-nm A --b-nm B --epsilon EPS --m-eff M --e-ion-ev E --pore P [--format json|text]``:
  V1 and V2 of Eqs. (6) and (12) in volts (V2 is null for octahedral pores: the paper has no formula).
* ``metal --lattice {fcc,sc} --rho R --state {single,filled} [--spheres six|converged]
  [--definition consistent|paper] [--format json|text]``: the energy of Sec. IV's metallic-NC lattice in
  e^2/b with its estimated error and its provenance (cached or computed, the cache file, the code
  fingerprint: see :mod:`supercrystal.book.cache`).

Invalid physical input is reported in one line naming the parameter, with exit status 2.
"""
from __future__ import annotations

import argparse
import json
import sys

from supercrystal.book import claims
from supercrystal.semiconductor import energies


def _claims(args: argparse.Namespace) -> str:
    reg = claims.registry(args.id or None)
    return claims.as_json(reg) if args.format == "json" else claims.as_markdown(reg)


def _voltages(args: argparse.Namespace) -> str:
    dev = energies.device(
        a_nm=args.a_nm, b_nm=args.b_nm, material=args.material, epsilon=args.epsilon,
        m_eff=args.m_eff, e_ion_ev=args.e_ion_ev, pore=args.pore,
        cation_radius_nm=args.cation_radius_nm,
    )
    lv = energies.levels(dev)
    if args.format == "json":
        return json.dumps({"V1": lv.V1, "V2": lv.V2, "unit": "V"})
    v2 = "null (no formula in the paper for octahedral pores)" if lv.V2 is None else f"{lv.V2:.6f} V"
    return (f"V1 = {lv.V1:.6f} V\nV2 = {v2}\n"
            f"(E_q = {lv.E_q:.6f} eV, e^2/(eps b) = {lv.coulomb:.6f} eV, gain per pair = "
            f"{lv.gain:.6f} eV, a/a_B = {lv.a_over_aB:.3f})")


def _metal(args: argparse.Namespace) -> str:
    from supercrystal.book import tasks  # the conducting-sphere solver is imported only when asked for

    res, prov = tasks.metal_energy.run(args.lattice, args.rho, args.state, spheres=args.spheres,
                                       definition=args.definition)
    if args.format == "json":
        return json.dumps({"energy": float(res.energy), "error": float(res.error), "unit": "e^2/b",
                           "lattice": args.lattice, "rho": args.rho, "state": args.state,
                           "spheres": args.spheres, "definition": args.definition,
                           "provenance": prov.as_json()}, allow_nan=False)
    source = f"cached in {prov.cache_file}" if prov.cached else "computed now"
    return (f"E = {res.energy:.10f} +- {res.error:.1e} e^2/b  ({args.lattice}, rho = {args.rho:g}, "
            f"{args.state}, {args.spheres} spheres, {args.definition} definition; {source}, "
            f"code fingerprint {prov.fingerprint})")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="supercrystal", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("claims", help="the registry of the paper's numerical claims, computed live")
    c.add_argument("--format", choices=("json", "markdown"), default="markdown")
    c.add_argument("--id", action="append", help="only this claim id (repeatable)")
    c.set_defaults(run=_claims)

    v = sub.add_parser("voltages", help="critical voltages V1, V2 of Eqs. (6), (12)")
    v.add_argument("--a-nm", type=float, required=True, help="NC core radius a, nm")
    v.add_argument("--b-nm", type=float, required=True, help="NC external radius b, nm")
    v.add_argument("--material", default=None, help="material of data/materials.csv (supplies eps, m_eff)")
    v.add_argument("--epsilon", type=float, default=None, help="uniform dielectric constant")
    v.add_argument("--m-eff", type=float, default=None, help="effective mass, units of m_0")
    v.add_argument("--e-ion-ev", type=float, default=0.0, help="cation chemical potential E_ion, eV")
    v.add_argument("--pore", default="octahedral", help="octahedral or tetrahedral")
    v.add_argument("--cation-radius-nm", type=float, default=0.0, help="cation radius, nm (checked against the pore)")
    v.add_argument("--format", choices=("json", "text"), default="text")
    v.set_defaults(run=_voltages)

    m = sub.add_parser("metal", help="Sec. IV: energy of metallic NCs (conducting spheres), e^2/b")
    m.add_argument("--lattice", default="fcc", help="fcc (octahedral cation) or sc (cation at cube centre)")
    m.add_argument("--rho", type=float, default=1.0, help="metal radius / b, in (0, 1]")
    m.add_argument("--state", default="single", help="single (one pair, empty lattice) or filled")
    m.add_argument("--spheres", default="converged", help="six (nearest spheres only) or converged")
    m.add_argument("--definition", default="consistent",
                   help="consistent (total energy minus self-energies) or paper (1/2 e phi at the cation)")
    m.add_argument("--format", choices=("json", "text"), default="text")
    m.set_defaults(run=_metal)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        out = args.run(args)
    except ValueError as exc:
        print(f"supercrystal {args.command}: error: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
