"""The benchmarks (bench/) still run."""
