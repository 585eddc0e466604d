"""``bosonpeak solid``: the JSON keys and conventions, the LAMMPS fixtures end to end, Hessian files,
and one-line errors that leave nothing behind."""

import json

import numpy as np
import pytest
import scipy.sparse as sp
import xarray as xr

import particle_reference as ref
from bosonpeak.cli import main
from bosonpeak.matrices.particle_hessian import hessian
from bosonpeak.model.particle_io import read
from bosonpeak.model.potentials import potential
from bosonpeak.workflows.solid import SUMMARY_KEYS

DATA = ref.FIXTURES / "harmonic2d.data"
LAMMPS = json.loads((ref.FIXTURES / "reference.json").read_text())["systems"]["harmonic2d"]
HARMONIC = ["--potential", "harmonic", "--diameters", "1:1.0,2:1.4"]


def _json(capsys, *argv):
    assert main(["solid", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_lammps_packing_end_to_end(capsys, tmp_path):
    """Every key the issue lists; moduli within 1 % of LAMMPS; zero modes = 2 translations + 2 per
    rattler; the DOS integrates to 1 - zero_modes / (d N); the files carry units."""
    s = _json(capsys, DATA, *HARMONIC, "--out", tmp_path / "out")
    assert set(SUMMARY_KEYS) <= set(s)
    assert (s["n_particles"], s["dim"], s["dof"]) == (256, 2, 512)
    assert s["rattlers"] >= 1 and s["zero_modes"] == 2 + 2 * s["rattlers"]
    assert s["shear_modulus"] == pytest.approx(LAMMPS["shear_modulus"], rel=0.01)
    assert s["longitudinal_modulus"] == pytest.approx(LAMMPS["longitudinal_modulus"], rel=0.01)
    assert s["max_force"] < 1e-9
    assert s["number_density"] == pytest.approx(LAMMPS["number_density"])
    rho = s["number_density"] * (1 + 1.96) / 2  # 128 + 128 disks of masses 1 and 1.96
    assert s["c_T"] == pytest.approx(np.sqrt(s["shear_modulus"] / rho), rel=1e-9)
    omega_D2 = 8 * np.pi * s["number_density"] / (s["c_L"] ** -2 + s["c_T"] ** -2)
    assert s["debye_level"] == pytest.approx(2 / omega_D2, rel=1e-9)
    assert np.sum(np.diff(s["edges"]) * np.array(s["density"])) == pytest.approx(1 - s["zero_modes"] / s["dof"], abs=1e-12)
    with xr.open_dataset(tmp_path / "out" / "solid.nc") as ds:
        assert ds["density"].attrs["units"] and ds["omega"].attrs["units"] and ds["reduced"].attrs["units"]
        assert ds.attrs["zero_modes"] == s["zero_modes"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["dos.png", "participation.png", "reduced_dos.png"]
    r = _json(capsys, DATA, *HARMONIC, "--remove-rattlers", "--method", "slicing")
    assert (r["dof"], r["zero_modes"]) == (512 - 2 * s["rattlers"], 2)
    assert r["shear_modulus"] == pytest.approx(s["shear_modulus"], rel=1e-9)  # a rattler without contacts carries no stress


def test_hessian_file_gives_the_potentials_spectrum(capsys, tmp_path):
    """The same configuration through --hessian (an unweighted npz) has the DOS of --potential;
    with --moduli the same Debye level."""
    p = read(DATA)
    pot = potential("harmonic", diameters=ref.HARMONIC_DIAMETERS)
    sp.save_npz(tmp_path / "h.npz", hessian(p, pot, mass_weighted=False))
    a = _json(capsys, DATA, *HARMONIC, "--no-minimize")
    moduli = f"{a['shear_modulus']!r},{a['longitudinal_modulus']!r}"
    b = _json(capsys, DATA, "--hessian", tmp_path / "h.npz", "--moduli", moduli)
    np.testing.assert_allclose(b["density"], a["density"], atol=1e-12)
    assert b["zero_modes"] == a["zero_modes"] and b["rattlers"] == a["rattlers"] and b["max_force"] is None
    assert b["debye_level"] == pytest.approx(a["debye_level"], rel=1e-12)
    c = _json(capsys, DATA, "--hessian", tmp_path / "h.npz")  # moduli from the long-wavelength response
    assert c["longitudinal_modulus"] == pytest.approx(a["longitudinal_modulus"], rel=0.1)


@pytest.mark.parametrize("argv,words", [
    (["missing.data", "--potential", "harmonic"], "no such file"),
    ([DATA, "--potential", "morse"], "'--potential' must be one of"),
    ([DATA, "--potential", "harmonic"], "needs diameters"),
    ([DATA, "--format", "nonsense", *HARMONIC], "cannot read as 'nonsense'"),
    ([ref.FIXTURES / "reference.json", *HARMONIC], "cannot read"),
    ([DATA, "--hessian", ref.FIXTURES / "harmonic2d_small.dynmat"], "a dynamical matrix of 16 atoms; the configuration has 256"),
    ([DATA, "--hessian", "ASYM"], "not symmetric"),
    ([DATA, "--hessian", ref.FIXTURES / "reference.json"], "cannot tell its format"),
    ([DATA], "give --potential"),
    ([DATA, *HARMONIC, "--diameters", "1:x"], "'--diameters' must be TYPE:D"),
    ([DATA, *HARMONIC, "--method", "fast"], "'--method' must be one of"),
])
def test_bad_input_is_one_line_and_writes_nothing(capsys, tmp_path, argv, words):
    asym = tmp_path / "asym.mtx"
    M = sp.random(512, 512, density=0.01, random_state=1, format="csr")
    import scipy.io
    scipy.io.mmwrite(str(asym), M)
    argv = [str(asym) if a == "ASYM" else str(a) for a in argv]
    out = tmp_path / "out"
    assert main(["solid", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err and "Traceback" not in err, err
    assert not out.exists()


def test_a_configuration_off_its_minimum_is_minimised_first(capsys, tmp_path):
    """Jiggled by 1e-5, the packing is minimised back (same moduli as LAMMPS's inherent structure);
    with --no-minimize it is taken as it is, with a one-line warning."""
    import ase
    import ase.io

    p = read(DATA)
    rng = np.random.default_rng(5)
    x = p.positions + 1e-5 * rng.standard_normal(p.positions.shape)
    atoms = ase.Atoms(numbers=p.types, positions=np.c_[x, np.zeros(p.n)], cell=np.diag([*np.diag(p.cell), 1.0]), pbc=True)
    atoms.set_masses(p.masses)
    path = tmp_path / "jiggled.extxyz"
    ase.io.write(path, atoms)
    s = _json(capsys, path, *HARMONIC)
    assert s["max_force"] < 1e-9 and s["warning"] is None
    assert s["shear_modulus"] == pytest.approx(LAMMPS["shear_modulus"], rel=0.01)
    assert main(["solid", str(path), *HARMONIC, "--no-minimize", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["max_force"] > 1e-6
    assert err.startswith("bosonpeak solid: warning: --no-minimize") and len(err.strip().splitlines()) == 1


def test_no_minimize_far_from_a_minimum_is_one_line(capsys, tmp_path):
    import ase
    import ase.io

    p = read(DATA)
    x = p.positions + 1e-2 * np.random.default_rng(6).standard_normal(p.positions.shape)
    atoms = ase.Atoms(numbers=p.types, positions=np.c_[x, np.zeros(p.n)], cell=np.diag([*np.diag(p.cell), 1.0]), pbc=True)
    ase.io.write(tmp_path / "hot.extxyz", atoms)
    assert main(["solid", str(tmp_path / "hot.extxyz"), *HARMONIC, "--no-minimize", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "negative eigenvalues" in err[-1] and "not an energy minimum" in err[-1] and not (tmp_path / "out").exists()


def test_kpm_on_the_kob_andersen_glass_matches_the_exact_spectrum(capsys):
    """--method kpm (3 x 3 blocks, the Lanczos bound): the moduli of the dense run, the DOS within a
    few error bars of the exact histogram smoothed alike, the resolution stated per bin and at most the
    one asked for, and every mode counted (zero modes left out)."""
    data = ref.FIXTURES / "kob_andersen3d.data"
    common = [data, "--potential", "kob-andersen", "--bin-width", "1.0", "--no-minimize"]
    exact = _json(capsys, *common)
    k = _json(capsys, *common, "--method", "kpm", "--option", "vectors=8", "--seed", "1")
    assert k["dos_bound"] == "lanczos" and k["dos_vectors"] == 8
    assert k["shear_modulus"] == pytest.approx(exact["shear_modulus"], rel=1e-9)
    res = np.array(k["resolution"])
    assert np.all(res <= 2.0 + 1e-12) and res[0] > res[-1]  # two bins at omega = 0, finer at the top
    widths = np.diff(k["edges"])
    assert np.sum(widths * np.array(k["density"])) == pytest.approx(1 - k["zero_modes"] / k["dof"], abs=1e-3)
    # the exact spectrum smoothed over twice the kernel's width agrees in its cumulative counts
    cum_k, cum_e = np.cumsum(widths * np.array(k["density"])), np.cumsum(widths * np.array(exact["density"]))
    assert np.abs(cum_k - cum_e).max() < 0.05


def test_the_summary_names_the_window_above_the_finite_size_cut_off(capsys):
    """The verdict says where the peak was searched: from 3 x 2 pi c_T / L (this box's finite-size cut-off) up."""
    s = _json(capsys, DATA, *HARMONIC)
    assert main(["solid", str(DATA), *HARMONIC]) == 0
    text = capsys.readouterr().out
    L = (s["n_particles"] / s["number_density"]) ** 0.5
    cut = 3 * 2 * np.pi * s["c_T"] / L
    assert f"in omega = {cut:.3g} to " in text and "this box resolves no peak" in text
