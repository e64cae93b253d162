package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

type metricInfo struct {
	key, label, format string
	noRatio            bool // a condition of the run, not a result
}

var metrics = []metricInfo{
	{"create_s", "create: until the command returns (s)", "%.1f", false},
	{"ready_s", "create: until all nodes Ready + coredns Available (s)", "%.1f", false},
	{"load_s", "load image-archive into every node (s)", "%.1f", false},
	{"delete_s", "delete (s)", "%.1f", false},
	{"mem_total_mib", "memory, all node containers (MiB)", "%.0f", false},
	{"mem_cp_mib", "memory, control-plane node (MiB)", "%.0f", false},
	{"mem_worker_mib", "memory, per worker node, mean (MiB)", "%.0f", false},
	{"load1_start", "host load average (1 min) when create started", "%.1f", true},
}

var topoLabels = map[string]string{"1n": "1 node", "4n": "1 cp + 3 workers"}

type result struct {
	tool, topo, pair, metric string
	value                    float64
}

func readResults(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 tab-separated fields: %q", n, line)
		}
		v, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, result{f[0], f[1], f[2], f[3], v})
	}
	return out, sc.Err()
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func runReport(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "", "results file (tab-separated rows)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	rs, err := readResults(f)
	if err != nil {
		return err
	}
	report(w, rs)
	return nil
}

// report writes the Markdown tables.
func report(w io.Writer, rs []result) {
	var topos []string
	vals := map[string][]float64{} // tool|topo|metric
	pairs := map[string]map[string]bool{}
	var failures []string
	for _, r := range rs {
		if !contains(topos, r.topo) {
			topos = append(topos, r.topo)
		}
		if strings.HasPrefix(r.metric, "failed:") {
			failures = append(failures, fmt.Sprintf("%s, %s, pair %s: %s failed", r.tool, topoLabel(r.topo), r.pair, strings.TrimPrefix(r.metric, "failed:")))
			continue
		}
		k := r.tool + "|" + r.topo + "|" + r.metric
		vals[k] = append(vals[k], r.value)
		if pairs[r.tool+"|"+r.topo] == nil {
			pairs[r.tool+"|"+r.topo] = map[string]bool{}
		}
		pairs[r.tool+"|"+r.topo][r.pair] = true
	}

	fmt.Fprintln(w, "| measure | cluster | kina (median) | kind (median) | kina/kind | kina runs | kind runs |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---|")
	for _, m := range metrics {
		for _, t := range topos {
			a, b := vals["kina|"+t+"|"+m.key], vals["kind|"+t+"|"+m.key]
			if len(a) == 0 && len(b) == 0 {
				continue
			}
			cell := func(v []float64) string {
				if len(v) == 0 {
					return "–"
				}
				return fmt.Sprintf(m.format, median(v))
			}
			ratio := "–"
			if len(a) > 0 && len(b) > 0 && median(b) > 0 && !m.noRatio {
				ratio = fmt.Sprintf("%.2f", median(a)/median(b))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", m.label, topoLabel(t), cell(a), cell(b), ratio, samples(a, m.format), samples(b, m.format))
		}
	}

	// kina's own steps, in the order they first appear.
	var steps []string
	for _, r := range rs {
		if r.tool == "kina" && strings.HasPrefix(r.metric, "step:") && !contains(steps, r.metric) {
			steps = append(steps, r.metric)
		}
	}
	if len(steps) > 0 {
		fmt.Fprintln(w)
		fmt.Fprint(w, "| kina step (median s) |")
		for _, t := range topos {
			fmt.Fprintf(w, " %s |", topoLabel(t))
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, "|---|")
		for range topos {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprintln(w)
		for _, s := range steps {
			fmt.Fprintf(w, "| %s |", strings.TrimPrefix(s, "step:"))
			for _, t := range topos {
				if v := vals["kina|"+t+"|"+s]; len(v) > 0 {
					fmt.Fprintf(w, " %.2f |", median(v))
				} else {
					fmt.Fprint(w, " – |")
				}
			}
			fmt.Fprintln(w)
		}
	}
	if len(failures) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Failed runs (left out of the medians):")
		fmt.Fprintln(w)
		for _, f := range failures {
			fmt.Fprintln(w, "- "+f)
		}
	}
}

func topoLabel(t string) string {
	if l, ok := topoLabels[t]; ok {
		return l
	}
	return t
}

func samples(v []float64, format string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(s, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
