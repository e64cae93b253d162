// Package migrate finds kind's clusters on Docker and Podman, rebuilds the
// kind v1alpha4 config they were created from, and recreates them with kina.
//
// Everything is read from the node containers kind left: their labels,
// port bindings, bind mounts and environment, and from a running node the
// kubeadm config kind wrote to /kind/kubeadm.conf. What those cannot tell
// is reported, never guessed.
package migrate

import (
	"context"
	"encoding/json"

	"github.com/kina-dev/kina/pkg/provider"
)

// Runtime is a container runtime that may hold kind's nodes. kina's docker
// provider implements it for both Docker and Podman.
type Runtime interface {
	// Name is the runtime's provider name ("docker", "podman").
	Name() string
	// InspectAll returns the full inspect document of every container,
	// running or not, whose labels match every filter ("key" or "key=value").
	InspectAll(ctx context.Context, labels ...string) ([]json.RawMessage, error)
	// Exec runs a command inside a running container.
	Exec(ctx context.Context, node string, cmd provider.Cmd) error
}
