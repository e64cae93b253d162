#!/usr/bin/env bash
# The main job on a fresh machine: install and start what is missing, build
# the node image offline (cached), build kina, create a real cluster named
# "kina" and show it working. Re-running it recreates the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
cache="${KINA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kina}"
image="${KINA_NODE_IMAGE:-kina/node:v1.34.4}"
kubectl="$cache/ingredients/kubernetes-v1.34.4/bin/kubectl"

hack/setup.sh
hack/build-node-image.sh
go build -o bin/kina ./cmd/kina

bin/kina delete cluster --name kina
bin/kina create cluster --name kina --image "$image" --wait 3m

echo
"$kubectl" --context kina-kina get nodes -o wide
"$kubectl" --context kina-kina -n kube-system wait --for=condition=Available deployment/coredns --timeout=180s
"$kubectl" --context kina-kina get pods -A -o wide
echo
echo "The cluster is running. Use it with: $kubectl --context kina-kina get pods -A"
echo "Remove it with: bin/kina delete cluster --name kina"
