package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// stepLine matches kina's progress lines: " ✓ Preparing nodes (1.23s)".
var stepLine = regexp.MustCompile(`^\s*✓\s+(.+?)\s+\(([0-9.]+(?:ns|µs|us|ms|s|m|h)(?:[0-9.]+(?:ms|s))*)\)\s*$`)

func runSteps(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("steps", flag.ContinueOnError)
	var r rowFlags
	r.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rows, err := stepRows(&r, in)
	if err != nil {
		return err
	}
	for _, l := range rows {
		fmt.Fprintln(out, l)
	}
	return nil
}

// stepRows returns one row per finished step, in order. The cluster name is
// replaced by <name> so that steps of runs with different names line up, and
// the bound of the wait step ("Waiting ≤ 3m0s ...") is kept as printed.
func stepRows(r *rowFlags, in io.Reader) ([]string, error) {
	var rows []string
	seen := map[string]int{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		m := stepLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		d, err := time.ParseDuration(strings.Replace(m[2], "us", "µs", 1))
		if err != nil {
			return nil, fmt.Errorf("step %q: %w", m[1], err)
		}
		name := m[1]
		if r.cluster != "" {
			name = strings.ReplaceAll(name, r.cluster, "<name>")
		}
		name = strings.ReplaceAll(name, "\t", " ")
		// A step printed twice in one run keeps both, numbered.
		seen[name]++
		if seen[name] > 1 {
			name = fmt.Sprintf("%s #%d", name, seen[name])
		}
		rows = append(rows, r.row("step:"+name, d.Seconds()))
	}
	return rows, sc.Err()
}
