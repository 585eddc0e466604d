"""Jammed packings at a target pressure, the jamming workflow and the two commands."""

import json

import numpy as np
import pytest

from bosonpeak.analysis.jamming import coordination, virial_pressure
from bosonpeak.cli import main
from bosonpeak.model.jamming import jammed_packing, jammed_series
from bosonpeak.model.minimize import minimize
from bosonpeak.model.particles import particles
from bosonpeak.model.potentials import energy_forces, pair_terms, potential


@pytest.mark.parametrize("dim, potential", [(2, "harmonic"), (3, "hertzian")])
def test_packing_sits_at_its_target_pressure_in_force_balance(dim, potential):
    jp = jammed_packing(40, 3e-3, dim=dim, potential=potential, rng=7)
    pot, p = jp.pair_potential(), jp.particles
    t = pair_terms(p, pot)
    pressure = virial_pressure(t.r, t.dV, p.volume, dim)
    assert pressure == jp.pressure and abs(pressure / 3e-3 - 1) < jp.params["rtol"]
    _, F = energy_forces(p, pot)
    assert np.abs(F).max() < 1e-7 * 3e-3 * 1.0001 and np.abs(F.sum(axis=0)).max() < 1e-12


@pytest.mark.parametrize("dim, name", [(2, "harmonic"), (3, "hertzian")])
def test_compiled_fire_forces_match_the_general_kernel_and_the_pair_terms(dim, name):
    from bosonpeak.model import _cells, _fire_compiled, _pairs

    rng = np.random.default_rng(dim)
    n, box = 80, 4.5
    d = np.where(np.arange(n) < n // 2, 1.0, 1.4)
    p = particles(rng.uniform(0, box, (n, dim)), box * np.eye(dim), types=1 + (d > 1), diameters=d)
    pot = potential(name)
    s = _pairs.setup(p, pot, skin=0.3)
    assert _fire_compiled.contact_kind(s) == _fire_compiled.SOFT_SPHERES
    x = np.zeros((n, 3))
    x[:, :dim] = p.positions
    x += rng.uniform(-0.07, 0.07, x.shape) * (np.arange(3) < dim)   # moved less than skin / 2 since the list
    i, j, d0 = _fire_compiled.verlet_list(p.positions @ np.eye(dim, 3), s.cell, np.linalg.inv(s.cell), s.ncell, s.zr, dim,
                                          s.types, s.diam, s.use_d, s.tab, 0.3)
    fast, general = np.zeros((n, 3)), np.zeros((n, 3))
    ref = np.zeros((n, 3))
    ref[:, :dim] = p.positions
    e_fast = _fire_compiled.contact_forces(x, ref, i, j, d0, s.diam, 1.0, pot.alpha, fast)
    e_gen = _cells.pair_forces(i, j, d0, x - ref, s.types, s.diam, s.use_d, s.tab, s.kind, s.alpha, s.shift, general)
    U, F = energy_forces(particles(x[:, :dim], p.cell, types=p.types, diameters=d), pot)
    assert np.abs(F).max() > 0.1 and np.allclose(fast[:, :dim], F, rtol=0, atol=1e-13) and np.allclose(fast, general, rtol=0, atol=1e-13)
    assert e_fast == pytest.approx(U, rel=1e-13) and e_gen == pytest.approx(U, rel=1e-13)
    a, b = minimize(p, pot, ftol=1e-9), minimize(p, pot, ftol=1e-9, progress=True)   # the same chunks either way
    assert np.array_equal(a.particles.positions, b.particles.positions) and a.max_force < 1e-9


@pytest.mark.parametrize("ratio", [1.0, 2.5])
def test_other_mixtures_reach_the_pressure_near_their_own_jamming_point(ratio):
    jp = jammed_packing(64, 1e-4, dim=2, ratio=ratio, rng=1)   # phi_J away from the 1.4 mixture's start guess
    assert abs(jp.pressure / 1e-4 - 1) < 0.01 and jp.max_force < 1e-7 * 1e-4 and 0.80 < jp.phi < 0.90


def test_same_seed_same_packing_bit_for_bit():
    a, b = (jammed_packing(32, 1e-2, dim=3, rng=np.random.SeedSequence(4)) for _ in range(2))
    assert np.array_equal(a.particles.positions, b.particles.positions) and a.pressure == b.pressure
    c = jammed_packing(32, 1e-2, dim=3, rng=5)
    assert not np.array_equal(a.particles.positions, c.particles.positions)


def test_excess_coordination_falls_towards_isostatic_as_pressure_falls():
    series = jammed_series(96, [1e-1, 1e-2, 1e-3], dim=2, rng=3)
    stats = [coordination(*(lambda t: (t.i, t.j))(pair_terms(jp.particles, jp.pair_potential())), jp.rattler, 2) for jp in series]
    dz = [c.delta_z for c in stats]
    assert dz[0] > dz[1] > dz[2] > -2 / stats[2].n_backbone       # towards Dz = 0, never below the isostatic bound
    assert all(c.excess_contacts >= 1 for c in stats)              # N_c >= d (N_b - 1) + 1: mechanically stable
    assert series[0].phi > series[1].phi > series[2].phi > 0.8


def test_commands_print_the_keys_of_the_issue(capsys):
    assert main(["jamming", "--size", "32", "--seeds", "2", "--pressures", "1e-1,1e-2,1e-3", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 4
    for key in ("pressure", "phi", "z", "delta_z", "rattler_fraction", "shear_modulus", "bulk_modulus", "omega_star",
                "omega_bp", "bp_height"):
        assert key in records[0]
    assert set(records[-1]["exponents"]) == {"delta_z_vs_p", "G_over_B_vs_p", "omega_star_vs_delta_z", "shear_modulus_vs_p",
                                             "bulk_modulus_vs_p"}
    assert {"value", "interval"} <= set(records[-1]["exponents"]["delta_z_vs_p"])
    assert main(["qlm", "--dim", "2", "--size", "32", "--samples", "3", "--band-fraction", "1.5", "--json"]) == 0
    fit = json.loads(capsys.readouterr().out)
    assert {"beta", "interval", "n_modes"} <= set(fit) and fit["n_modes"] >= 2 and fit["interval"][0] < fit["beta"] < fit["interval"][1]
    assert main(["jamming", "--pressures", "0.5,2"]) == 2
    assert "'--pressures' must lie in [1e-07, 1]; got 2.0" in capsys.readouterr().err


def test_auto_method_is_exact_near_jamming_and_the_command_names_the_crossover(capsys):
    """slicing (auto in 2D) counts the same modes per bin as dense on a packing at p = 1e-6, whose
    lowest modes lie near the grid's first edges; the command says where p N^2 < 10."""
    from bosonpeak.workflows.jamming import AUTO_METHODS, packing_numbers

    jp = jammed_series(48, [1e-6], dim=2, rng=11)[0]
    exact = packing_numbers(jp, method="dense")
    sliced = packing_numbers(jp, method=AUTO_METHODS[2])
    assert np.array_equal(exact["density"], sliced["density"]) and exact["omega_star"] == sliced["omega_star"]
    assert exact["density"][:3].sum() == 0 and exact["density"].sum() > 0
    assert main(["jamming", "--size", "32", "--seeds", "2", "--pressures", "1e-2,1e-3", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "p N^2 < 10 at p = 0.001: near the finite-size crossover" in out and "--size >= 100 keeps clear" in out


def test_method_none_measures_contacts_and_moduli_without_the_dos(capsys, tmp_path):
    """--method none: the same packings, contacts and moduli as with a DOS; no omega*, no Boson peak, no omega* law."""
    args = ["jamming", "--size", "32", "--seeds", "2", "--pressures", "1e-1,1e-2", "--json", "--no-progress"]
    assert main(args + ["--method", "none", "--out", str(tmp_path)]) == 0
    bare = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    full = json.loads(capsys.readouterr().out)
    for a, b in zip(bare[:-1], full[:-1]):
        assert {k: a[k] for k in ("phi", "delta_z", "shear_modulus", "bulk_modulus")} == {k: b[k] for k in ("phi", "delta_z", "shear_modulus", "bulk_modulus")}
        assert a["omega_star"] is None and a["omega_bp"] is None and b["omega_star"] > 0
    assert "omega_star_vs_delta_z" not in bare[-1]["exponents"] and bare[-1]["exponents"]["G_over_B_vs_p"] == full[-1]["exponents"]["G_over_B_vs_p"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jamming.nc", "jamming_laws.pdf", "jamming_laws.png"]


def test_a_seed_whose_pressure_search_gives_up_is_left_out_and_counted(monkeypatch):
    from bosonpeak._checks import RunError
    from bosonpeak.workflows import jamming as wj

    real, calls = wj.jammed_series, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RunError("the packing did not reach p = 0.001 within 0.01 in 150 rescalings")
        return real(*args, **kwargs)

    monkeypatch.setattr(wj, "jammed_series", flaky)
    ds = wj.jamming_study(32, [1e-1, 1e-2], seeds=3, rng=4)
    assert list(ds["seed"].values) == [0, 2] and ds.attrs["seeds_failed"] == 1
    full = wj.jamming_study(32, [1e-1, 1e-2], seeds=3, rng=4)   # the same streams: seeds 0 and 2 unchanged
    assert np.array_equal(ds["phi"].values, full["phi"].values[[0, 2]])
    assert all(r["seeds_failed"] == 1 and r["seeds"] == 2 for r in wj.jamming_records(ds, {})[:-1])
    monkeypatch.setattr(wj, "jammed_series", lambda *a, **k: (_ for _ in ()).throw(RunError("gave up")))
    with pytest.raises(RunError, match="no seed reached every pressure; the first: gave up"):
        wj.jamming_study(32, [1e-1, 1e-2], seeds=2, rng=4)


def test_an_unjammed_packing_whose_search_would_not_move_is_compressed():
    """The stuck case of the pressure search (2D, N = 8192, p = 1e-6: the secant through a packing at
    p ~ 1e-15 pointed at the same unjammed phi every time): halfway to the lowest phi seen above the
    target, or a small compression when none was."""
    from bosonpeak.model.jamming import UNSTUCK_STEP, _unstuck

    assert _unstuck(0.8411191, 0.8415096) == pytest.approx(0.84131435, rel=1e-12)
    assert _unstuck(0.84, None) == 0.84 * (1 + UNSTUCK_STEP) and _unstuck(0.84, 0.83) == 0.84 * (1 + UNSTUCK_STEP)
