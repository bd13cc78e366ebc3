#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback for the btls e2e tests:
# etcd + kube-apiserver (no controller-manager, no scheduler, no nodes) with the
# Gateway API standard CRDs installed.
#
#   test/e2e/cluster.sh up            start (no-op when already up and healthy)
#   test/e2e/cluster.sh down          stop everything it started, delete .e2e/
#   test/e2e/cluster.sh status        print state; exit 0 only when up and ready
#   test/e2e/cluster.sh env           print `export ...` lines (eval "$(... env)")
#   test/e2e/cluster.sh run -- CMD..  up, run CMD with the env exported, always down
#
# Everything lives in <repo>/.e2e/ (git-ignored): pids, ports, certs, etcd data,
# logs (.e2e/logs/), kubeconfig (.e2e/kubeconfig). Binaries come from build.sh
# (cached). Only 127.0.0.1 is used; ports are picked free at start.
#
# Environment:
#   GATEWAY_API_VERSION  gateway-api module version for the CRDs (default v1.6.1)
#   E2E_NO_CRDS=1        skip installing the CRDs
#   E2E_KEEP_ON_FAIL=1   when `up` fails, leave .e2e/ (logs) in place for a look
#   E2E_READY_TIMEOUT    seconds to wait for /readyz (default 120)
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
E2E="$root/.e2e"
gateway_api_version="${GATEWAY_API_VERSION:-v1.6.1}"
ready_timeout="${E2E_READY_TIMEOUT:-120}"
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"

log() { echo "cluster.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# ---- process bookkeeping ----------------------------------------------------------
# A pid file holds one pid; it counts as ours only while /proc/PID/exe is still
# the binary we started (guards against a recycled pid).
pid_alive() { # name
  local f="$E2E/$1.pid" pid exe
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"; [ -n "$pid" ] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  # (*/setsid: the instant between fork and exec)
  case "$exe" in */"$1"|*/"$1"" (deleted)"|*/setsid) return 0 ;; *) return 1 ;; esac
}

stop_one() { # name
  local f="$E2E/$1.pid" pid i
  pid_alive "$1" || { rm -f "$f"; return 0; }
  pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do pid_alive "$1" || break; sleep 0.1; done
  if pid_alive "$1"; then log "$1 ($pid) ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  rm -f "$f"
}

cmd_down() {
  if [ -d "$E2E" ]; then
    stop_one kube-apiserver
    stop_one etcd
    rm -rf "$E2E"
    log "down"
  else
    log "already down"
  fi
}

kc() { "$KUBECTL" --kubeconfig "$E2E/kubeconfig" "$@"; }

is_ready() {
  [ -f "$E2E/kubeconfig" ] && pid_alive etcd && pid_alive kube-apiserver &&
    [ "$(kc get --raw /readyz --request-timeout=5s 2>/dev/null)" = "ok" ]
}

load_bins() {
  local out
  out="$("$here/build.sh")" || die "build.sh failed"
  KUBE_APISERVER="$(sed -n 's/^KUBE_APISERVER=//p' <<<"$out")"
  KUBECTL="$(sed -n 's/^KUBECTL=//p' <<<"$out")"
  ETCD="$(sed -n 's/^ETCD=//p' <<<"$out")"
  [ -x "$KUBE_APISERVER" ] && [ -x "$KUBECTL" ] && [ -x "$ETCD" ] || die "binaries missing: $out"
}

# N free TCP ports on 127.0.0.1, all held open at once so they are distinct.
free_ports() { # n
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]); const socks = [];
    (function next() {
      if (socks.length === n) { console.log(socks.map(s => s.address().port).join(" ")); socks.forEach(s => s.close()); return; }
      const s = net.createServer(); s.listen(0, "127.0.0.1", () => { socks.push(s); next(); });
    })();' "$1"
}

