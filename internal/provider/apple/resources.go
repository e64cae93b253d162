package apple

import (
	"context"
	"runtime"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/internal/run"
)

// HostResources is the size of the Mac.
type HostResources struct {
	CPUs     int
	MemoryMB int
}

// Default node sizes, following Apple's own `container k8s` plugin: a
// quarter of the host's CPUs (at least 2) and a quarter of its memory (at
// least 2 GiB). Each node is its own VM, and memory the guest frees is not
// returned to macOS until the VM stops, so the defaults stay modest. A
// load balancer only runs haproxy.
const (
	minNodeCPUs     = 2
	minNodeMemoryMB = 2048
	lbCPUs          = 1
	lbMemoryMB      = 512 // the runtime's floor is 200 MiB
)

// DefaultNodeResources returns the CPUs and memory (MiB) for a node whose
// spec leaves them at zero.
func DefaultNodeResources(h HostResources, loadBalancer bool) (cpus, memoryMB int) {
	if loadBalancer {
		return lbCPUs, lbMemoryMB
	}
	return max(minNodeCPUs, h.CPUs/4), max(minNodeMemoryMB, h.MemoryMB/4)
}

// hostResources asks macOS for its size (sysctl hw.ncpu and hw.memsize);
// when that fails it falls back to Go's CPU count and the minimum memory.
func (p *Provider) hostResources(ctx context.Context) HostResources {
	if p.opts.host != nil {
		return *p.opts.host
	}
	h := HostResources{CPUs: runtime.NumCPU()}
	if out, err := run.Output(ctx, p.r, run.Cmd{Name: "sysctl", Args: []string{"-n", "hw.ncpu", "hw.memsize"}}); err == nil {
		f := strings.Fields(string(out))
		if len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 0 {
				h.CPUs = n
			}
			if b, err := strconv.ParseInt(f[1], 10, 64); err == nil && b > 0 {
				h.MemoryMB = int(b >> 20)
			}
		}
	}
	return h
}
