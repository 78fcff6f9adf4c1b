"""benchlib: fixtures, server control and reporting for bench/run."""
