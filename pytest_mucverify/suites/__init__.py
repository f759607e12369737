"""The verification suites: every step of the migration plan that has a check, one module per
family. The plugin collects them whenever a run names an account and no test paths."""
