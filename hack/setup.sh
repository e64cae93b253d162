#!/usr/bin/env bash
# Installs and starts what kina's builds and tests need on a fresh Debian
# machine: Docker's daemon, Podman, debootstrap and the tools the offline node
# image build uses. It changes nothing when everything is already there.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have dockerd || need+=(docker.io)
have podman || need+=(podman)
have debootstrap || need+=(debootstrap)
have gcc || need+=(gcc libc6-dev)
have ld || need+=(binutils)
have dpkg-deb || need+=(dpkg)
have curl || need+=(curl)
have xz || need+=(xz-utils)
# The offline image build downloads Debian packages by name: it needs lists.
if [ ${#need[@]} -gt 0 ] || ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
  $sudo apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd in the background (log: /var/log/kina-dockerd.log)"
  $sudo sh -c 'nohup dockerd >/var/log/kina-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/kina-dockerd.log" >&2; exit 1; }
fi
echo "setup: docker $(docker version --format '{{.Server.Version}}'), $(podman --version)"
