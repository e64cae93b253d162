//go:build tools

// Package runtime pins the node's container runtime, built from the Go module
// proxy by images/base/build.sh: containerd, runc and crictl at the versions
// kind's base image uses. It is its own module so that these trees never
// touch kina's go.mod.
package runtime

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
	_ "github.com/opencontainers/runc"
	_ "sigs.k8s.io/cri-tools/cmd/crictl"
)
