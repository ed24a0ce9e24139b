#!/bin/sh
# run.sh -- runs a test against PostgreSQL: starts a throwaway cluster
# (scripts/pg-cluster: initdb into a temporary directory, a Unix socket,
# a random port), runs the command with REDRESS_TEST_PG set to the
# cluster's directory, and stops the cluster by its PID, whatever the
# command's outcome.  Exit status: the command's; 1 when the cluster
# could not start.
#   tests/pg/run.sh COMMAND [ARGS...]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/redress-pg-XXXXXX")
stop() {
	"$here/scripts/pg-cluster" stop "$dir"
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
"$here/scripts/pg-cluster" start "$dir" >/dev/null || exit 1
REDRESS_TEST_PG=$dir
export REDRESS_TEST_PG
"$@"
