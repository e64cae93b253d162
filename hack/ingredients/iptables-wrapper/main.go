// Command iptables-wrapper picks the iptables backend (nft or legacy) for the
// kube-proxy image the first time any iptables command runs.
//
// The image unpacks Debian's iptables package without running its
// maintainer scripts, so the alternatives links /usr/sbin/iptables,
// ip6tables and their -save/-restore forms do not exist. The build points
// all six at this program instead. On first use it:
//
//  1. looks for the chains Kubernetes components leave as a hint
//     (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY) in the mangle table, first
//     through nft, then through legacy;
//  2. failing that, counts the rules each backend already has and picks the
//     one with more, preferring nft on a tie;
//  3. re-points the six links at xtables-<mode>-multi, so later calls skip
//     the wrapper, and re-executes itself as the real command.
//
// If the links cannot be rewritten (read-only root filesystem) the chosen
// backend is still executed; detection then simply runs again next time.
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

const sbin = "/usr/sbin"

// commands are the names the wrapper is installed under.
var commands = []string{
	"iptables", "iptables-save", "iptables-restore",
	"ip6tables", "ip6tables-save", "ip6tables-restore",
}

// hintChains are created by kubelet/kube-proxy to mark the backend in use.
var hintChains = []string{"KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY"}

func main() {
	name := filepath.Base(os.Args[0])
	if !isCommand(name) {
		fmt.Fprintf(os.Stderr, "iptables-wrapper: must be invoked as one of %s, not %q\n",
			strings.Join(commands, ", "), name)
		os.Exit(2)
	}

	mode := detectMode()
	multi := filepath.Join(sbin, "xtables-"+mode+"-multi")
	if err := relink(multi); err != nil {
		fmt.Fprintf(os.Stderr, "iptables-wrapper: using %s without relinking: %v\n", mode, err)
	}

	// xtables-*-multi dispatches on argv[0], so keep the invoked name.
	argv := append([]string{name}, os.Args[1:]...)
	err := syscall.Exec(multi, argv, os.Environ())
	fmt.Fprintf(os.Stderr, "iptables-wrapper: exec %s: %v\n", multi, err)
	os.Exit(1)
}

func isCommand(name string) bool {
	for _, c := range commands {
		if c == name {
			return true
		}
	}
	return false
}

// detectMode returns "nft" or "legacy".
func detectMode() string {
	for _, mode := range []string{"nft", "legacy"} {
		for _, family := range []string{"iptables", "ip6tables"} {
			if hasHint(save(mode, family, "-t", "mangle")) {
				return mode
			}
		}
	}
	legacy := countRules(save("legacy", "iptables")) + countRules(save("legacy", "ip6tables"))
	nft := countRules(save("nft", "iptables")) + countRules(save("nft", "ip6tables"))
	if legacy > nft {
		return "legacy"
	}
	return "nft"
}

// save runs e.g. iptables-nft-save and returns its output; errors (missing
// kernel modules, no permission) count as "no rules".
func save(mode, family string, args ...string) []byte {
	cmd := exec.Command(filepath.Join(sbin, family+"-"+mode+"-save"), args...)
	// Explicit stdin/stderr: a nil value makes os/exec open /dev/null, which
	// may be absent in a minimal root filesystem.
	cmd.Stdin = bytes.NewReader(nil)
	cmd.Stderr = new(bytes.Buffer)
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	return out
}

func hasHint(out []byte) bool {
	for _, line := range bytes.Split(out, []byte("\n")) {
		for _, chain := range hintChains {
			if bytes.HasPrefix(line, []byte(":"+chain+" ")) {
				return true
			}
		}
	}
	return false
}

// countRules counts rule lines ("-A ...") in iptables-save output.
func countRules(out []byte) int {
	n := 0
	for _, line := range bytes.Split(out, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("-")) {
			n++
		}
	}
	return n
}

// relink atomically points every wrapped command at target.
func relink(target string) error {
	for _, c := range commands {
		link := filepath.Join(sbin, c)
		tmp := link + ".iptables-wrapper.tmp"
		_ = os.Remove(tmp)
		if err := os.Symlink(filepath.Base(target), tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, link); err != nil {
			_ = os.Remove(tmp)
			return err
		}
	}
	return nil
}
