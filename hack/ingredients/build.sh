#!/usr/bin/env bash
# Builds the ingredients of kina's node image offline, from the Go module
# proxy and the Debian mirror only: kubeadm/kubelet/kubectl and the container
# images kubeadm (and kina's storage addon) need, as docker-archive tarballs.
#
# Usage: hack/ingredients/build.sh [-f]     (-f: rebuild even if up to date)
#
# Output (a contract other kina code relies on):
#   $KINA_CACHE_DIR/ingredients/kubernetes-v1.34.4/
#     bin/{kubeadm,kubelet,kubectl}   static binaries
#     images/*.tar                    docker-archives, one image each
#     manifest.txt                    "TAG images/FILE.tar" per line
#     version                         "v1.34.4"
#     debian-packages.txt             Debian packages used, name=version
#     stamp                           sha256 of every input; when it matches,
#                                     the script exits without rebuilding
# KINA_CACHE_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/kina. Go's
# default GOCACHE/GOMODCACHE are used, so caches are shared with other builds.
set -euo pipefail

# ---- versions (kubeadm v1.34.4 pins etcd, coredns and pause: see
# cmd/kubeadm/app/constants/constants.go in the module zip) ----
K8S_VERSION=v1.34.4
K8S_BUILD_DATE=2026-02-10T12:53:36Z # release time from the proxy's .info
ETCD_VERSION=v3.6.5
ETCD_IMAGE_TAG=3.6.5-0
COREDNS_VERSION=v1.12.1
PAUSE_VERSION=3.10.1
LOCALPATH_VERSION=v0.0.30
LOCALPATH_IMAGE=docker.io/kindest/local-path-provisioner:${LOCALPATH_VERSION}-kina
LOCALPATH_HELPER_IMAGE=docker.io/kindest/local-path-helper:${LOCALPATH_VERSION}-kina
# Debian packages: the kube-proxy userland (closure computed by apt), the
# static busybox for the local-path helper, and CA roots for coredns.
KUBE_PROXY_DEBS=(iptables nftables conntrack)
OTHER_DEBS=(busybox-static ca-certificates)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE_ROOT=${KINA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kina}
OUT=$CACHE_ROOT/ingredients/kubernetes-$K8S_VERSION
FORCE=0
[[ ${1:-} == -f ]] && FORCE=1

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly -trimpath"

die() { echo "build.sh: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
T0=$(now)
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
STEP_T=
step() { STEP_T=$(now); echo "==> $*"; }
done_step() { echo "    done ($(elapsed "$STEP_T"))"; }

need() { # need TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2' (apt-get install $2)"
}
need go "golang (or Go >= 1.24 from go.dev in PATH)"
need gcc gcc
need strip binutils
need apt-get apt
need apt-cache apt
need dpkg-deb dpkg
need sha256sum coreutils
need chroot coreutils
need flock util-linux
[[ -e /usr/lib/x86_64-linux-gnu/libc.a ]] || die "static libc missing; install the Debian package 'libc6-dev'"
[[ $(uname -m) == x86_64 ]] || die "only linux/amd64 hosts are supported for now"

# ---- Debian package set: dependency closure, then candidate versions ----
resolve_debs() {
	local pkgs
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "${KUBE_PROXY_DEBS[@]}" 2>/dev/null |
		grep -v '^ ' | grep -v '^<' | sort -u) || true
	[[ -n $pkgs ]] || die "apt-cache cannot resolve ${KUBE_PROXY_DEBS[*]}; run 'apt-get update'"
	local resolved p
	# shellcheck disable=SC2086
	resolved=$(apt-cache policy $pkgs "${OTHER_DEBS[@]}" |
		awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) } /^  Candidate: / && $2 != "(none)" { print p "=" $2 }' |
		sort -u)
	for p in $pkgs "${OTHER_DEBS[@]}"; do
		grep -q "^$p=" <<<"$resolved" || die "no installable version of Debian package $p; run 'apt-get update'"
	done
	echo "$resolved"
}
DEBS=$(resolve_debs)

