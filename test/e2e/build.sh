#!/usr/bin/env bash
# Build (cached) the Kubernetes binaries the e2e harness runs, and install etcd.
#
#   test/e2e/build.sh            build if needed, print where the binaries are
#   test/e2e/build.sh --force    rebuild even if the stamp matches
#   test/e2e/build.sh --print    only print the paths (exit 1 if not built)
#
# kube-apiserver and kubectl come from the pinned Go module in k8s/ (go.mod +
# go.sum). They land in test/e2e/.cache/bin/ (git-ignored) with a stamp file
# holding a hash of go.mod, go.sum, the ldflags and the Go version; a later run
# with the same hash does nothing. Cold: ~4-5 min on 2 cores; warm: < 1 s.
# Every install step CI needs is here: Debian's etcd-server via apt-get (and
# openssl, which cluster.sh uses) when missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mod="$here/k8s"
cache="$here/.cache"
bin="$cache/bin"
stamp="$cache/bin.stamp"

force=0; print_only=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    --print) print_only=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "build.sh: $*" >&2; }

# ---- Go -----------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"
  else log "no Go toolchain (expected /usr/local/go/bin/go or go on PATH)"; exit 1; fi
fi

# ---- the pin and the ldflags ----------------------------------------------------
k8s_version="$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9][0-9.]*\)$/\1/p; s/^\tk8s.io\/kubernetes \(v[0-9][0-9.]*\)$/\1/p' "$mod/go.mod" | head -1)"
[[ "$k8s_version" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || { log "cannot read the k8s.io/kubernetes version from $mod/go.mod"; exit 1; }
major="${BASH_REMATCH[1]}"; minor="${BASH_REMATCH[2]}"
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$k8s_version -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
want="$( { cat "$mod/go.mod" "$mod/go.sum"; echo "$ldflags"; go env GOVERSION GOOS GOARCH; } | sha256sum | cut -d' ' -f1)"

print_paths() {
  echo "KUBE_APISERVER=$bin/kube-apiserver"
  echo "KUBECTL=$bin/kubectl"
  echo "ETCD=$(command -v etcd || echo MISSING)"
}

built() { [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }

if [ "$print_only" = 1 ]; then
  built || { log "not built (or stale): run $0"; exit 1; }
  print_paths; exit 0
fi

# ---- system packages (clean CI machine) ------------------------------------------
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; apt_updated=1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}
command -v etcd >/dev/null 2>&1 || apt_install etcd-server
command -v openssl >/dev/null 2>&1 || apt_install openssl
command -v etcd >/dev/null 2>&1 || { log "etcd still missing after apt-get install etcd-server"; exit 1; }

# ---- build ---------------------------------------------------------------------
mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock 9   # two concurrent build.sh runs: the second waits, then finds the stamp

if [ "$force" = 0 ] && built; then
  log "up to date (kubernetes $k8s_version)"
else
  log "building kube-apiserver + kubectl $k8s_version (cold: ~4-5 min on 2 cores)"
  start=$(date +%s)
  tmp="$cache/bin.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  # -mod=readonly: go.sum must already be complete (commit-ready); a missing
  # entry is an error here, not a silent rewrite. Fix with k8s/update-pin.sh.
  (cd "$mod" && go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
  mkdir -p "$bin"
  mv -f "$tmp/kube-apiserver" "$tmp/kubectl" "$bin/"
  rm -rf "$tmp"; trap - EXIT
  echo "$want" > "$stamp"
  log "built in $(( $(date +%s) - start )) s"
fi

print_paths
