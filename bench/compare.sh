#!/usr/bin/env bash
# Benchmarks kina against kind v0.33.0, side by side in one run, on the same
# Docker and the same node image.
#
#   bench/compare.sh [--pairs N] [--image IMG] [--only 1n|4n] [--settle SEC]
#                    [--wait DUR] [--out FILE | --no-doc] [--kind BIN] [--kina BIN]
#                    [--archive TAR] [--keep-work]
#
# For each pair (default 3) and each cluster shape, 1 node ("1n") and 1
# control plane + 3 workers ("4n"), it creates a cluster with each tool, the
# order alternating from pair to pair (kina first in odd pairs, kind first in
# even ones), and measures for each:
#   - create: seconds until the create command returns;
#   - ready: seconds from the start of create until every node is Ready and
#     deployment kube-system/coredns is Available, observed the same way for
#     both tools from the host (bench/benchtool polls the API server every
#     200 ms through the kubeconfig the tool writes);
#   - memory of each node container SETTLE seconds after ready
#     (docker stats --no-stream);
#   - load: `load image-archive` of one archive into every node, when kina
#     has the command;
#   - delete: seconds for `delete cluster`;
#   - kina's own per-step timings (its " ✓ Step (1.23s)" lines on stderr).
# It prints a table of medians with kina/kind ratios and writes it, with the
# command, the machine and the date, to docs/benchmarks.md.
#
# kind always runs nodes with --privileged, which restricted hosts (no
# CAP_SYS_RESOURCE in the bounding set) refuse, so kind runs with
# hack/kind-docker-wrapper first on PATH. kina never sees the wrapper.
#
# Every cluster is deleted at the end, on failure and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

pairs=3
image="${KINA_NODE_IMAGE:-kina/node:v1.34.4}"
only=""
settle=30
wait_flag=""
out="docs/benchmarks.md"
kind_bin=""
kina_bin=""
archive=""
keep_work=""
cmdline="bench/compare.sh $*"

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--pairs) pairs=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--settle) settle=$2; shift 2 ;;
	--wait) wait_flag=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--no-doc) out=""; shift ;;
	--kind) kind_bin=$2; shift 2 ;;
	--kina) kina_bin=$2; shift 2 ;;
	--archive) archive=$2; shift 2 ;;
	--keep-work) keep_work=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "compare.sh: unknown argument $1" >&2; usage 2 ;;
	esac
done
case $pairs in '' | *[!0-9]* | 0) echo "compare.sh: --pairs must be a positive number" >&2; exit 2 ;; esac
case $only in '' | 1n | 4n) ;; *) echo "compare.sh: --only takes 1n or 4n" >&2; exit 2 ;; esac
topos="1n 4n"
[ -z "$only" ] || topos=$only

export GOFLAGS="${GOFLAGS:--buildvcs=false}"
work=$(mktemp -d /tmp/kina-bench.XXXXXX)
results=$work/results.tsv
# Never touch the user's kubeconfig: every run gets its own file below,
# passed both as $KUBECONFIG and as --kubeconfig.
export KUBECONFIG=$work/kubeconfig
: >"$results"
wrapper_dir=$repo/hack/kind-docker-wrapper
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# --- cleanup: every cluster this script may have created, also on Ctrl-C.
clusters=""
kind_net_existed=""
docker network inspect kind >/dev/null 2>&1 && kind_net_existed=1
cleaning=""
cleanup() {
	local rc=$?
	[ -z "$cleaning" ] || return 0
	cleaning=1
	trap - INT TERM
	[ -z "${waiter:-}" ] || kill "$waiter" 2>/dev/null || true
	for c in $clusters; do
		case $c in
		kina:*) [ -z "$kina_bin" ] || KINA_PROVIDER=docker "$kina_bin" delete cluster --name "${c#kina:}" --kubeconfig "$KUBECONFIG" >/dev/null 2>&1 || true ;;
		kind:*) [ -z "$kind_bin" ] || PATH="$wrapper_dir:$PATH" "$kind_bin" delete cluster --name "${c#kind:}" --kubeconfig "$KUBECONFIG" >/dev/null 2>&1 || true ;;
		esac
	done
	# Anything still labelled as one of our clusters (e.g. a create killed
	# half-way): remove it with its volumes.
	for c in $clusters; do
		ids=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=${c#*:}" 2>/dev/null || true)
		[ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
	done
	# kind leaves its network behind by design; remove it if we made it.
	if [ -z "$kind_net_existed" ] && [ "$(docker network inspect -f '{{len .Containers}}' kind 2>/dev/null)" = 0 ]; then
		docker network rm kind >/dev/null 2>&1 || true
	fi
	if [ -n "$keep_work" ] || [ "$rc" -ne 0 ]; then
		log "work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted: cleaning up"; exit 130' INT TERM

# --- tools
log "building kina, benchtool$([ -n "$kind_bin" ] || echo ", kind v0.33.0")"
if [ -z "$kina_bin" ]; then
	go build -o "$work/kina" ./cmd/kina
	kina_bin=$work/kina
fi
go build -o "$work/benchtool" ./bench/benchtool
bt=$work/benchtool
if [ -z "$kind_bin" ]; then
	(cd "$work" && GOBIN="$work/gobin" go install sigs.k8s.io/kind@v0.33.0)
	kind_bin=$work/gobin/kind
fi
kind_version=$("$kind_bin" version)
kina_version=$("$kina_bin" version 2>&1 | head -1 || true)
docker image inspect "$image" >/dev/null 2>&1 || { echo "compare.sh: docker has no image $image (build it with hack/build-node-image.sh)" >&2; exit 1; }

load_note=""
if "$kina_bin" load image-archive --help >/dev/null 2>&1; then
	if [ -z "$archive" ]; then
		# One ~50 MiB single-layer image, made without a registry.
		go build -o "$work/mkimage" ./hack/tools/mkimage
		payload=$(command -v kubectl || true)
		[ -n "$payload" ] || payload=$work/kina
		"$work/mkimage" -tag bench.kina.dev/payload:1 -out "$work/payload.tar" -add "$payload=/payload" -entrypoint /payload >/dev/null
		archive=$work/payload.tar
	fi
	load_note="load image-archive: $(basename "$archive"), $(du -m "$archive" | cut -f1) MiB, into every node"
else
	load_note="not measured: kina has no load command yet"
fi
log "image load: $load_note"

cat >"$work/4n.yaml" <<'EOF'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
- role: worker
EOF

# tool runs a kina or kind subcommand with the environment of that tool.
tool() {
	local t=$1
	shift
	case $t in
	kina) KINA_PROVIDER=docker "$kina_bin" "$@" ;;
	kind) PATH="$wrapper_dir:$PATH" "$kind_bin" "$@" ;;
	esac
}

row() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$results"; }

# run_one TOOL TOPO PAIR: one create/measure/delete cycle.
run_one() {
	local t=$1 topo=$2 pair=$3
	local name="kb-$t-$topo" nodes=1 cfg=() wait=()
	[ "$topo" = 4n ] && nodes=4 && cfg=(--config "$work/4n.yaml")
	[ -z "$wait_flag" ] || wait=(--wait "$wait_flag")
	local kc="$work/kubeconfig-$t-$topo-$pair" logf="$work/$t-$topo-$pair"
	case " $clusters " in *" $t:$name "*) ;; *) clusters="$clusters $t:$name" ;; esac
	rm -f "$kc"

	local t0 t1 rc=0
	row "$t" "$topo" "$pair" load1_start "$(cut -d' ' -f1 /proc/loadavg)"
	t0=$(now)
	"$bt" wait -kubeconfig "$kc" -context "$t-$name" -nodes "$nodes" -start "$t0" -timeout 6m >"$logf.ready" 2>"$logf.ready.err" &
	waiter=$!
	KUBECONFIG=$kc tool "$t" create cluster --name "$name" --image "$image" --kubeconfig "$kc" "${cfg[@]}" "${wait[@]}" >"$logf.create.out" 2>"$logf.create.err" || rc=$?
	t1=$(now)
	if [ "$rc" -ne 0 ]; then
		log "$t $topo pair $pair: create FAILED (exit $rc); log: $logf.create.err"
		tail -5 "$logf.create.err" >&2 || true
		kill "$waiter" 2>/dev/null || true
		wait "$waiter" 2>/dev/null || true
		waiter=""
		row "$t" "$topo" "$pair" failed:create 1
		KUBECONFIG=$kc tool "$t" delete cluster --name "$name" --kubeconfig "$kc" >/dev/null 2>&1 || true
		return 0
	fi
	local create_s ready_s
	create_s=$(elapsed "$t0" "$t1")
	row "$t" "$topo" "$pair" create_s "$create_s"
	wait "$waiter" || true
	waiter=""
	ready_s=$(cat "$logf.ready")
	if [ "$ready_s" = timeout ] || [ -z "$ready_s" ]; then
		log "$t $topo pair $pair: not Ready: $(tail -1 "$logf.ready.err")"
		row "$t" "$topo" "$pair" failed:ready 1
	else
		row "$t" "$topo" "$pair" ready_s "$ready_s"
	fi
	[ "$t" = kina ] && "$bt" steps -cluster "$name" -tool "$t" -topo "$topo" -pair "$pair" <"$logf.create.err" >>"$results"

	sleep "$settle"
	"$bt" mem -cluster "$name" -tool "$t" -topo "$topo" -pair "$pair" >>"$results" || row "$t" "$topo" "$pair" failed:memory 1

	local load_s=""
	if [ -n "$archive" ]; then
		local l0 l1
		l0=$(now)
		if KUBECONFIG=$kc tool "$t" load image-archive "$archive" --name "$name" >"$logf.load" 2>&1; then
			l1=$(now)
			load_s=$(elapsed "$l0" "$l1")
			row "$t" "$topo" "$pair" load_s "$load_s"
		else
			log "$t $topo pair $pair: load image-archive FAILED; log: $logf.load"
			tail -3 "$logf.load" >&2 || true
			row "$t" "$topo" "$pair" failed:load 1
		fi
	fi

	# The nodes' own volumes (the anonymous /var), to check they go with them.
	local vols
	vols=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$name" | xargs -r docker inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}')
	local d0 d1 delete_s
	d0=$(now)
	if KUBECONFIG=$kc tool "$t" delete cluster --name "$name" --kubeconfig "$kc" >"$logf.delete" 2>&1; then
		d1=$(now)
		delete_s=$(elapsed "$d0" "$d1")
		row "$t" "$topo" "$pair" delete_s "$delete_s"
	else
		log "$t $topo pair $pair: delete FAILED; log: $logf.delete"
		row "$t" "$topo" "$pair" failed:delete 1
	fi
	if [ -n "$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$name")" ]; then
		log "$t $topo pair $pair: containers left after delete"
		row "$t" "$topo" "$pair" failed:leftover-containers 1
	fi
	for v in $vols; do
		if docker volume inspect "$v" >/dev/null 2>&1; then
			log "$t $topo pair $pair: volume $v left after delete"
			row "$t" "$topo" "$pair" failed:leftover-volume 1
		fi
	done
	log "$t $topo pair $pair: create ${create_s}s, ready ${ready_s:-?}s, load ${load_s:-–}s, delete ${delete_s:-?}s"
}

