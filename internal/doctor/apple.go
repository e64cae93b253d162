package doctor

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kina-dev/kina/internal/provider/apple"
)

// appleProber is the part of the Apple provider the doctor reads.
type appleProber interface {
	Probe(ctx context.Context) (apple.Probe, error)
}

// newestTested is the newest Apple CLI release kina's fixtures cover.
var newestTested = apple.Version{Major: 1, Minor: 2, Patch: 2}

func appleFindings(ctx context.Context, env Env, ap appleProber) []Finding {
	pr, err := ap.Probe(ctx)
	if err != nil {
		return nil // the runtime finding already says why
	}
	var fs []Finding
	v := pr.Version
	switch {
	case v.Unknown:
		fs = append(fs, Finding{Check: "version", Status: Warn, Detail: fmt.Sprintf("cannot read a version from %q; relying on `container run --help`", v.Raw),
			Fix: "install a release build from https://github.com/apple/container/releases"})
	case !v.AtLeast(1, 0, 0):
		fs = append(fs, Finding{Check: "version", Status: Warn, Detail: fmt.Sprintf("container %s works, but 0.x releases are no longer fixed upstream", v),
			Fix: "upgrade to 1.2.1 or newer"})
	case v.AtLeast(newestTested.Major, newestTested.Minor, newestTested.Patch+1):
		fs = append(fs, Finding{Check: "version", Status: Warn, Detail: fmt.Sprintf("container %s is newer than the newest release kina was checked against (%s)", v, newestTested),
			Fix: "if nodes misbehave, record its outputs with hack/record-apple-fixtures.sh and report them"})
	default:
		fs = append(fs, Finding{Check: "version", Status: OK, Detail: fmt.Sprintf("container %s", v)})
	}
	f := pr.Features
	feat := fmt.Sprintf("--cap-add %s, --masked-path/--read-only-path %s, --publish %s", yes(f.CapAdd), yes(f.SystemPaths), yes(f.Publish))
	fs = append(fs, Finding{Check: "features", Status: OK, Detail: feat})
	if f.Networks {
		fs = append(fs, Finding{Check: "network", Status: OK, Detail: "container networks available (macOS 26): multi-node clusters work"})
	} else {
		fs = append(fs, Finding{Check: "network", Status: Warn,
			Detail: "no `container network` command (macOS 15): containers cannot reach each other, so only single-node clusters work",
			Fix:    "upgrade to macOS 26 for multi-node clusters"})
	}
	fs = append(fs, kernelFinding(env, pr))
	return fs
}

// kernelFinding reads which kernel the runtime boots: the default kernel is
// a symlink <appRoot>/kernels/default.kernel-arm64 -> vmlinux-<release>.
// A node's `uname -r` (apple.NodeKernel) is the authoritative check; this
// one works before any node exists.
func kernelFinding(env Env, pr apple.Probe) Finding {
	root := pr.AppRoot
	if root == "" {
		root = filepath.Join(env.Home, "Library", "Application Support", "com.apple.container")
	}
	link := filepath.Join(root, "kernels", "default.kernel-arm64")
	target, err := env.Readlink(link)
	if err != nil {
		return Finding{Check: "kernel", Status: Warn, Detail: fmt.Sprintf("cannot read the default kernel (%v)", err),
			Fix: "run `container system kernel set --recommended` if `container run` says no kernel is configured"}
	}
	release := strings.TrimPrefix(filepath.Base(target), "vmlinux-")
	r := apple.CheckKernel(release)
	if r.Old {
		return Finding{Check: "kernel", Status: Warn, Detail: "default kernel " + release + ": no nftables, br_netfilter or VXLAN",
			Fix: strings.Join(r.Fix, " ") + ", then restart the nodes"}
	}
	return Finding{Check: "kernel", Status: OK, Detail: "default kernel " + release}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
