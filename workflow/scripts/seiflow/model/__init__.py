"""DeePMD models: DP-GEN inputs and runs, training data, parity, stability and melting checks."""
