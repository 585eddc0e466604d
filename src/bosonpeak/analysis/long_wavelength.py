"""Elastic moduli read off the long-wavelength response, for a solid known only by its Hessian.

Where no potential is known (a Hessian from DFT, a machine-learned potential or another code),
the moduli come from the sound itself. For the smallest wave vector ``q = b_k`` along each
reciprocal axis of the box (``|q| = 2 pi / L`` in a cubic box) take the plane waves
``e_i = sqrt(m_i) p cos(q . r_i)`` (and ``sin``) in mass-weighted coordinates, ``p`` along ``q``
(longitudinal) or across it (transverse). A continuum of density ``rho`` and modulus ``A`` answers
a static body force ``m_i p cos(q . r_i)`` with ``u = p cos(q . r) / (c**2 q**2)``, ``c**2 = A / rho``,
so that::

    c**2 q**2 = 1 / <e| D^+ |e>,     M = rho <c_L**2>,     G = rho <c_T**2>,

the harmonic mean of ``S(q, omega)`` over ``omega**2`` (its inverse first moment): dominated by the
low modes, so it is the relaxed (non-affine) modulus, reached as ``q -> 0`` (the first moment
``<e|D|e>`` would be the affine one). One sparse solve per plane wave (``analysis.moduli``'s
solver, zero modes projected out). Averaged over the ``d`` directions and the ``d - 1`` transverse
polarisations: the Christoffel matrix of a wave along axis ``b`` holds ``A_bbbb`` (longitudinal) and
``A_abab`` (transverse), the entries ``analysis.moduli`` averages. This is an estimate with the
dispersion of the smallest ``q`` (a few per cent at a few hundred particles); the Hessian formula
of ``analysis.moduli`` is exact where the potential is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import _checks


@dataclass(frozen=True)
class DispersionModuli:
    """``shear`` (G), ``longitudinal`` (M), per-direction speeds ``c_T``, ``c_L`` (arrays over the
    ``d`` reciprocal axes), ``q`` (their lengths) and ``mass_density`` (of the particles that
    interact)."""

    shear: float
    longitudinal: float
    c_T: np.ndarray
    c_L: np.ndarray
    q: np.ndarray
    mass_density: float


def dispersion_moduli(D, positions, cell, masses=None) -> DispersionModuli:
    """G and M from the static response to the box's longest plane waves.

    Parameters
    ----------
    D : scipy.sparse matrix, shape (d N, d N)
        Dynamical matrix (mass-weighted, eigenvalues ``omega**2``), particle-major.
    positions : array_like, shape (N, d)
    cell : array_like, shape (d, d)
        Box vectors as rows.
    masses : array_like, shape (N,), optional
        Unit masses if not given.

    Returns
    -------
    DispersionModuli
    """
    from .moduli import _relax

    x = np.asarray(positions, dtype=float)
    cell = np.asarray(cell, dtype=float)
    n, d = x.shape
    m = np.ones(n) if masses is None else np.asarray(masses, dtype=float)
    if cell.shape != (d, d) or m.shape != (n,) or D.shape != (d * n, d * n):
        raise _checks.ParameterError(f"'D' ({D.shape}), 'positions' ({x.shape}), 'cell' ({cell.shape}) and 'masses' "
                                     f"({m.shape}) must describe the same {n} particles in {d}D")
    D = sp.csr_matrix(D)
    active = np.asarray(abs(D).sum(axis=1)).ravel().reshape(n, d).sum(axis=1) > 0
    sqm = np.sqrt(m) * active
    recip = 2 * np.pi * np.linalg.inv(cell).T  # rows b_k, a_i . b_k = 2 pi delta_ik
    waves = []
    for q in recip:
        k = q / np.linalg.norm(q)
        pols = np.linalg.qr(np.column_stack([k, np.eye(d)]))[0][:, :d].T
        pols[0] = k
        for pol in pols:
            for wave in (np.cos(x @ q), np.sin(x @ q)):
                e = (sqm * wave)[:, None] * pol[None, :]
                e -= np.outer(sqm, (sqm @ e) / (sqm @ sqm))  # no weight on the translations
                waves.append(e.ravel() / np.linalg.norm(e))
    E = np.column_stack(waves)  # (d N, d * d * 2): direction, polarisation, cos/sin
    inverse = np.einsum("ij,ij->j", E, _relax(D, E, d, "auto")).reshape(d, d, 2).mean(axis=2)  # <e|D^+|e>
    q2 = np.einsum("ka,ka->k", recip, recip)
    c2 = 1.0 / (inverse * q2[:, None])  # (direction, polarisation): longitudinal first
    if not np.all(c2 > 0):
        raise _checks.ParameterError("'D' is not positive along the longest plane waves (<e|D^+|e> <= 0): not the "
                                     "dynamical matrix of an energy minimum; minimise first or give the moduli")
    rho = float(np.sum(m * active) / abs(np.linalg.det(cell)))
    c_L, c_T = np.sqrt(c2[:, 0]), np.sqrt(c2[:, 1:].mean(axis=1))
    return DispersionModuli(shear=rho * float(np.mean(c2[:, 1:])), longitudinal=rho * float(np.mean(c2[:, 0])), c_T=c_T,
                            c_L=c_L, q=np.sqrt(q2), mass_density=rho)
