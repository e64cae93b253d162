package apple

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// PrepStep is one command of node preparation, run over Exec.
type PrepStep struct {
	Args []string
	// Optional steps may fail: the old 6.12 kernel has no br_netfilter and no
	// ip6tables, and a node must still come up there.
	Optional bool
	// Unless is a check: when it succeeds the step is already done and is
	// skipped. It keeps the iptables rules from piling up on re-runs.
	Unless []string
}

// MSS is the TCP MSS clamp for the runtime's 1280-byte MTU: 1280 minus 60
// bytes of IPv6 and TCP headers, the value Apple's own recipe uses.
const MSS = 1220

// PrepSteps returns, in order, what a node needs once it has booted and
// before kubeadm runs. Apple's runtime has no --sysctl flag, so the sysctls
// are set from inside. iptables is called by its plain name so that the
// node's own alternative (legacy or nft, chosen by its entrypoint for the
// running kernel) is used: iptables-nft fails on the 6.12 kernel.
func PrepSteps() []PrepStep {
	steps := []PrepStep{
		{Args: []string{"sysctl", "-w", "net.ipv4.ip_forward=1"}},
		{Args: []string{"sysctl", "-w", "net.bridge.bridge-nf-call-iptables=1"}, Optional: true},
		{Args: []string{"sysctl", "-w", "net.bridge.bridge-nf-call-ip6tables=1"}, Optional: true},
	}
	for _, bin := range []string{"iptables", "ip6tables"} {
		for _, chain := range []string{"OUTPUT", "FORWARD"} {
			rule := []string{"-t", "mangle", "%s", chain, "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN",
				"-j", "TCPMSS", "--set-mss", strconv.Itoa(MSS)}
			steps = append(steps, PrepStep{
				Args:     iptablesArgv(bin, rule, "-A"),
				Unless:   iptablesArgv(bin, rule, "-C"),
				Optional: bin == "ip6tables",
			})
		}
	}
	return steps
}

func iptablesArgv(bin string, rule []string, op string) []string {
	argv := []string{bin}
	for _, a := range rule {
		if a == "%s" {
			a = op
		}
		argv = append(argv, a)
	}
	return argv
}

// Execer is the part of a provider that PrepareNode and NodeKernel need.
type Execer interface {
	Exec(ctx context.Context, node string, cmd provider.Cmd) error
}

// PrepareNode runs PrepSteps in node. Call it after the node's systemd is up
// and before kubeadm, and again after every restart: the sysctls and rules
// live in the VM's kernel and are lost when it stops.
func PrepareNode(ctx context.Context, e Execer, node string) error {
	for _, s := range PrepSteps() {
		if len(s.Unless) > 0 && e.Exec(ctx, node, provider.Cmd{Args: s.Unless}) == nil {
			continue
		}
		var stderr bytes.Buffer
		err := e.Exec(ctx, node, provider.Cmd{Args: s.Args, Stderr: &stderr})
		if err != nil && !s.Optional {
			return fmt.Errorf("prepare node %q: %s: %w", node, strings.Join(s.Args, " "), err)
		}
	}
	return nil
}

// KernelSetCommand installs the recommended kernel over an old one. Nodes
// pick it up when they are next started.
var KernelSetCommand = []string{"container", "system", "kernel", "set", "--recommended", "--force"}

// KernelReport is the verdict on a node's kernel.
type KernelReport struct {
	Release string // `uname -r`, for example 6.18.15
	// Old is set for kernels before 6.18 (the 6.12 kernel that installs made
	// with CLI 0.8 or older keep across upgrades): no nftables, no
	// br_netfilter, no VXLAN.
	Old     bool
	Warning string
	Fix     []string // command that fixes it, when Old
}

// CheckKernel judges a kernel release string.
func CheckKernel(release string) KernelReport {
	r := KernelReport{Release: strings.TrimSpace(release)}
	maj, min, ok := kernelVersion(r.Release)
	if !ok || maj > 6 || (maj == 6 && min >= 18) {
		return r
	}
	r.Old = true
	r.Fix = KernelSetCommand
	r.Warning = fmt.Sprintf("the container kernel is %s, which has no nftables, no br_netfilter and no VXLAN: iptables-nft, bridge CNIs and flannel fail, and kube-proxy must use legacy iptables. "+
		"Upgrading the CLI does not replace an installed kernel; run `%s`, then restart the nodes",
		r.Release, strings.Join(KernelSetCommand, " "))
	return r
}

func kernelVersion(release string) (int, int, bool) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(parts[0])
	minStr := parts[1]
	if i := strings.IndexFunc(minStr, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minStr = minStr[:i]
	}
	min, err2 := strconv.Atoi(minStr)
	return maj, min, err1 == nil && err2 == nil
}

// NodeKernel reads the running kernel of node with `uname -r` and judges it.
func NodeKernel(ctx context.Context, e Execer, node string) (KernelReport, error) {
	var out bytes.Buffer
	if err := e.Exec(ctx, node, provider.Cmd{Args: []string{"uname", "-r"}, Stdout: &out}); err != nil {
		return KernelReport{}, fmt.Errorf("read kernel of %q: %w", node, err)
	}
	r := CheckKernel(out.String())
	if r.Release == "" {
		return r, errors.New("uname -r printed nothing")
	}
	return r, nil
}
