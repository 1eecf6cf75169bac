#!/usr/bin/env bash
# CI step: every claim of the course, measured on this machine, after the other tests.
# Prints one line per claim and ends with `claims: N checked, N skipped, N failed`;
# fails when a claim does not hold (a timing that misses on rounds that disagree is
# counted as skipped: the machine was not steady), when parlab leaves processes behind,
# or when more than a quarter of the timing claims had to be skipped (too few CPUs, too
# busy, a host that shares the vCPUs, or rounds that disagree). See tests/claims.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --release --locked --test claims -- --nocapture --test-threads=1
