// Command benchtool is the measuring half of bench/compare.sh, which runs
// kina and kind side by side. Its subcommands:
//
//	benchtool wait  -kubeconfig F -context C -nodes N -start UNIXSEC [-timeout D]
//	    waits until F holds context C, then polls the API server (every
//	    200 ms) until N nodes are Ready and deployment kube-system/coredns is
//	    Available; prints the seconds since -start, or "timeout".
//	benchtool mem   -cluster NAME -tool T -topo X -pair I
//	    prints the memory of each node container of the cluster
//	    (docker stats --no-stream) as result rows.
//	benchtool steps -cluster NAME -tool T -topo X -pair I  < kina's stderr
//	    turns kina's progress lines (" ✓ Step (1.23s)") into result rows.
//	benchtool report -in RESULTS [-pairs N]
//	    prints Markdown tables: medians per tool, ratio kina/kind, samples,
//	    and kina's per-step medians.
//
// Result rows are tab-separated: tool, topology, pair, metric, value.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtool wait|mem|steps|report [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "wait":
		err = runWait(os.Args[2:])
	case "mem":
		err = runMem(os.Args[2:])
	case "steps":
		err = runSteps(os.Args[2:], os.Stdin, os.Stdout)
	case "report":
		err = runReport(os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}
