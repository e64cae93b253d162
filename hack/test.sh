#!/usr/bin/env bash
# Runs every kina test on a fresh machine: installs and starts what is missing,
# checks formatting and vet, runs the unit tests, builds (or reuses) the
# offline node image, then creates real clusters on Docker and Podman.
#   hack/test.sh            everything
#   KINA_SKIP_E2E=1 hack/test.sh   unit tests only
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

step() { printf '\n=== %s\n' "$*"; }

step "setup"
hack/setup.sh

step "gofmt and go vet"
bad=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi
go vet ./...

step "unit tests"
go test -count=1 ./...

if [ -n "${KINA_SKIP_E2E:-}" ]; then
  echo "KINA_SKIP_E2E is set: end-to-end tests not run"
  exit 0
fi

step "node image (cached)"
hack/build-node-image.sh --podman

cache="${KINA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kina}"
ingredients="$cache/ingredients/kubernetes-v1.34.4"
# The busybox helper image doubles as the tests' tool image; the image-loading
# test takes it from Docker's own store.
docker load -q -i "$ingredients/images/local-path-helper.tar"

step "end-to-end tests"
KINA_E2E=1 \
KINA_NODE_IMAGE="${KINA_NODE_IMAGE:-kina/node:v1.34.4}" \
KINA_KUBECTL="${KINA_KUBECTL:-$ingredients/bin/kubectl}" \
  go test -count=1 -v -timeout 50m ./e2e/
