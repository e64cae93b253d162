package main

import (
	"flag"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

type rowFlags struct{ cluster, tool, topo, pair string }

func (r *rowFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.cluster, "cluster", "", "cluster name")
	fs.StringVar(&r.tool, "tool", "", "kina or kind")
	fs.StringVar(&r.topo, "topo", "", "topology label, e.g. 1n or 4n")
	fs.StringVar(&r.pair, "pair", "", "pair number")
}

func (r *rowFlags) row(metric string, value float64) string {
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%.3f", r.tool, r.topo, r.pair, metric, value)
}

func runMem(args []string) error {
	fs := flag.NewFlagSet("mem", flag.ContinueOnError)
	var r rowFlags
	r.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ps, err := exec.Command("docker", "ps", "--filter", "label=io.x-k8s.kind.cluster="+r.cluster,
		"--format", `{{.Names}}	{{.Label "io.x-k8s.kind.role"}}`).Output()
	if err != nil {
		return fmt.Errorf("docker ps: %w", err)
	}
	role := map[string]string{}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(ps)), "\n") {
		name, rl, _ := strings.Cut(line, "\t")
		if name == "" {
			continue
		}
		role[name] = rl
		names = append(names, name)
	}
	if len(names) == 0 {
		return fmt.Errorf("no running containers for cluster %s", r.cluster)
	}
	sort.Strings(names)
	out, err := exec.Command("docker", append([]string{"stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}"}, names...)...).Output()
	if err != nil {
		return fmt.Errorf("docker stats: %w", err)
	}
	rows, err := memRows(&r, string(out), role)
	if err != nil {
		return err
	}
	for _, l := range rows {
		fmt.Println(l)
	}
	return nil
}

// memRows turns `docker stats` lines ("name\t512.3MiB / 23.4GiB") into
// rows: the total, the control plane(s), the mean worker, and each node.
func memRows(r *rowFlags, stats string, role map[string]string) ([]string, error) {
	var total, cp, workers float64
	var ncp, nw int
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(stats), "\n") {
		name, usage, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("unexpected docker stats line %q", line)
		}
		used, _, _ := strings.Cut(usage, "/")
		mib, err := parseMiB(strings.TrimSpace(used))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		total += mib
		switch role[name] {
		case "control-plane":
			cp += mib
			ncp++
		case "worker":
			workers += mib
			nw++
		}
		node := strings.TrimPrefix(name, r.cluster+"-")
		rows = append(rows, r.row("mem_node:"+node, mib))
	}
	rows = append(rows, r.row("mem_total_mib", total))
	if ncp > 0 {
		rows = append(rows, r.row("mem_cp_mib", cp/float64(ncp)))
	}
	if nw > 0 {
		rows = append(rows, r.row("mem_worker_mib", workers/float64(nw)))
	}
	return rows, nil
}

// parseMiB parses docker's sizes: 512.3MiB, 1.2GiB, 900KiB, 12B, 1.5kB, 3MB.
func parseMiB(s string) (float64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1.0 / 1024}, {"MiB", 1}, {"GiB", 1024}, {"TiB", 1024 * 1024},
		{"kB", 1e3 / (1 << 20)}, {"MB", 1e6 / (1 << 20)}, {"GB", 1e9 / (1 << 20)},
		{"B", 1.0 / (1 << 20)},
	}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64)
			if err != nil {
				return 0, fmt.Errorf("memory %q: %w", s, err)
			}
			return v * u.mult, nil
		}
	}
	return 0, fmt.Errorf("memory %q: unknown unit", s)
}
