#!/usr/bin/env bash
# What `make e2e` runs (after `make build`, so dist/ is fresh): the real-cluster e2e suite.
#   1. test/e2e/build.sh: kube-apiserver + kubectl (cached under test/e2e/.cache; < 1 s when warm) and etcd;
#   2. test/e2e/cluster.sh run -- jest: brings the cluster up, runs every test/e2e/**/*.test.ts in band
#      with BTLS_E2E_REQUIRED=1 (a missing cluster is a failure, not a skip), and always takes the
#      cluster down again, also on failure or Ctrl-C. The exit code is jest's.
# Extra arguments go to jest, e.g. `bash test/e2e/run.sh test/e2e/webhook` or `-t 'six-sans'`.
# Needs go (for a cold build) and Node; warm it finishes in well under 5 minutes on 2 cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

start=$SECONDS
if [ ! -f dist/cli/main.js ]; then
  echo "run.sh: dist/ is missing: run 'npm run build' (make e2e does)" >&2
  exit 2
fi
"$here/build.sh"

export BTLS_E2E_REQUIRED=1
rc=0
"$here/cluster.sh" run -- node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js \
  -c test/e2e/jest.config.js --runInBand "$@" || rc=$?
echo "run.sh: e2e finished in $((SECONDS - start)) s (exit $rc)" >&2
exit "$rc"
