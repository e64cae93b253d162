package doctor

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/kina-dev/kina/internal/run"
)

// Thresholds for a small cluster: one control plane and one worker at the
// default sizes need about 4 GiB and 4 CPUs.
const (
	minCPUs     = 4
	minMemoryMB = 8192
	minFreeMB   = 4096
)

func hostFindings(ctx context.Context, env Env) []Finding {
	var fs []Finding
	if env.GOOS == "darwin" {
		fs = append(fs, macOSFinding(ctx, env))
	}
	cpus, totalMB, freeMB := hostSize(ctx, env)
	cpu := Finding{Check: "cpus", Status: OK, Detail: fmt.Sprintf("%d CPUs", cpus)}
	if cpus < minCPUs {
		cpu.Status, cpu.Fix = Warn, fmt.Sprintf("give nodes fewer CPUs, or use a host with at least %d", minCPUs)
	}
	fs = append(fs, cpu)
	mem := Finding{Check: "memory", Status: OK, Detail: fmt.Sprintf("%d MiB total, %d MiB free", totalMB, freeMB)}
	switch {
	case totalMB == 0:
		mem.Status, mem.Detail = Warn, "cannot read the host's memory"
	case totalMB < minMemoryMB:
		mem.Status, mem.Fix = Warn, fmt.Sprintf("a host with less than %d MiB fits only a single small node", minMemoryMB)
	case freeMB > 0 && freeMB < minFreeMB:
		mem.Status, mem.Fix = Warn, fmt.Sprintf("free at least %d MiB (quit applications or stop other clusters)", minFreeMB)
	}
	fs = append(fs, mem)
	return fs
}

func macOSFinding(ctx context.Context, env Env) Finding {
	out, err := run.Output(ctx, env.Runner, run.Cmd{Name: "sw_vers", Args: []string{"-productVersion"}})
	if err != nil {
		return Finding{Check: "macos", Status: Warn, Detail: fmt.Sprintf("cannot read the macOS version: %v", err)}
	}
	ver := strings.TrimSpace(string(out))
	major, _ := strconv.Atoi(strings.SplitN(ver, ".", 2)[0])
	switch {
	case major >= 26:
		return Finding{Check: "macos", Status: OK, Detail: "macOS " + ver}
	case major == 15:
		return Finding{Check: "macos", Status: Warn, Detail: "macOS " + ver + ": containers cannot reach each other; single-node clusters only",
			Fix: "upgrade to macOS 26 for multi-node clusters"}
	}
	return Finding{Check: "macos", Status: Fail, Detail: "macOS " + ver + " is not supported by Apple's container runtime",
		Fix: "use macOS 26 (or 15 for single-node clusters)"}
}

// hostSize returns CPUs, total and free memory in MiB (0 when unknown).
func hostSize(ctx context.Context, env Env) (cpus, totalMB, freeMB int) {
	cpus = runtime.NumCPU()
	if env.GOOS == "darwin" {
		if out, err := run.Output(ctx, env.Runner, run.Cmd{Name: "sysctl", Args: []string{"-n", "hw.ncpu", "hw.memsize"}}); err == nil {
			if f := strings.Fields(string(out)); len(f) == 2 {
				if n, err := strconv.Atoi(f[0]); err == nil {
					cpus = n
				}
				if b, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					totalMB = int(b >> 20)
				}
			}
		}
		if out, err := run.Output(ctx, env.Runner, run.Cmd{Name: "vm_stat"}); err == nil {
			freeMB = vmStatFreeMB(string(out))
		}
		return cpus, totalMB, freeMB
	}
	if data, err := env.ReadFile("/proc/meminfo"); err == nil {
		totalMB, freeMB = meminfoKB(string(data), "MemTotal")/1024, meminfoKB(string(data), "MemAvailable")/1024
	}
	return cpus, totalMB, freeMB
}

var (
	pageSizeRe = regexp.MustCompile(`page size of (\d+) bytes`)
	vmLineRe   = regexp.MustCompile(`(?m)^Pages (free|inactive|speculative|purgeable):\s+(\d+)\.`)
)

// vmStatFreeMB counts what macOS can hand out without swapping: free,
// inactive, speculative and purgeable pages.
func vmStatFreeMB(out string) int {
	m := pageSizeRe.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	page, _ := strconv.Atoi(m[1])
	pages := 0
	for _, l := range vmLineRe.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(l[2])
		pages += n
	}
	return int(int64(pages) * int64(page) >> 20)
}

func meminfoKB(s, key string) int {
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}
