package kubeconfig

import (
	"os"
	"path/filepath"
	"runtime"
)

// Prefix starts every kubeconfig entry name kina writes.
const Prefix = "kina-"

// ContextName is the cluster, user and context name for a kina cluster.
func ContextName(cluster string) string { return Prefix + cluster }

// Paths lists the kubeconfig files to consider, by kubectl's rules: the
// --kubeconfig value alone if given; else the $KUBECONFIG list (OS path-list
// separator, empty and repeated entries dropped); else $HOME/.kube/config.
func Paths(explicit string, env func(string) string) []string {
	if explicit != "" {
		return []string{explicit}
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range filepath.SplitList(env("KUBECONFIG")) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) > 0 {
		return out
	}
	return []string{filepath.Join(homeDir(env), ".kube", "config")}
}

func homeDir(env func(string) string) string {
	if runtime.GOOS == "windows" && env("HOME") == "" {
		return env("USERPROFILE")
	}
	return env("HOME")
}

// MergeTarget picks the file of paths that new entries go to, as kubectl
// does: the first that exists, or the last when none does.
func MergeTarget(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return paths[len(paths)-1]
}
