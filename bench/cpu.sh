#!/usr/bin/env bash
# Where the host's CPU goes during one `kina create cluster`, by command.
#
#   bench/cpu.sh [--nodes 1|4] [--image IMG] [--kina BIN] [--top N]
#
# It creates a cluster (1 node, or 1 control plane + 3 workers), waits until
# every node is Ready and CoreDNS is Available (bench/benchtool), deletes it,
# and prints the CPU seconds each command used meanwhile: processes that
# exited come from the kernel's process accounting (Debian package `acct`:
# accton, dump-acct), the ones still running from /proc/*/stat before and
# after. Commands of every node and of the host are counted together; the
# host total is from /proc/stat. A 2-core host offers 2 CPU-seconds per
# second: a create that uses about that much is CPU-bound, and only less work
# makes it faster (docs/performance.md).
#
# It refuses to start while any container exists: a forgotten cluster skews
# every figure.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=1 image="${KINA_NODE_IMAGE:-kina/node:v1.34.4}" kina="" top=25
while [ $# -gt 0 ]; do
	case $1 in
	--nodes) nodes=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--kina) kina=$2; shift 2 ;;
	--top) top=$2; shift 2 ;;
	*) echo "bench/cpu.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
case $nodes in 1 | 4) ;; *) echo "bench/cpu.sh: --nodes is 1 or 4, not $nodes" >&2; exit 2 ;; esac
for tool in accton dump-acct; do
	command -v "$tool" >/dev/null || { echo "bench/cpu.sh: $tool missing (apt-get install acct)" >&2; exit 1; }
done
if [ -n "$(docker ps -aq)" ]; then
	echo "bench/cpu.sh: containers exist; remove them first: $(docker ps -a --format '{{.Names}}' | tr '\n' ' ')" >&2
	exit 1
fi

work=$(mktemp -d)
name=cpu-bench
cleanup() {
	accton off >/dev/null 2>&1 || true
	"$kina" delete cluster --name "$name" --kubeconfig "$work/kubeconfig" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$kina" ]; then
	go build -o "$work/kina" ./cmd/kina
	kina=$work/kina
fi
go build -o "$work/benchtool" ./bench/benchtool
config=$work/cluster.yaml
printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n' >"$config"
[ "$nodes" = 4 ] && printf -- '- role: worker\n- role: worker\n- role: worker\n' >>"$config"

# snapshot FILE: "pid comm ticks" of every process.
snapshot() {
	for f in /proc/[0-9]*/stat; do
		read -r line <"$f" 2>/dev/null || continue
		local pid=${line%% *} rest=${line#*(}
		local comm=${rest%%)*} after=${rest##*) }
		# shellcheck disable=SC2086
		set -- $after
		echo "$pid ${comm// /_} $((${12} + ${13}))"
	done >"$1"
}
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

touch "$work/pacct"
accton "$work/pacct" >/dev/null
snapshot "$work/before"
b0=$(busy)
start=$(date +%s.%N)
"$work/benchtool" wait -kubeconfig "$work/kubeconfig" -context "kina-$name" -nodes "$nodes" \
	-start "$start" -timeout 3m >"$work/ready" 2>/dev/null &
waiter=$!
"$kina" create cluster --name "$name" --image "$image" --config "$config" --kubeconfig "$work/kubeconfig" >/dev/null 2>&1
wait "$waiter"
b1=$(busy)
snapshot "$work/after"
accton off >/dev/null
hz=$(getconf CLK_TCK)

echo "kina create, $nodes node(s), image $image: Ready + CoreDNS after $(cat "$work/ready") s;" \
	"host CPU $(awk -v t=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') s"
{
	dump-acct "$work/pacct" | awk -F'|' -v hz="$hz" '
		{ gsub(/ /, "", $1); t[$1] += $3 + $4; n[$1]++ }
		END { for (c in t) printf "%8.2f %5d exited   %s\n", t[c] / hz, n[c], c }'
	awk -v hz="$hz" 'NR == FNR { before[$1] = $3; next }
		{ t[$2] += $3 - before[$1]; n[$2]++ }
		END { for (c in t) if (t[c] > 0) printf "%8.2f %5d running  %s\n", t[c] / hz, n[c], c }' \
		"$work/before" "$work/after"
} | sort -rn | head -n "$top" | sed '1i\  CPU-s procs  state    command'
