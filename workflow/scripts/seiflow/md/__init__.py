"""Production molecular dynamics with LAMMPS pair_style deepmd."""
