#!/usr/bin/env bash
# The reset lab: real HAProxy between a client and a backend, each in a network namespace of its
# own, with a router namespace between client and proxy (for injected resets and losses). Captures
# both legs with tcpdump on the proxy host and keeps HAProxy's log (the truth).
#
#   Scripts/lab/lab.sh SCENARIO OUTDIR     run one scenario (root); leaves OUTDIR/capture.pcap (proxy
#                                          host), OUTDIR/client.pcap, OUTDIR/haproxy.log, OUTDIR/scenario
#   Scripts/lab/lab.sh list                the scenarios
#   LAB_LIVE=path/to/rstscope lab.sh ...   also runs `rstscope live -i any` on the proxy host (as
#                                          nobody, intervals, metrics on 127.0.0.1:9464 there):
#                                          OUTDIR/live.jsonl, live.err, metrics.txt (scraped after the
#                                          traffic), live.uid (its Uid line while capturing),
#                                          live.status (its exit status after SIGINT)
#
#   client 10.77.1.2 --- 10.77.1.1 router 10.77.2.1 --- 10.77.2.2:8080 proxy 10.77.3.1 --- 10.77.3.2:9000 backend
#
# Everything it creates (namespaces, processes, iptables rules live inside the namespaces) is
# removed on exit, also when interrupted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenarios="backend_abort backend_refuses client_abort server_timeout client_timeout reject healthcheck keepalive_race injected injected_stealth lossy request_lost concurrent"
[ "${1:-}" = list ] && { echo "$scenarios"; exit 0; }
scenario=${1:?scenario}; out=${2:?output directory}
[[ " $scenarios " == *" $scenario "* ]] || { echo "unknown scenario $scenario (one of: $scenarios)" >&2; exit 64; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
# Namespaces named after this run (rsl<pid>c ...), so concurrent runs never meet.
id=$$
c=rsl${id}c; r=rsl${id}r; p=rsl${id}p; b=rsl${id}b
ns=("$c" "$r" "$p" "$b")
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for n in "${ns[@]}"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Leftovers of runs that were killed: namespaces whose run is gone.
for stale in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^rsl[0-9]+[crpb]$' || true); do
  owner=${stale#rsl}; owner=${owner%?}
  kill -0 "$owner" 2>/dev/null || { ip netns pids "$stale" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del "$stale" 2>/dev/null || true; }
done

for n in "${ns[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
link() {  # link NS1 IF1 ADDR1 NS2 IF2 ADDR2
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3/24" dev "$2"; ip -n "$4" addr add "$6/24" dev "$5"
  ip -n "$1" link set "$2" up; ip -n "$4" link set "$5" up
  # Wire-sized packets in the capture: no segmentation or receive offloads.
  for end in "$1 $2" "$4 $5"; do set -- $end; ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true; done
}
link $c c0 10.77.1.2 $r r0 10.77.1.1
link $r r1 10.77.2.1 $p p0 10.77.2.2
link $p p1 10.77.3.1 $b b0 10.77.3.2
ip -n $c route add default via 10.77.1.1
ip -n $p route add 10.77.1.0/24 via 10.77.2.1
ip netns exec $r sysctl -qw net.ipv4.ip_forward=1

backend_mode=normal; client_args=(normal 10.77.2.2 8080 3); extra_frontend=""; extra_defaults=""; server_opts=""; after_warmup=""
timeouts="timeout connect 1s
  timeout client 5s
  timeout server 5s
  timeout http-request 5s
  timeout http-keep-alive 5s"
case $scenario in
  backend_abort)   backend_mode=abort ;;
  backend_refuses) backend_mode=none; server_opts="" ;;
  client_abort)    backend_mode=slow; client_args=(abort 10.77.2.2 8080 2) ;;
  server_timeout)  backend_mode=silent; timeouts=${timeouts/timeout server 5s/timeout server 1s} ;;
  client_timeout)  client_args=(idle 10.77.2.2 8080); extra_defaults="option nolinger"
                   timeouts=${timeouts/timeout http-request 5s/timeout http-request 1s} ;;
  reject)          # The warm-up's two connections pass; later ones are rejected right after the accept.
                   extra_frontend="stick-table type ip size 1k store conn_cnt
  tcp-request connection track-sc0 src
  tcp-request connection reject if { sc0_conn_cnt gt 2 }"; client_args=(normal 10.77.2.2 8080 2) ;;
  healthcheck)     extra_defaults="option httpchk GET /health"; server_opts="check inter 150ms" ;;
  keepalive_race)  client_args=(keepalive 10.77.2.2 8080); timeouts=${timeouts/timeout http-keep-alive 5s/timeout http-keep-alive 500ms} ;;
  injected)        client_args=(marker 10.77.2.2 8080)
                   ip netns exec $r iptables -A FORWARD -s 10.77.2.2 -d 10.77.1.2 -p tcp \
                     -m string --string "/blocked" --algo bm -j REJECT --reject-with tcp-reset ;;
  injected_stealth) # The same injector, made stealthy: the client's packets reach the proxy with the
                   # TTL the router's forged RST has (64), so the proxy's capture alone cannot tell.
                   client_args=(marker 10.77.2.2 8080)
                   ip netns exec $c sysctl -qw net.ipv4.ip_default_ttl=65
                   ip netns exec $r iptables -A FORWARD -s 10.77.2.2 -d 10.77.1.2 -p tcp \
                     -m string --string "/blocked" --algo bm -j REJECT --reject-with tcp-reset ;;
  lossy)           client_args=(upload 10.77.2.2 8080); extra_defaults="option nolinger"
                   timeouts=${timeouts/timeout client 5s/timeout client 150ms}
                   timeouts=${timeouts/timeout http-request 5s/timeout http-request 150ms}
                   # After the warm-up, every other segment from the client is lost: the upload stalls.
                   after_warmup="ip netns exec $r iptables -A FORWARD -s 10.77.1.2 -p tcp --dport 8080 --tcp-flags SYN NONE -m statistic --mode nth --every 2 --packet 1 -j DROP" ;;
  request_lost)    # The lossy path at its worst: the segment with the request's headers is lost every
                   # time it is sent, so the request never arrives whole (HAProxy: 408, then cR).
                   client_args=(upload 10.77.2.2 8080); extra_defaults="option nolinger"
                   timeouts=${timeouts/timeout client 5s/timeout client 150ms}
                   timeouts=${timeouts/timeout http-request 5s/timeout http-request 150ms}
                   after_warmup="ip netns exec $r iptables -A FORWARD -s 10.77.1.2 -p tcp --dport 8080 -m string --string 'POST /' --algo bm -j DROP" ;;
  concurrent)      client_args=(mixed 10.77.2.2 8080 200 20); backend_mode=slowish ;;