# ---- stamp: hash of every input ----
compute_stamp() {
	(
		cd "$REPO"
		echo "k8s=$K8S_VERSION etcd=$ETCD_VERSION coredns=$COREDNS_VERSION pause=$PAUSE_VERSION localpath=$LOCALPATH_VERSION"
		go version
		gcc --version | head -1
		echo "$DEBS"
		grep -h 'go-containerregistry ' go.mod go.sum
		find hack/ingredients hack/tools/mkimage -type f \( -name '*.go' -o -name '*.sh' -o -name go.mod -o -name go.sum \) \
			! -name '*_test.go' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
	) | sha256sum | cut -d' ' -f1
}
STAMP=$(compute_stamp)
if [[ $FORCE == 0 && -f $OUT/stamp && $(cat "$OUT/stamp") == "$STAMP" ]]; then
	echo "ingredients for Kubernetes $K8S_VERSION are up to date in $OUT ($(elapsed "$T0"))"
	exit 0
fi

mkdir -p "$CACHE_ROOT/ingredients"
exec 9>"$CACHE_ROOT/ingredients/.lock"
flock 9 || die "cannot lock $CACHE_ROOT/ingredients/.lock"

STAGE=$CACHE_ROOT/ingredients/.build-kubernetes-$K8S_VERSION
W=$STAGE/work
rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$STAGE/images" "$W/bin" "$W/debs"
echo "building ingredients for Kubernetes $K8S_VERSION into $OUT"

# ---- Kubernetes: 7 binaries, in the background (the long part) ----
k8s_ldflags() {
	local ld="" pkg minor=${K8S_VERSION#v1.}
	minor=${minor%%.*}
	for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
		ld+=" -X '$pkg.gitVersion=$K8S_VERSION' -X '$pkg.gitMajor=1' -X '$pkg.gitMinor=$minor'"
		ld+=" -X '$pkg.gitCommit=' -X '$pkg.gitTreeState=clean' -X '$pkg.buildDate=$K8S_BUILD_DATE'"
	done
	echo "all=$ld -s -w"
}
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubeadm kubectl)
step "kubernetes $K8S_VERSION: building ${K8S_CMDS[*]} (background, log: $W/k8s-build.log)"
K8S_T=$STEP_T
(
	cd "$HERE/modules/kubernetes"
	exec go build -tags selinux,notest,grpcnotrace -ldflags "$(k8s_ldflags)" -o "$W/bin/" \
		"${K8S_CMDS[@]/#/k8s.io/kubernetes/cmd/}"
) >"$W/k8s-build.log" 2>&1 &
K8S_PID=$!
trap 'kill $K8S_PID 2>/dev/null || true' EXIT

gobuild() { # gobuild MODULE_DIR OUT LDFLAGS PKG
	(cd "$1" && go build -ldflags "$3" -o "$2" "$4") || die "go build $4 (in ${1#"$REPO"/}) failed"
}

step "mkimage"
gobuild "$REPO" "$W/mkimage" "-s -w" ./hack/tools/mkimage
done_step

step "etcd $ETCD_VERSION"
gobuild "$HERE/modules/etcd" "$W/bin/etcd" "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" go.etcd.io/etcd/server/v3
gobuild "$HERE/modules/etcd" "$W/bin/etcdctl" "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" go.etcd.io/etcd/etcdctl/v3
done_step

step "coredns $COREDNS_VERSION (slim plugin set)"
gobuild "$HERE/modules/coredns" "$W/bin/coredns" "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" .
done_step

step "local-path-provisioner $LOCALPATH_VERSION"
gobuild "$HERE/modules/localpath" "$W/bin/local-path-provisioner" "-s -w -X main.VERSION=$LOCALPATH_VERSION" github.com/rancher/local-path-provisioner
done_step

step "iptables-wrapper"
gobuild "$HERE/iptables-wrapper" "$W/bin/iptables-wrapper" "-s -w" .
done_step

step "pause $PAUSE_VERSION (gcc -static, upstream build/pause/linux/pause.c)"
K8S_SRC=$(cd "$HERE/modules/kubernetes" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
	awk -F'"' '/"Dir":/ { print $4 }')
[[ -f $K8S_SRC/build/pause/linux/pause.c ]] || die "pause.c not found in the k8s.io/kubernetes module ($K8S_SRC)"
gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-kina" -o "$W/bin/pause" "$K8S_SRC/build/pause/linux/pause.c" ||
	die "gcc failed building pause (is libc6-dev installed?)"
strip "$W/bin/pause"
done_step