# --- machine
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, kernel $(uname -r), docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) (client $(docker version --format '{{.Client.Version}}' 2>/dev/null)), cgroup $(stat -fc %T /sys/fs/cgroup | sed 's/tmpfs/v1/;s/cgroup2fs/v2/')"
image_id=$(docker image inspect -f '{{.Id}}' "$image" | cut -c8-19)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "machine: $machine; load average $load_before"
log "node image $image ($image_id); $kind_version; kina $kina_version"
if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
	log "warning: load average ${load_before%% *} is above $(nproc): other work is running, results will be noisy"
fi

for pair in $(seq 1 "$pairs"); do
	if [ $((pair % 2)) -eq 1 ]; then order="kina kind"; else order="kind kina"; fi
	for topo in $topos; do
		for t in $order; do
			log "pair $pair/$pairs, $topo, $t"
			run_one "$t" "$topo" "$pair"
		done
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)


table=$("$bt" report -in "$results")
echo
echo "$table"
echo
echo "Image load: $load_note"

if [ -n "$out" ]; then
	mkdir -p "$(dirname "$out")"
	{
		echo "# kina vs kind: benchmark"
		echo
		echo "Written by \`bench/compare.sh\`; rerun it to refresh this page. Absolute times on shared"
		echo "machines wander, so compare the **ratios** (kina/kind) measured side by side in one run."
		echo "Where kina's time goes, and what was done about it: [performance.md](performance.md)."
		echo
		echo "- Command: \`$cmdline\`"
		echo "- Date: $started"
		echo "- Machine: $machine"
		echo "- Load average (1, 5, 15 min): $load_before at the start, $load_after at the end"
		echo "- Node image: \`$image\` (\`$image_id\`), the same for both tools"
		echo "- Tools: kina \`$kina_version\` ($(git rev-parse --short HEAD)), $kind_version through hack/kind-docker-wrapper"
		echo "- Pairs: $pairs (order alternates: kina first in odd pairs, kind first in even pairs); clusters: $(for t in $topos; do printf '%s ' "$t"; done)"
		echo "- create flags (both tools): \`--name kb-<tool>-<1n|4n> --image $image --kubeconfig <file per run>$([ -z "$wait_flag" ] || echo " --wait $wait_flag")\`, and for 4 nodes \`--config\` with 1 control-plane + 3 workers"
		echo "- Image load: $load_note"
		echo
		echo "## How it is measured"
		echo
		echo "- **create**: wall time of \`create cluster\` until the command returns."
		echo "- **Ready**: from the start of \`create cluster\` until every node is Ready and"
		echo "  \`kube-system/coredns\` is Available, seen from the host by \`bench/benchtool wait\`, which"
		echo "  polls the API server every 200 ms as soon as the tool's kubeconfig holds the context."
		echo "  Identical for both tools."
		echo "- **memory**: \`docker stats --no-stream\` of each node container, ${settle} s after Ready."
		echo "- **delete**: wall time of \`delete cluster\`."
		echo "- kina's steps: the durations kina prints on stderr for each step."
		echo "- kind runs with \`hack/kind-docker-wrapper\` first on PATH: it swaps kind's \`--privileged\`"
		echo "  for the restricted flag set of this host (each docker call through it costs one extra"
		echo "  \`sh\` start, a few ms)."
		echo
		echo "## Results"
		echo
		echo "$table"
	} >"$out"
	log "wrote $out"
fi
