package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseMiB(t *testing.T) {
	for in, want := range map[string]float64{
		"512MiB": 512, "1.5GiB": 1536, "1024KiB": 1, "0B": 0, "1048576B": 1,
	} {
		got, err := parseMiB(in)
		if err != nil || got != want {
			t.Errorf("parseMiB(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseMiB("12 parsecs"); err == nil {
		t.Error("no error for an unknown unit")
	}
}

func TestMemRows(t *testing.T) {
	r := &rowFlags{cluster: "kb", tool: "kind", topo: "4n", pair: "1"}
	stats := "kb-control-plane\t600MiB / 23.4GiB\nkb-worker\t200MiB / 23.4GiB\nkb-worker2\t300MiB / 23.4GiB\n"
	rows, err := memRows(r, stats, map[string]string{"kb-control-plane": "control-plane", "kb-worker": "worker", "kb-worker2": "worker"})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rows, "\n")
	for _, want := range []string{
		"kind\t4n\t1\tmem_node:control-plane\t600.000",
		"kind\t4n\t1\tmem_total_mib\t1100.000",
		"kind\t4n\t1\tmem_cp_mib\t600.000",
		"kind\t4n\t1\tmem_worker_mib\t250.000",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestStepRows(t *testing.T) {
	in := `Creating cluster "kb-kina-4n" ...
 ✓ Preparing nodes (3.21s)
 ✓ Start kb-kina-4n-worker2 (450ms)
 ✓ Waiting ≤ 3m0s for nodes to be Ready (1m2.5s)
 ✗ Broken (1s)
 • Ready after 12s
`
	r := &rowFlags{cluster: "kb-kina-4n", tool: "kina", topo: "4n", pair: "2"}
	rows, err := stepRows(r, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"kina\t4n\t2\tstep:Preparing nodes\t3.210",
		"kina\t4n\t2\tstep:Start <name>-worker2\t0.450",
		"kina\t4n\t2\tstep:Waiting ≤ 3m0s for nodes to be Ready\t62.500",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

func TestReport(t *testing.T) {
	in := `kina	1n	1	create_s	10
kind	1n	1	create_s	20
kina	1n	2	create_s	12
kind	1n	2	create_s	30
kina	1n	3	create_s	11
kind	1n	3	create_s	25
kina	1n	1	step:Preparing nodes	2
kina	1n	2	step:Preparing nodes	4
kind	4n	1	failed:create	1
`
	rs, err := readResults(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	report(&b, rs)
	out := b.String()
	for _, want := range []string{
		"| create: until the command returns (s) | 1 node | 11.0 | 25.0 | 0.44 | 10.0, 12.0, 11.0 | 20.0, 30.0, 25.0 |",
		"| Preparing nodes | 3.00 | – |",
		"- kind, 1 cp + 3 workers, pair 1: create failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