step "debian packages ($(echo "$DEBS" | wc -l) debs)"
echo "$DEBS" >"$STAGE/debian-packages.txt"
# shellcheck disable=SC2046
(cd "$W/debs" && apt-get download -q $(echo "$DEBS") >/dev/null 2>"$W/apt.log") ||
	die "apt-get download failed: $(tail -3 "$W/apt.log")"
extract() { # extract ROOT PKG...
	local root=$1 p
	shift
	mkdir -p "$root"
	for p in "$@"; do
		dpkg-deb -x "$W/debs/${p}_"*.deb "$root" || die "dpkg-deb -x $p failed"
	done
}
# kube-proxy userland: every package except the two extras.
mapfile -t PROXY_PKGS < <(echo "$DEBS" | cut -d= -f1 | grep -vxF -e busybox-static -e ca-certificates)
PROXY_ROOT=$W/kube-proxy-root
extract "$PROXY_ROOT" "${PROXY_PKGS[@]}"
# Merge /bin, /sbin, /lib, /lib64 into /usr like Debian's usrmerge does.
for d in bin sbin lib lib64; do
	if [[ -d $PROXY_ROOT/$d && ! -L $PROXY_ROOT/$d ]]; then
		mkdir -p "$PROXY_ROOT/usr/$d"
		cp -a "$PROXY_ROOT/$d/." "$PROXY_ROOT/usr/$d/"
		rm -rf "${PROXY_ROOT:?}/$d"
	fi
	[[ -e $PROXY_ROOT/usr/$d ]] && ln -sfn "usr/$d" "$PROXY_ROOT/$d"
done
rm -rf "$PROXY_ROOT"/usr/share/{doc,man,info,locale,lintian,bug,bash-completion} \
	"$PROXY_ROOT"/usr/lib/x86_64-linux-gnu/gconv "$PROXY_ROOT"/usr/libexec/getconf
# iptables-legacy needs /run for /run/xtables.lock (kubeadm's DaemonSet
# mounts the host's lock file there, but the directory must exist without it).
mkdir -p "$PROXY_ROOT/run"
# The alternatives links update-alternatives would create point at the
# wrapper, which picks nft or legacy on first use.
install -m 0755 "$W/bin/iptables-wrapper" "$PROXY_ROOT/usr/sbin/iptables-wrapper"
for c in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
	ln -sfn iptables-wrapper "$PROXY_ROOT/usr/sbin/$c"
done
# CA bundle, concatenated like update-ca-certificates does (sorted, Mozilla set).
extract "$W/ca-root" ca-certificates
find "$W/ca-root/usr/share/ca-certificates/mozilla" -name '*.crt' -print0 | LC_ALL=C sort -z |
	xargs -0 cat >"$W/ca-certificates.crt"
# Static busybox for the local-path helper, every applet as a symlink in /bin.
extract "$W/busybox-root" busybox-static
HELPER_ROOT=$W/helper-root
mkdir -p "$HELPER_ROOT/bin"
install -m 0755 "$W/busybox-root/bin/busybox" "$HELPER_ROOT/bin/busybox"
for a in $("$HELPER_ROOT/bin/busybox" --list); do
	[[ $a == busybox ]] || ln -s busybox "$HELPER_ROOT/bin/$a"
done
[[ -L $HELPER_ROOT/bin/sh && -L $HELPER_ROOT/bin/mkdir ]] || die "busybox lacks sh/mkdir applets"
done_step

# ---- wait for Kubernetes ----
step "waiting for the kubernetes build"
if ! wait "$K8S_PID"; then
	tail -20 "$W/k8s-build.log" >&2
	die "kubernetes build failed (full log: $W/k8s-build.log)"
fi
trap - EXIT
echo "    kubernetes binaries took $(elapsed "$K8S_T") in total"
install -D -m 0755 "$W/bin/kube-proxy" "$PROXY_ROOT/usr/local/bin/kube-proxy"
for b in kubeadm kubelet kubectl; do
	install -m 0755 "$W/bin/$b" "$STAGE/bin/$b"
done
done_step

