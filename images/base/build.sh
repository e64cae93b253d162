#!/usr/bin/env bash
# Builds kina's node base image: a Debian bookworm minbase rootfs with systemd,
# iptables/nftables, conntrack and friends, containerd/runc/crictl built from
# the Go module proxy, the Debian CNI reference plugins in /opt/cni/bin, and
# kina's node-side files (images/node/files). Nothing Kubernetes-specific: the
# node image adds that (internal/nodeimage).
#
# Usage: images/base/build.sh [--provider docker|podman] [--tag TAG] [--print-tag]
#
# Every stage is cached under $KINA_CACHE_DIR/base, keyed by a hash of its
# inputs; the image carries that hash in the label dev.kina.base.hash, and a
# second run with nothing changed only checks that label. The rootfs gets
# bookworm's point-release and security updates when it is built; set
# KINA_BASE_REFRESH to any new value (e.g. a date) to rebuild it with newer ones.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${KINA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kina}/base
provider=docker
tag=""
print_tag=0
while [ $# -gt 0 ]; do
	case $1 in
	--provider) provider=$2; shift 2 ;;
	--tag) tag=$2; shift 2 ;;
	--print-tag) print_tag=1; shift ;;
	*) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# Versions built from the Go module proxy (kind v0.33.0's base uses the same).
CONTAINERD_VERSION=v2.3.4
RUNC_VERSION=v1.4.3
CRICTL_VERSION=v1.36.0
SUITE=bookworm
MIRROR=${KINA_DEBIAN_MIRROR:-$( { sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources
	sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*debian\) .*/\2/p' /etc/apt/sources.list; } 2>/dev/null | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${KINA_DEBIAN_SECURITY_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian-security\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

log() { printf '[base %s] %s\n' "$(date +%T)" "$*" >&2; }
hash_of() { sha256sum | cut -c1-16; }
# Drop the tags of older base builds (images still in use stay).
prune_old_tags() {
	local old
	for old in $("$provider" images --format '{{.Repository}}:{{.Tag}}' | grep -E '^(localhost/)?kina/base:[0-9a-f]{16}$' || true); do
		case $old in *":$image_key") ;; *) "$provider" rmi "$old" >/dev/null 2>&1 || true ;; esac
	done
}

packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" | tr -d ' ' | sort | paste -sd, -)

# Stage keys. The rootfs key covers the package list, the suite and the
# rootfs half of this script; the runtime key covers the versions and the
# runtime module; the image key covers everything.
rootfs_key=$( { echo "$SUITE $packages ${KINA_BASE_REFRESH:-}"; sed -n '/^# >>> rootfs/,/^# <<< rootfs/p' "$0"; } | hash_of)
runtime_key=$( { echo "$CONTAINERD_VERSION $RUNC_VERSION $CRICTL_VERSION"; cat "$here/runtime/go.mod" "$here/runtime/go.sum"; sed -n '/^# >>> runtime/,/^# <<< runtime/p' "$0"; } | hash_of)
files_key=$( cd "$repo/images/node/files" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do printf '%s %s\n' "$f" "$(stat -c %a "$f")"; if [ -L "$f" ]; then readlink "$f"; else cat "$f"; fi; done | hash_of)
image_key=$( { echo "$rootfs_key $runtime_key $files_key"; sed -n '/^# >>> assemble/,/^# <<< assemble/p' "$0"; } | hash_of)
tag=${tag:-kina/base:$image_key}
if [ "$print_tag" = 1 ]; then echo "$tag"; exit 0; fi

mkdir -p "$cache"
# One build at a time per cache: concurrent runs (CI, quickstart) wait here
# and then find the stages cached.
exec 9>"$cache/.lock"
flock 9

if have=$("$provider" image inspect --format '{{ index .Config.Labels "dev.kina.base.hash" }}' "$tag" 2>/dev/null) && [ "$have" = "$image_key" ]; then
	log "$tag is up to date"
	"$provider" tag "$tag" kina/base:latest
	prune_old_tags
	echo "$tag"
	exit 0
fi

