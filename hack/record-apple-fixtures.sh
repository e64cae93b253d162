#!/usr/bin/env bash
# Records what this Mac's Apple `container` CLI really prints into kina's
# fixture layout, so that real captures can replace reconstructed ones:
#
#   internal/provider/apple/testdata/<x.y.z>/
#
# It creates one throwaway network (macOS 26 only) and one throwaway
# container from a small image, records list/inspect/error output while it
# runs and after it stops, then deletes both. Only that container is
# recorded: `list` output is not saved, because it would show your other
# containers. Review the files before committing them (they contain your
# user name in paths).
#
# Usage: hack/record-apple-fixtures.sh [image]     (default: docker.io/library/alpine:3.22)
# Written for the bash 3.2 that macOS ships (empty arrays need the +"" form).
set -euo pipefail

image="${1:-docker.io/library/alpine:3.22}"
cli="$(command -v container || true)"
[ -n "$cli" ] || { echo "container CLI not found on PATH" >&2; exit 1; }

version_line="$("$cli" --version)"
version="$(printf '%s\n' "$version_line" | sed -n 's/.*version \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')"
[ -n "$version" ] || { echo "cannot read a version from: $version_line" >&2; exit 1; }

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/internal/provider/apple/testdata/$version"
mkdir -p "$out"
echo "recording container $version into $out"

name="kina-rec-$$"
net="kina-rec-$$"
cleanup() {
	"$cli" delete --force "$name" "$name-mem" >/dev/null 2>&1 || true
	"$cli" network delete "$net" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# cap <file> <args...>: stdout to <file>, stderr to <file>.stderr, exit code
# to <file>.exit. Never fails the script.
cap() {
	local file="$1"; shift
	set +e
	"$cli" "$@" >"$out/$file" 2>"$out/$file.stderr"
	echo $? >"$out/$file.exit"
	set -e
	[ -s "$out/$file.stderr" ] || rm -f "$out/$file.stderr"
}

printf '%s\n' "$version_line" >"$out/version.txt"
"$cli" --help >"$out/help.txt"
"$cli" run --help >"$out/run-help.txt"
cap status.txt system status
cap status.json system status --format json
[ "$(cat "$out/status.json.exit")" = 0 ] || rm -f "$out/status.json"*

# The flags kina uses, when this CLI has them.
run_help="$(cat "$out/run-help.txt")"
flags=()
grep -q -- '--cap-add' <<<"$run_help" && flags+=(--cap-add ALL)
grep -q -- '--masked-path' <<<"$run_help" && flags+=(--masked-path NONE --read-only-path NONE)

network_args=()
have_net=0
if grep -Eq '^[[:space:]]+network([[:space:],]|$)' "$out/help.txt"; then
	cap network-create.txt network create --label dev.kina.owner=kina "$net"
	cap errors-network-exists.txt network create "$net"
	network_args=(--network "$net")
	have_net=1
fi

port=$(( 20000 + $$ % 20000 ))
"$cli" run -d --name "$name" ${flags[@]+"${flags[@]}"} --cpus 1 --memory 512M \
	--label io.x-k8s.kind.cluster=kina-rec --label io.x-k8s.kind.role=worker --label dev.kina.owner=kina \
	${network_args[@]+"${network_args[@]}"} --publish "127.0.0.1:$port:8080/tcp" "$image" sleep 600 >/dev/null

cap list.json inspect "$name"                    # the running container: the shape kina decodes
cap kernel.txt exec "$name" uname -r
cap errors-run-exists.txt run -d --name "$name" "$image" sleep 1
cap errors-memory.txt run -d --name "$name-mem" --memory 100M "$image" sleep 1
cap errors-exec-missing.txt exec "$name-missing" true
cap errors-inspect-missing.txt inspect "$name-missing"
cap errors-delete-missing.txt delete --force "$name-missing"
"$cli" stop "$name" >/dev/null
cap inspect-stopped.json inspect "$name"
cap errors-not-running.txt exec "$name" true
"$cli" delete --force "$name" >/dev/null
if [ "$have_net" = 1 ]; then
	"$cli" network delete "$net" >/dev/null
	cap errors-network-missing.txt network delete "$net"
fi

{
	echo "recorded: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "cli: $version_line"
	echo "macos: $(sw_vers -productVersion 2>/dev/null || echo unknown)"
	echo "image: $image"
} >"$out/RECORDED"

echo "done. Files in $out:"
ls -1 "$out"
echo "Check them for personal data, then add a meta.json (see testdata/README.md) and commit."
