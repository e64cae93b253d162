// Package provider is the seam between kina's cluster logic and a container
// runtime (Apple's container CLI, Docker, Podman). A provider translates plain
// requests into runtime commands; it never plans a cluster. It must not import
// anything from kina's internal packages except internal/run.
package provider

import (
	"context"
	"errors"
	"io"
)

// Labels kina puts on every node container. The keys are kind's, so tools that
// know kind's nodes also understand kina's.
const (
	LabelCluster = "io.x-k8s.kind.cluster"
	LabelRole    = "io.x-k8s.kind.role"
	// LabelOwner tells kina's nodes from kind's when both share a runtime.
	LabelOwner = "dev.kina.owner"
	OwnerKina  = "kina"
)

// Node roles, spelled as kind spells them in the role label.
const (
	RoleControlPlane = "control-plane"
	RoleWorker       = "worker"
	RoleLoadBalancer = "external-load-balancer"
)

// Sentinel errors providers wrap so callers can branch without parsing text.
var (
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists is a name collision: a container (or network) with
	// that name is already there.
	ErrAlreadyExists = errors.New("already exists")
	ErrUnavailable   = errors.New("container runtime unavailable")
	ErrUnsupported   = errors.New("not supported by this runtime")
)

// Provider drives one container runtime. Every method is safe for concurrent use.
type Provider interface {
	// Info describes the runtime and what it can do.
	Info(ctx context.Context) (Info, error)
	// EnsureNetwork creates the network if it does not exist.
	EnsureNetwork(ctx context.Context, spec NetworkSpec) error
	// DeleteNetwork removes a network; a missing network is not an error.
	DeleteNetwork(ctx context.Context, name string) error
	// CreateNode creates and starts one node container.
	CreateNode(ctx context.Context, spec NodeSpec) error
	// ListNodes lists node containers (running or not) whose labels include
	// all of the given ones.
	ListNodes(ctx context.Context, labels map[string]string) ([]Node, error)
	// DeleteNodes removes containers with their anonymous volumes; missing
	// ones are not an error.
	DeleteNodes(ctx context.Context, names ...string) error
	// Exec runs a command inside a running node.
	Exec(ctx context.Context, node string, cmd Cmd) error
	// NodeAddresses returns the node's current IPv4 and IPv6 addresses on its
	// network. They are looked up every time: some runtimes change them on restart.
	NodeAddresses(ctx context.Context, node string) (ipv4, ipv6 string, err error)
	// HostPort returns the host address and port that a published container
	// port (TCP) is reachable at.
	HostPort(ctx context.Context, node string, containerPort int) (host string, port int, err error)
	// Logs writes the container's own log (the console of PID 1) to w.
	Logs(ctx context.Context, node string, w io.Writer) error
	// SaveImages writes the named images from the runtime's image store to w
	// as one OCI/docker archive.
	SaveImages(ctx context.Context, w io.Writer, images ...string) error
}

// Info is what a provider reports about its runtime.
type Info struct {
	Name    string // "docker", "podman", "apple"
	Version string // the runtime CLI's version
	// Restricted is true when nodes cannot be fully privileged (no
	// CAP_SYS_RESOURCE, as on some CI hosts); nodes then run with an explicit
	// capability set instead.
	Restricted bool
	// Rootless runtimes cannot publish ports below 1024 and need user-namespace
	// settings in kubelet.
	Rootless bool
	// StableAddresses is false when node IPs may change across restarts.
	StableAddresses bool
	// PublishesPorts is false when the runtime cannot map host ports.
	PublishesPorts bool
}

// NetworkSpec describes the network the nodes of a cluster share.
type NetworkSpec struct {
	Name string
	IPv6 bool
}

// NodeSpec is everything a provider needs to create one node container.
type NodeSpec struct {
	Name     string
	Image    string
	Network  string
	Labels   map[string]string
	Env      map[string]string
	Ports    []PortMapping
	Mounts   []Mount
	CPUs     int // 0 = runtime default
	MemoryMB int // 0 = runtime default
	// LoadBalancer nodes are plain containers, not systemd nodes.
	LoadBalancer bool
	// Entrypoint, when set, replaces the image's entrypoint (for load balancers).
	Entrypoint string
	// Command overrides the image's command (for load balancers).
	Command []string
}

// PortMapping publishes a container port on the host.
type PortMapping struct {
	ListenAddress string // "" = 0.0.0.0
	HostPort      int    // 0 = pick a free port
	ContainerPort int
	Protocol      string // "TCP", "UDP" or "SCTP"; "" = TCP
}

// Mount binds a host path into the node.
type Mount struct {
	HostPath       string
	ContainerPath  string
	ReadOnly       bool
	SELinuxRelabel bool
	Propagation    string // "", "None", "HostToContainer", "Bidirectional"
}

// Node is a node container as the runtime reports it.
type Node struct {
	Name    string
	Cluster string
	Role    string
	Image   string
	Running bool
	Labels  map[string]string
}

// Cmd is a command to run inside a node. Args[0] is the program.
type Cmd struct {
	Args   []string
	Env    []string // KEY=VALUE
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}
