#!/bin/sh
# The built tsvirsh without the repository's build-on-demand wrapper, for the oracle test.
exec node "$(dirname "$0")/../../dist/program/tsvirsh.cjs" "$@"