# ---- check binaries before packaging ----
step "checking versions"
check() { # check WANT CMD...
	local out
	out=$("${@:2}" 2>&1) || die "'${*:2}' failed: $out"
	[[ $out == *"$1"* ]] || die "'${*:2}' printed '$out', want '$1'"
}
check "$K8S_VERSION" "$STAGE/bin/kubeadm" version -o short
check "Kubernetes $K8S_VERSION" "$STAGE/bin/kubelet" --version
check "gitVersion\": \"$K8S_VERSION\"" "$STAGE/bin/kubectl" version --client -o json
for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
	check "Kubernetes $K8S_VERSION" "$W/bin/$b" --version
done
check "etcd Version: ${ETCD_VERSION#v}" "$W/bin/etcd" --version
check "etcdctl version: ${ETCD_VERSION#v}" "$W/bin/etcdctl" version
check "CoreDNS-${COREDNS_VERSION#v}" "$W/bin/coredns" -version
check "v$PAUSE_VERSION" "$W/bin/pause" -v
# The kube-proxy userland must run from its own root (all libraries present).
check "nf_tables" chroot "$PROXY_ROOT" /usr/sbin/xtables-nft-multi iptables --version
check "legacy" chroot "$PROXY_ROOT" /usr/sbin/xtables-legacy-multi iptables --version
check "nftables" chroot "$PROXY_ROOT" /usr/sbin/nft --version
check "conntrack" chroot "$PROXY_ROOT" /usr/sbin/conntrack --version
check "Kubernetes $K8S_VERSION" chroot "$PROXY_ROOT" /usr/local/bin/kube-proxy --version
done_step

# ---- images ----
MANIFEST=$STAGE/manifest.txt
: >"$MANIFEST"
image() { # image FILE TAG MKIMAGE-FLAGS...
	local file=$1 tag=$2
	shift 2
	"$W/mkimage" -tag "$tag" -out "$STAGE/images/$file" "$@" || die "mkimage $tag failed"
	echo "$tag images/$file" >>"$MANIFEST"
	printf '    %-56s images/%s (%s)\n' "$tag" "$file" "$(du -h "$STAGE/images/$file" | cut -f1)"
}
step "images"
for b in kube-apiserver kube-controller-manager kube-scheduler; do
	netbind=""
	[[ $b == kube-apiserver ]] && netbind=":netbind" # as upstream's setcap
	image "$b.tar" "registry.k8s.io/$b:$K8S_VERSION" \
		-add "$W/bin/$b=/usr/local/bin/$b:0755$netbind" -entrypoint "/usr/local/bin/$b"
done
image kube-proxy.tar "registry.k8s.io/kube-proxy:$K8S_VERSION" \
	-add-dir "$PROXY_ROOT=/" -entrypoint /usr/local/bin/kube-proxy
image etcd.tar "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" \
	-add "$W/bin/etcd=/usr/local/bin/etcd:0755" -add "$W/bin/etcdctl=/usr/local/bin/etcdctl:0755" \
	-entrypoint /usr/local/bin/etcd
image coredns.tar "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" \
	-add "$W/bin/coredns=/coredns:0755:netbind" -add "$W/ca-certificates.crt=/etc/ssl/certs/ca-certificates.crt:0644" \
	-user 65532:65532 -entrypoint /coredns
image pause.tar "registry.k8s.io/pause:$PAUSE_VERSION" \
	-add "$W/bin/pause=/pause:0755" -user 65535:65535 -entrypoint /pause
image local-path-provisioner.tar "$LOCALPATH_IMAGE" \
	-add "$W/bin/local-path-provisioner=/usr/bin/local-path-provisioner:0755" -cmd local-path-provisioner
image local-path-helper.tar "$LOCALPATH_HELPER_IMAGE" \
	-add-dir "$HELPER_ROOT=/" -cmd sh
done_step

# ---- publish ----
echo "$K8S_VERSION" >"$STAGE/version"
echo "$STAMP" >"$STAGE/stamp"
rm -rf "$W"
# Swap in the new tree; the old one is parked under a dot name so that a
# glob like kubernetes-v* never sees a half-replaced directory.
OLD=$CACHE_ROOT/ingredients/.old-kubernetes-$K8S_VERSION
rm -rf "$OLD"
if [[ -e $OUT ]]; then mv "$OUT" "$OLD"; fi
mv "$STAGE" "$OUT"
rm -rf "$OLD"
echo "ingredients for Kubernetes $K8S_VERSION ready in $OUT ($(du -sh "$OUT" | cut -f1), total $(elapsed "$T0"))"