# >>> rootfs
rootfs_tar=$cache/rootfs-$rootfs_key.tar
if [ ! -s "$rootfs_tar" ]; then
	log "debootstrap $SUITE from $MIRROR (packages: $packages)"
	work=$(mktemp -d "$cache/rootfs.XXXXXX")
	trap 'rm -rf --one-file-system "$work"' EXIT
	# debootstrap and the maintainer scripts run in a private mount namespace,
	# so whatever they mount (/proc, /sys, /dev in the target) vanishes with it
	# and never outlives a failed build.
	unshare --mount --propagation private debootstrap --variant=minbase --include="$packages" \
		"$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
	r=$work/rootfs
	# Point-release and security updates (debootstrap only reads $SUITE).
	# Maintainer scripts must not start services: policy-rc.d says no.
	printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
		"$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "$SECURITY_MIRROR" "$SUITE" >"$r/etc/apt/sources.list"
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$r/etc/resolv.conf"
	{ unshare --mount --propagation private chroot "$r" apt-get -q update &&
		DEBIAN_FRONTEND=noninteractive unshare --mount --propagation private chroot "$r" apt-get -q -y \
			-o Dpkg::Options::=--force-confold upgrade; } >"$work/upgrade.log" 2>&1 ||
		{ tail -n 30 "$work/upgrade.log" >&2; exit 1; }
	chroot "$r" dpkg-query -W -f '${Package}=${Version}\n' >"$cache/rootfs-$rootfs_key.packages"
	rm -f "$r/usr/sbin/policy-rc.d"
	: >"$r/etc/resolv.conf"
	# Trim what a node never reads.
	rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/lintian \
		"$r"/usr/share/locale/* "$r"/var/cache/apt/* "$r"/var/lib/apt/lists/* "$r"/var/log/*.log \
		"$r"/var/cache/debconf/*-old "$r"/usr/share/common-licenses "$r"/usr/share/bash-completion
	find "$r"/usr/share/i18n/locales -mindepth 1 -maxdepth 1 ! -name 'C' ! -name 'POSIX' -exec rm -rf {} + 2>/dev/null || true
	# Keep dpkg from bringing docs back if someone apt-installs later.
	mkdir -p "$r/etc/dpkg/dpkg.cfg.d"
	printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
		'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/info/*' \
		>"$r/etc/dpkg/dpkg.cfg.d/01-kina-nodoc"
	# systemd in a container: drop every unit that is wanted by default and
	# does host-level work. What stays: journald, the kina units (enabled at
	# assembly), dbus.
	rm -f "$r"/etc/systemd/system/*.wants/* \
		"$r"/lib/systemd/system/multi-user.target.wants/* \
		"$r"/lib/systemd/system/local-fs.target.wants/* \
		"$r"/lib/systemd/system/sockets.target.wants/*udev* \
		"$r"/lib/systemd/system/sockets.target.wants/*initctl* \
		"$r"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup* \
		"$r"/lib/systemd/system/sysinit.target.wants/systemd-update-utmp*
	# CNI reference plugins where kind (and containerd's default) expect them.
	mkdir -p "$r/opt/cni/bin"
	for p in host-local loopback ptp portmap bridge; do cp -a "$r/usr/lib/cni/$p" "$r/opt/cni/bin/$p"; done
	: >"$r/etc/machine-id"
	rm -f "$r/var/lib/dbus/machine-id"
	tar --numeric-owner --xattrs --xattrs-include='*' -C "$r" -cf "$rootfs_tar.tmp" .
	mv "$rootfs_tar.tmp" "$rootfs_tar"
	rm -rf --one-file-system "$work"
	trap - EXIT
	find "$cache" -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$rootfs_key.*" -delete # older rootfs versions
	log "rootfs cached: $rootfs_tar ($(du -h "$rootfs_tar" | cut -f1))"
fi
# <<< rootfs

# >>> runtime
runtime_dir=$cache/runtime-$runtime_key
if [ ! -x "$runtime_dir/bin/containerd" ]; then
	log "building containerd $CONTAINERD_VERSION, runc $RUNC_VERSION, crictl $CRICTL_VERSION from the Go module proxy"
	tmp=$(mktemp -d "$cache/runtime.XXXXXX")
	mkdir -p "$tmp/bin"
	(
		cd "$here/runtime"
		export GOFLAGS=-buildvcs=false GOWORK=off
		CGO_ENABLED=0 go build -trimpath -tags 'no_aufs no_zfs no_btrfs no_devmapper' \
			-ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION" \
			-o "$tmp/bin/" github.com/containerd/containerd/v2/cmd/containerd \
			github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 github.com/containerd/containerd/v2/cmd/ctr
		CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
			-o "$tmp/bin/crictl" sigs.k8s.io/cri-tools/cmd/crictl
		# runc needs cgo and libseccomp; link Debian's static libseccomp from
		# an extracted (not installed) libseccomp-dev. The sysroot path must
		# stay the same across builds: Go's build cache remembers the -L flag.
		sysroot=$cache/seccomp-sysroot
		rm -rf "$sysroot"
		mkdir -p "$sysroot"
		(cd "$tmp" && apt-get download -q libseccomp-dev >/dev/null 2>&1)
		dpkg-deb -x "$tmp"/libseccomp-dev_*.deb "$sysroot"
		export PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$sysroot/usr/lib/x86_64-linux-gnu/pkgconfig:$sysroot/usr/lib/pkgconfig
		# Explicit flags are part of Go's cache key; pkg-config output is not.
		export CGO_CFLAGS="-O2 -I$sysroot/usr/include" CGO_LDFLAGS="-O2 -L$sysroot/usr/lib/x86_64-linux-gnu"
		CGO_ENABLED=1 go build -trimpath -buildmode=pie -tags 'seccomp urfave_cli_no_docs netgo osusergo' \
			-ldflags "-s -w -X main.version=${RUNC_VERSION#v} -linkmode external -extldflags -static-pie" \
			-o "$tmp/bin/runc" github.com/opencontainers/runc
	) >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log" >&2; exit 1; }
	rm -f "$tmp"/*.deb
	find "$cache" -maxdepth 1 -name 'runtime-*' ! -name "runtime-$runtime_key" -exec rm -rf {} + # older runtimes
	mv "$tmp" "$runtime_dir"
	log "runtime cached: $runtime_dir"
fi
# <<< runtime

# >>> assemble
log "assembling $tag"
stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf --one-file-system "$stage"' EXIT
tar --numeric-owner --xattrs --xattrs-include='*' -C "$stage" -xf "$rootfs_tar"
install -m 0755 "$runtime_dir"/bin/containerd "$runtime_dir"/bin/containerd-shim-runc-v2 \
	"$runtime_dir"/bin/ctr "$runtime_dir"/bin/crictl "$stage/usr/local/bin/"
install -m 0755 "$runtime_dir/bin/runc" "$stage/usr/local/sbin/runc"
cp -a --no-preserve=ownership "$repo/images/node/files/." "$stage/"
chown -R 0:0 "$stage/etc/systemd/system" "$stage/usr/local" "$stage/etc/containerd" "$stage/kind" 2>/dev/null || true
s=$stage/etc/systemd/system
mkdir -p "$s/multi-user.target.wants"
ln -sf /etc/systemd/system/containerd.service "$s/multi-user.target.wants/containerd.service"
ln -sf /etc/systemd/system/kubelet.service "$s/multi-user.target.wants/kubelet.service"
# Units that would write host-wide state (sysctls, binfmt, kernel modules,
# the clock) or that make no sense in a container.
for u in systemd-sysctl.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
	proc-sys-fs-binfmt_misc.mount systemd-modules-load.service kmod-static-nodes.service \
	systemd-timesyncd.service systemd-hwdb-update.service getty.target console-getty.service \
	systemd-firstboot.service systemd-networkd-wait-online.service; do
	ln -sf /dev/null "$s/$u"
done
ln -sf /lib/systemd/systemd "$stage/sbin/init" 2>/dev/null || true
mkdir -p "$stage/etc/kubernetes/manifests" "$stage/etc/cni/net.d" "$stage/kind/manifests" "$stage/var/lib/kubelet"
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# "import --change" cannot set STOPSIGNAL, so import the bare rootfs and put
# the image config on with a one-line build FROM that local image (nothing is
# pulled).
rootfs_id=$(tar --numeric-owner --xattrs --xattrs-include='*' -C "$stage" -c . | "$provider" import -)
rm -rf "$stage"
mkdir -p "$stage"
{
	echo "FROM $rootfs_id"
	echo 'ENV container=docker'
	echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'STOPSIGNAL SIGRTMIN+3'
	echo 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/lib/systemd/systemd"]'
	echo "LABEL dev.kina.base.hash=\"$image_key\" dev.kina.base.created=\"$created\" dev.kina.base.containerd=\"$CONTAINERD_VERSION\" dev.kina.base.runc=\"$RUNC_VERSION\""
} >"$stage/Dockerfile"
if [ "$provider" = podman ]; then
	podman build --pull=never -q -t "$tag" "$stage" >"$stage/build.log" 2>&1 || { cat "$stage/build.log" >&2; exit 1; }
else
	DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$stage" >"$stage/build.log" 2>&1 || { cat "$stage/build.log" >&2; exit 1; }
fi
"$provider" rmi "$rootfs_id" >/dev/null 2>&1 || true # only untags; the layers stay with $tag
rm -rf "$stage"
trap - EXIT
# <<< assemble
"$provider" tag "$tag" kina/base:latest
prune_old_tags
log "built $tag (also tagged kina/base:latest)"
echo "$tag"