wait_port() { # port seconds
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

gen_pki() {
  local pki="$E2E/pki"
  mkdir -p "$pki"; chmod 700 "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=btls-e2e-ca" \
      -keyout ca.key -out ca.crt -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    rm -f apiserver.csr apiserver.ext ca.srl
  )
  TOKEN="$(openssl rand -hex 24)"
  printf '%s,admin,admin,"system:masters"\n' "$TOKEN" > "$pki/tokens.csv"
  chmod 600 "$pki/tokens.csv" "$pki"/*.key
}

write_kubeconfig() {
  local ca; ca="$(base64 -w0 < "$E2E/pki/ca.crt")"
  cat > "$E2E/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: btls-e2e
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $ca
users:
- name: admin
  user:
    token: $TOKEN
contexts:
- name: btls-e2e
  context:
    cluster: btls-e2e
    user: admin
    namespace: default
current-context: btls-e2e
EOF
  chmod 600 "$E2E/kubeconfig"
}

install_crds() {
  local dir
  dir="$(go mod download -json "sigs.k8s.io/gateway-api@$gateway_api_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir/config/crd/standard" ] || die "no config/crd/standard in sigs.k8s.io/gateway-api@$gateway_api_version"
  echo "$dir/config/crd/standard" > "$E2E/crd-dir"
  log "applying gateway-api $gateway_api_version standard CRDs"
  kc apply --server-side --field-manager=btls-e2e -f "$dir/config/crd/standard/" >"$E2E/logs/crd-apply.log" 2>&1 ||
    { cat "$E2E/logs/crd-apply.log" >&2; return 1; }
  kc wait --for condition=established --timeout=60s crd --all >>"$E2E/logs/crd-apply.log" 2>&1 ||
    { cat "$E2E/logs/crd-apply.log" >&2; return 1; }
  # Established is set before discovery and the OpenAPI/CEL validators are
  # always served; wait until a server-side dry run of a BackendTLSPolicy works.
  local i
  for i in $(seq 1 100); do
    kc get --raw "/apis/gateway.networking.k8s.io/v1/backendtlspolicies" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "backendtlspolicies not served after the CRDs were established"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%d' $(( d / 1000 )) $(( d % 1000 / 100 )); }

on_fail() {
  local rc=${1:-$?}
  trap - ERR INT TERM
  log "up failed (exit $rc)"
  [ "$rc" = 130 ] || for f in etcd kube-apiserver; do
    [ -f "$E2E/logs/$f.log" ] && { echo "---- last lines of .e2e/logs/$f.log" >&2; tail -n 25 "$E2E/logs/$f.log" >&2; }
  done
  if [ "${E2E_KEEP_ON_FAIL:-}" = 1 ]; then
    stop_one kube-apiserver; stop_one etcd; log "kept $E2E for inspection"
  else
    cmd_down
  fi
  exit "$rc"
}

cmd_up() {
  load_bins
  if is_ready; then log "already up: $(cat "$E2E/server")"; return 0; fi
  [ -d "$E2E" ] && { log "found a stale or half-started cluster in .e2e/: restarting"; cmd_down; }

  trap on_fail ERR
  trap 'log interrupted; on_fail 130' INT TERM
  local t0 etcd_port peer_port; t0=$(now_ms)
  mkdir -p "$E2E/logs" "$E2E/etcd"
  chmod 700 "$E2E/etcd"
  read -r etcd_port peer_port APISERVER_PORT < <(free_ports 3)
  gen_pki

  setsid "$ETCD" --name default --data-dir "$E2E/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port" --initial-cluster-state new \
    </dev/null >"$E2E/logs/etcd.log" 2>&1 &
  echo $! > "$E2E/etcd.pid"
  wait_port "$etcd_port" 30 || { log "etcd did not listen on $etcd_port"; false; }

  # Admission: ValidatingAdmissionWebhook, MutatingAdmissionWebhook and
  # ValidatingAdmissionPolicy are on by default in v1.33; naming them here
  # documents that the suite needs them (the log line "Loaded N validating
  # admission controller(s)" lists what is active).
  # --min-request-timeout=5: the apiserver ends every watch after 5-10 s (default: 30-60 min), so the
  # suite sees clients survive dropped watches, as they must in a real cluster.
  setsid "$KUBE_APISERVER" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$E2E/pki/apiserver.crt" --tls-private-key-file="$E2E/pki/apiserver.key" \
    --token-auth-file="$E2E/pki/tokens.csv" \
    --service-account-key-file="$E2E/pki/sa.key" --service-account-signing-key-file="$E2E/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=RBAC \
    --endpoint-reconciler-type=none \
    --enable-admission-plugins=ValidatingAdmissionWebhook,MutatingAdmissionWebhook,ValidatingAdmissionPolicy \
    --profiling=false \
    --min-request-timeout=5 \
    </dev/null >"$E2E/logs/kube-apiserver.log" 2>&1 &
  echo $! > "$E2E/kube-apiserver.pid"
  echo "https://127.0.0.1:$APISERVER_PORT" > "$E2E/server"
  printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPISERVER_PORT=%s\n' "$etcd_port" "$peer_port" "$APISERVER_PORT" > "$E2E/ports"
  write_kubeconfig

  log "waiting for /readyz on https://127.0.0.1:$APISERVER_PORT"
  local deadline=$(( $(date +%s) + ready_timeout ))
  until [ "$(kc get --raw /readyz --request-timeout=5s 2>/dev/null)" = "ok" ]; do
    pid_alive kube-apiserver || { log "kube-apiserver exited"; false; }
    pid_alive etcd || { log "etcd exited"; false; }
    [ "$(date +%s)" -lt "$deadline" ] || { log "not ready after ${ready_timeout}s"; false; }
    sleep 0.5
  done
  log "ready after $(secs_since "$t0")s"
  [ "${E2E_NO_CRDS:-}" = 1 ] || install_crds
  trap - ERR INT TERM
  log "up in $(secs_since "$t0")s; KUBECONFIG=$E2E/kubeconfig"
}

cmd_status() {
  KUBECTL="$here/.cache/bin/kubectl"
  if [ ! -d "$E2E" ]; then echo "down"; return 1; fi
  local e=down a=down r=no
  pid_alive etcd && e="up (pid $(cat "$E2E/etcd.pid"))"
  pid_alive kube-apiserver && a="up (pid $(cat "$E2E/kube-apiserver.pid"))"
  [ -x "$KUBECTL" ] && is_ready && r=yes
  echo "etcd:           $e"
  echo "kube-apiserver: $a"
  echo "server:         $(cat "$E2E/server" 2>/dev/null || echo '?')"
  echo "ready:          $r"
  echo "kubeconfig:     $E2E/kubeconfig"
  [ "$r" = yes ]
}

cmd_env() {
  [ -f "$E2E/kubeconfig" ] || die "not up (no $E2E/kubeconfig): run $0 up"
  echo "export KUBECONFIG='$E2E/kubeconfig'"
  echo "export BTLS_E2E_DIR='$E2E'"
  echo "export BTLS_E2E_SERVER='$(cat "$E2E/server")'"
  echo "export BTLS_E2E_KUBECTL='$here/.cache/bin/kubectl'"
  echo "export PATH='$here/.cache/bin':\"\$PATH\""
}

cmd_run() {
  [ "${1:-}" = "--" ] && shift
  [ $# -gt 0 ] || die "usage: $0 run -- CMD [ARGS...]"
  local rc=0 child=
  trap 'cmd_down' EXIT
  cmd_up    # on failure or interrupt it tears down and exits itself
  eval "$(cmd_env)"
  # CMD runs in the background so that a SIGINT/SIGTERM to this script is
  # handled at once (bash defers traps while a foreground child runs); <&0
  # keeps our stdin (a background job would get /dev/null).
  trap 'log interrupted; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null || true; exit 130' INT TERM
  "$@" <&0 &
  child=$!
  wait "$child" || rc=$?
  trap - INT TERM
  exit "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  run) shift; cmd_run "$@" ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
