// Package kubeadm renders the kubeadm configuration file for one kina node
// and applies kind-style kubeadmConfigPatches to it.
//
// It is pure: nothing here touches a node or the host. The create pipeline
// reads /kind/version from the node, fills a Config, calls Build (or
// Render, Patch and StripMetadata in turn), writes the result to the node
// and runs
//
//	kubeadm init --config=<file> --skip-token-print --v=6   (bootstrap node)
//	kubeadm join --config=<file> --v=6                      (every other node)
//
// The file uses kubeadm.k8s.io/v1beta3 for Kubernetes up to 1.35 and
// v1beta4 from 1.36, as kind does, so the same kubeadmConfigPatches mean
// the same thing under kina and kind. Both versions carry skipPhases in
// InitConfiguration and JoinConfiguration, so no --skip-phases or
// --ignore-preflight-errors flag is needed.
package kubeadm
