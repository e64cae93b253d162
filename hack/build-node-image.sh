#!/usr/bin/env bash
# Builds kina's node image from nothing but the Go module proxy and the Debian
# mirror: the Kubernetes ingredients (hack/ingredients/build.sh), the base
# image (images/base/build.sh), the kina-net CNI image, then the node image
# itself ("kina build node-image"). Every stage is cached by a hash of its
# inputs, so a second run with nothing changed takes seconds.
#
# Usage: hack/build-node-image.sh [--provider docker|podman] [--podman] [--image TAG] [--force]
#   --provider P   build with docker (default) or podman
#   --podman       also make the image available to podman (docker save | podman load)
#   --image TAG    node image tag (default kina/node:<kubernetes version>)
#   --force        rebuild the node image even if its inputs did not change
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
cache=${KINA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kina}
export KINA_CACHE_DIR=$cache
provider=docker
to_podman=0
image=""
force=()
while [ $# -gt 0 ]; do
	case $1 in
	--provider) provider=$2; shift 2 ;;
	--podman) to_podman=1; shift ;;
	--image) image=$2; shift 2 ;;
	--force) force=(--force); shift ;;
	-h | --help) sed -n '2,14p' "$0"; exit 0 ;;
	*) echo "build-node-image.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
case $provider in docker | podman) ;; *) echo "--provider must be docker or podman" >&2; exit 2 ;; esac

mkdir -p "$cache"
# hack/test.sh, quickstart and people may run this at the same time: one at a
# time per cache; the others wait and then find everything cached.
exec 8>"$cache/.build-node-image.lock"
flock 8

t0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }
step() { echo "==> $*" >&2; }

# 1. Kubernetes ingredients (kubeadm/kubelet/kubectl + image archives).
t=$(date +%s.%N)
step "ingredients"
hack/ingredients/build.sh >&2
ingredients=$(ls -d "$cache"/ingredients/kubernetes-v* | sort -V | tail -n1)
version=$(cat "$ingredients/version")
echo "    $ingredients ($version, $(since "$t"))" >&2

# 2. Base image.
t=$(date +%s.%N)
step "base image"
base=$(images/base/build.sh --provider "$provider" | tail -n1)
"$provider" tag "$base" kina/base:latest
echo "    $base ($(since "$t"))" >&2

# 3. kina-net: a static binary in a single-layer image archive.
t=$(date +%s.%N)
step "kina-net"
netdir=$cache/kina-net
mkdir -p "$netdir" "$cache/bin"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$cache/bin/kina-net" ./images/kina-net
net_tag=docker.io/kina-dev/kina-net:$(sha256sum "$cache/bin/kina-net" | cut -c1-12)
if [ "$(cat "$netdir/tag" 2>/dev/null)" != "$net_tag" ] || [ ! -s "$netdir/kina-net.tar" ]; then
	rm -f "$netdir"/*.tar
	go run ./hack/tools/mkimage -tag "$net_tag" -out "$netdir/kina-net.tar" \
		-add "$cache/bin/kina-net=/usr/local/bin/kina-net:0755" -entrypoint /usr/local/bin/kina-net >&2
	echo "$net_tag" >"$netdir/tag"
fi
echo "    $net_tag ($(since "$t"))" >&2

# 4. The node image, with kina-lb (the HA control planes' load balancer).
t=$(date +%s.%N)
step "node image"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$cache/bin/kina-lb" ./images/lb
image=${image:-kina/node:$version}
args=(--base-image "$base" --image "$image" --kube-bin-dir "$ingredients/bin"
	--image-archives "$ingredients/images" --image-archives "$netdir"
	--add-file "$cache/bin/kina-lb=/usr/local/bin/kina-lb")
go build -o "$cache/bin/kina" ./cmd/kina
"$cache/bin/kina" build node-image --provider "$provider" "${args[@]}" "${force[@]}" >&2
echo "    $image ($(since "$t"))" >&2

# 5. Optionally hand the image to podman.
if [ "$to_podman" = 1 ] && [ "$provider" = docker ]; then
	t=$(date +%s.%N)
	step "podman"
	label='{{ index .Config.Labels "dev.kina.node.hash" }}'
	want=$(docker image inspect --format "$label" "$image")
	have=$(podman image inspect --format "$label" "$image" 2>/dev/null || true)
	if [ "$want" != "$have" ]; then
		docker save "$image" | podman load >&2
	fi
	echo "    podman has $image ($(since "$t"))" >&2
fi

echo "==> built $image in $(since "$t0")" >&2
echo "$image"