esac
[ "$backend_mode" = slowish ] && backend_mode=normal

cat > "$out/haproxy.cfg" <<CFG
global
  log stdout format raw local0
  maxconn 2000
defaults
  mode http
  log global
  log-format "LAB ci=%ci:%cp fi=%fi:%fp bi=%bi:%bp si=%si:%sp ts=%ts st=%ST"
  option http-server-close
  $extra_defaults
  $timeouts
frontend fe
  bind 10.77.2.2:8080
  $extra_frontend
  default_backend be
backend be
  server s1 10.77.3.2:9000 $server_opts
CFG
echo "$scenario" > "$out/scenario"

if [ "$backend_mode" != none ]; then
  ip netns exec $b python3 "$here/backend.py" "$backend_mode" 9000 >"$out/backend.log" 2>&1 & pids+=($!)
  for _ in $(seq 50); do grep -q "ready" "$out/backend.log" 2>/dev/null && break; sleep 0.1; done
fi
ip netns exec $p tcpdump -i any -n -s 0 -U -w "$out/capture.pcap" tcp 2>"$out/tcpdump.log" & pids+=($!)
ip netns exec $c tcpdump -i c0 -n -s 0 -U -w "$out/client.pcap" tcp 2>"$out/tcpdump-client.log" & pids+=($!)
ip netns exec $p haproxy -db -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 & pids+=($!)
live_pid=""
if [ -n "${LAB_LIVE:-}" ]; then
  ip netns exec $p "$LAB_LIVE" live -i any --format jsonl --interval 0.2 --metrics 127.0.0.1:9464 -Z nobody \
    'tcp port 8080 or tcp port 9000' \
    >"$out/live.jsonl" 2>"$out/live.err" & live_pid=$!; pids+=($live_pid)
  for _ in $(seq 300); do grep -q "listening on" "$out/live.err" 2>/dev/null && break; sleep 0.1; done
fi
for log in tcpdump.log tcpdump-client.log; do
  for _ in $(seq 50); do grep -q "listening on" "$out/$log" 2>/dev/null && break; sleep 0.1; done
done
sleep 0.5
[ "$scenario" = healthcheck ] && sleep 1
# A warm-up of two normal requests: the proxy's usual behaviour, so it can be recognized in the traffic.
if [ "$scenario" != healthcheck ] && [ "$scenario" != concurrent ]; then
  timeout 30 ip netns exec $c python3 "$here/client.py" normal 10.77.2.2 8080 2 >"$out/warmup.log" 2>&1 || true
  sleep 0.2
fi
[ -n "$after_warmup" ] && eval "$after_warmup"
timeout 60 ip netns exec $c python3 "$here/client.py" "${client_args[@]}" >"$out/client.log" 2>&1 || true
sleep 1.5
if [ -n "$live_pid" ]; then
  grep '^Uid:' "/proc/$live_pid/status" >"$out/live.uid" 2>/dev/null || true
  sleep 1.2  # metrics are published every second
  ip netns exec $p curl -s http://127.0.0.1:9464/metrics >"$out/metrics.txt" || true
  kill -INT "$live_pid" 2>/dev/null || true
  status=0; wait "$live_pid" || status=$?
  echo "$status" >"$out/live.status"
fi
