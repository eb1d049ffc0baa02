"""The series-capacitor argument of Sec. I: how much of the gate voltage reaches the super-crystal.

Between the two metal contacts of Fig. 1 there are two capacitors in series (Sec. I): the double
layer at the top metal / ionic-liquid (RTIL) contact, C_top = c_dl A_top, and the super-crystal /
RTIL capacitor, whose charge is one electron per NC of the film at each step of the staircase of
Sec. III.  The same charge Q sits on both, so the gate voltage divides as

    V = V_SC(Q) + Q / C_top.

Model and inputs:

* c_dl, the double-layer capacitance per area of a metal / ionic-liquid contact.  Measured values
  for common ionic liquids on Au, Pt and glassy carbon lie at a few to about 15 uF/cm^2
  (reviewed by Fedorov and Kornyshev, Chem. Rev. 114, 2978 (2014)); 10 uF/cm^2 is the default.
* The super-crystal: n_layers NC layers of NN distance 2b stacked on the bottom contact; each step
  brings e per NC, i.e. the areal charge q = e n_layers sigma_layer, sigma_layer the NCs per area
  of one layer ((100): 1/(4 b^2); (111): 1/(2 sqrt3 b^2)).  Its mean capacitance per footprint
  area between two steps a voltage Delta V apart is c_SC = q / Delta V.
* Linear averaged picture: the share of V across the SC-RTIL capacitor is
  C_top / (C_top + C_SC) = 1 / (1 + c_SC / (c_dl r)), r = A_top / A_SC.
* Staircase picture: the SC takes charge only at its critical voltages V_k, so in the gate voltage
  each delta peak of C(V) becomes a ramp of width w = q / (c_dl r), during which the measured
  capacitance is C_top; the peaks stay sharp only if w << Delta V.  The paper's premise (Sec. I:
  all of V drops at the SC-RTIL capacitor) is r >> c_SC / c_dl.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import constants as sc

ORIENTATIONS = ("100", "111")

#: Default metal / ionic-liquid double-layer capacitance per area, uF/cm^2 (Fedorov & Kornyshev 2014).
C_DL_UF_CM2 = 10.0


def layer_density(orientation: str = "100") -> tuple[float, float]:
    """NCs per area of one fcc layer (units of b^-2) and the layer spacing (units of b), NN 2b.

    (100): a centred square of side 2 sqrt2 b holds 2 NCs -> 1/4 per b^2, spacing sqrt2 b;
    (111): a triangular layer of side 2b -> 1/(2 sqrt3) per b^2, spacing 2 sqrt(2/3) b.  Both give
    the fcc density 1/(4 sqrt2) b^-3.
    """
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {ORIENTATIONS} (got orientation={orientation!r})")
    if orientation == "100":
        return 0.25, float(np.sqrt(2.0))
    return float(1.0 / (2.0 * np.sqrt(3.0))), float(2.0 * np.sqrt(2.0 / 3.0))


@dataclass(frozen=True)
class SeriesCapacitor:
    """The two capacitors of Sec. I in series (module docstring).

    Attributes
    ----------
    step_charge_uC_cm2 : charge per footprint area that one electron per NC brings, uC/cm^2.
    thickness_nm : film thickness (n_layers layer spacings), nm.
    c_sc_uF_cm2 : mean SC-RTIL capacitance per footprint area, step charge / plateau, uF/cm^2.
    c_dl_uF_cm2 : top-contact double-layer capacitance per area, uF/cm^2.
    area_ratio : A_top / A_SC (array or float).
    share : fraction of the gate voltage across the SC-RTIL capacitor (linear average).
    step_width_V : width in gate voltage of the ramp that replaces each delta peak, V.
    """

    step_charge_uC_cm2: float
    thickness_nm: float
    c_sc_uF_cm2: float
    c_dl_uF_cm2: float
    area_ratio: np.ndarray | float
    share: np.ndarray | float
    step_width_V: np.ndarray | float


def _positive(name: str, value) -> None:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be positive (got {name}={value!r})")


def series_capacitor(b_nm: float, n_layers: int, plateau_V: float, area_ratio,
                     c_dl_uF_cm2: float = C_DL_UF_CM2, orientation: str = "100") -> SeriesCapacitor:
    """Voltage division between the top double layer and the SC-RTIL capacitor (Sec. I, Fig. 1).

    Parameters
    ----------
    b_nm : NC external radius b, nm (NN distance 2b).
    n_layers : number of NC layers of the film, >= 1.
    plateau_V : spacing of consecutive critical voltages of the SC (e.g. V_2 - V_1 of Eq. 12), V.
    area_ratio : A_top / A_SC, float or array, > 0.
    c_dl_uF_cm2 : double-layer capacitance per area of the top metal/RTIL contact, uF/cm^2.
    orientation : "100" or "111", the NC layers parallel to the bottom contact.
    """
    _positive("b_nm", b_nm)
    _positive("plateau_V", plateau_V)
    _positive("c_dl_uF_cm2", c_dl_uF_cm2)
    _positive("area_ratio", area_ratio)
    if int(n_layers) != n_layers or n_layers < 1:
        raise ValueError(f"n_layers must be a positive integer (got n_layers={n_layers!r})")
    sigma, spacing = layer_density(orientation)
    b_cm = b_nm * 1e-7
    q = sc.e * n_layers * sigma / b_cm**2 * 1e6  # uC/cm^2
    c_sc = q / plateau_V  # uF/cm^2
    ratio = np.asarray(area_ratio, dtype=float) if np.ndim(area_ratio) else float(area_ratio)
    c_top = c_dl_uF_cm2 * ratio  # per SC footprint area
    return SeriesCapacitor(
        step_charge_uC_cm2=float(q),
        thickness_nm=float(n_layers * spacing * b_nm),
        c_sc_uF_cm2=float(c_sc),
        c_dl_uF_cm2=float(c_dl_uF_cm2),
        area_ratio=ratio,
        share=c_top / (c_top + c_sc),
        step_width_V=q / c_top,
    )


def gate_staircase(step_volts, step_width_V: float) -> tuple[np.ndarray, np.ndarray]:
    """Filling nu against gate voltage for the SC staircase in series with the top capacitor.

    Parameters
    ----------
    step_volts : increasing critical voltages V_1 < V_2 < ... of the SC-RTIL capacitor, V.
    step_width_V : w = step charge / C_top, V (0 gives the ideal staircase of Sec. III).

    Returns
    -------
    (V_gate, nu) : vertices of the piecewise-linear curve; between V_k + (k-1) w and V_k + k w the
    filling rises from k-1 to k (capacitance C_top), elsewhere it is flat.
    """
    v = np.asarray(step_volts, dtype=float)
    if v.ndim != 1 or len(v) == 0 or np.any(np.diff(v) <= 0) or not np.all(np.isfinite(v)):
        raise ValueError("step_volts must be a non-empty increasing sequence of finite voltages")
    if not np.isfinite(step_width_V) or step_width_V < 0:
        raise ValueError(f"step_width_V must be non-negative (got step_width_V={step_width_V!r})")
    k = np.arange(len(v))
    starts = v + k * step_width_V
    ends = v + (k + 1) * step_width_V
    gate = np.ravel(np.column_stack([starts, ends]))
    nu = np.ravel(np.column_stack([k, k + 1])).astype(float)
    return gate, nu


def area_ratio_for_share(share: float, c_sc_uF_cm2: float, c_dl_uF_cm2: float = C_DL_UF_CM2) -> float:
    """Top-contact area A_top / A_SC needed for a given share of V across the SC-RTIL capacitor.

    Inverts share = 1 / (1 + c_SC / (c_dl r)):  r = (c_SC / c_dl) share / (1 - share).
    """
    if not np.isfinite(share) or not 0 < share < 1:
        raise ValueError(f"share must lie in (0, 1) (got share={share!r})")
    _positive("c_sc_uF_cm2", c_sc_uF_cm2)
    _positive("c_dl_uF_cm2", c_dl_uF_cm2)
    return float(c_sc_uF_cm2 / c_dl_uF_cm2 * share / (1.0 - share))
