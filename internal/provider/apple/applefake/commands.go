package applefake

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func (f *fake) dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	for len(args) > 0 && args[0] == "--debug" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		io.WriteString(stdout, f.topHelp())
		return 0
	}
	if args[0] == "--version" {
		io.WriteString(stdout, f.file("version.txt"))
		return 0
	}
	cmd, rest := args[0], args[1:]
	if len(rest) > 0 && (rest[0] == "--help" || rest[0] == "-h") {
		if cmd == "run" {
			io.WriteString(stdout, f.file("run-help.txt"))
		} else {
			fmt.Fprintf(stdout, "USAGE: container %s [<options>]\n", cmd)
		}
		return 0
	}
	if cmd == "system" || cmd == "s" {
		return f.system(rest, stdout, stderr)
	}
	if !f.st.SystemRunning {
		io.WriteString(stderr, f.errText("xpc", ""))
		return 1
	}
	switch cmd {
	case "run":
		return f.run(rest, stdout, stderr)
	case "list", "ls":
		return f.list(rest, stdout)
	case "inspect":
		return f.inspect(rest, stdout, stderr)
	case "delete", "rm":
		return f.delete(rest, stdout, stderr)
	case "start", "stop":
		return f.startStop(cmd, rest, stdout, stderr)
	case "exec":
		return f.exec(rest, stdin, stdout, stderr)
	case "logs":
		return f.logs(rest, stdout, stderr)
	case "network", "n":
		if f.macOS15() {
			break
		}
		return f.network(rest, stdout, stderr)
	case "image", "i":
		return f.image(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "Error: Unexpected argument '%s'\nUsage: container <subcommand>\n", cmd)
	return 64
}

var networkLine = regexp.MustCompile(`(?m)^\s+network\b.*\n`)

func (f *fake) topHelp() string {
	h := f.file("help.txt")
	if f.macOS15() {
		h = networkLine.ReplaceAllString(h, "")
	}
	return h
}

func (f *fake) system(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Error: Missing expected argument '<subcommand>'")
		return 64
	}
	switch args[0] {
	case "status":
		if f.st.SystemRunning {
			io.WriteString(stdout, f.file("status.txt"))
			return 0
		}
		io.WriteString(stdout, f.file("status-stopped.txt"))
		return 1
	case "start":
		if !contains(args, "--enable-kernel-install") && !contains(args, "--disable-kernel-install") {
			// No TTY here: the kernel prompt cannot be answered.
			io.WriteString(stdout, "Install the recommended default kernel? [Y/n]: ")
			fmt.Fprintln(stderr, "Error: failed to read user input")
			return 1
		}
		f.st.SystemRunning = true
		return 0
	case "stop":
		for _, c := range f.st.Containers {
			c.Running = false
		}
		f.st.SystemRunning = false
		return 0
	case "kernel":
		return 0
	}
	fmt.Fprintf(stderr, "Error: Unexpected argument '%s'\n", args[0])
	return 64
}

// runFlags reads the option table of run-help.txt: flag name -> takes a value.
func (f *fake) runFlags() map[string]bool {
	flags := map[string]bool{}
	re := regexp.MustCompile(`^\s+(-.*?)(?:\s{2,}|$)`)
	for _, line := range strings.Split(f.file("run-help.txt"), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		takes := strings.Contains(m[1], "<")
		for _, tok := range strings.Split(m[1], ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(tok), " ")
			if strings.HasPrefix(name, "-") {
				flags[name] = takes
			}
		}
	}
	return flags
}

type parsed struct {
	values map[string][]string // by first spelling seen
	rest   []string
}

func parseFlags(args []string, known map[string]bool, stderr io.Writer) (parsed, bool) {
	p := parsed{values: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.rest = args[i:]
			return p, true
		}
		name, val, hasVal := strings.Cut(a, "=")
		takes, ok := known[name]
		if !ok {
			fmt.Fprintf(stderr, "Error: Unknown option '%s'\n", name)
			return p, false
		}
		if takes && !hasVal {
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "Error: Missing value for '%s'\n", name)
				return p, false
			}
			i++
			val = args[i]
		}
		p.values[name] = append(p.values[name], val)
	}
	return p, true
}

func (p parsed) get(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, p.values[n]...)
	}
	return out
}

func (p parsed) has(names ...string) bool { return len(p.get(names...)) > 0 }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (f *fake) run(args []string, stdout, stderr io.Writer) int {
	p, ok := parseFlags(args, f.runFlags(), stderr)
	if !ok {
		return 64
	}
	if len(p.rest) == 0 {
		fmt.Fprintln(stderr, "Error: Missing expected argument '<image>'")
		return 64
	}
	names := p.get("--name")
	if len(names) == 0 {
		fmt.Fprintln(stderr, "applefake: kina always names its containers")
		return 70
	}
	name := names[len(names)-1]
	if _, exists := f.st.Containers[name]; exists {
		io.WriteString(stderr, f.errText("run-exists", name))
		return 1
	}
	c := &ctr{Name: name, Image: p.rest[0], Args: p.rest[1:], Labels: map[string]string{}, CPUs: 4, MemoryBytes: 1 << 30}
	if v := p.get("-c", "--cpus"); len(v) > 0 {
		c.CPUs, _ = strconv.Atoi(v[len(v)-1])
	}
	if v := p.get("-m", "--memory"); len(v) > 0 {
		b, err := parseMemory(v[len(v)-1])
		if err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return 1
		}
		if f.meta.Errors == "plain" && b < 200<<20 {
			io.WriteString(stderr, f.errText("memory", strconv.FormatInt(b, 10)))
			return 1
		}
		c.MemoryBytes = b
	}
	for _, l := range p.get("-l", "--label") {
		k, v, _ := strings.Cut(l, "=")
		c.Labels[k] = v
	}
	c.CapAdd = p.get("--cap-add")
	if nets := p.get("--network"); len(nets) > 0 {
		c.Network, _, _ = strings.Cut(nets[0], ",")
	}
	if c.Network != "" && c.Network != "default" {
		if f.macOS15() {
			io.WriteString(stderr, f.errText("network-macos15", c.Network))
			return 1
		}
		if !f.st.Networks[c.Network] {
			fmt.Fprintf(stderr, "Error: network %s not found\n", c.Network)
			return 1
		}
	}
	if c.Network == "" {
		c.Network = "default"
	}
	for _, spec := range p.get("-p", "--publish") {
		port, err := parsePublish(spec)
		if err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return 1
		}
		c.Ports = append(c.Ports, port)
	}
	c.Running = true
	c.IP = f.st.allocIP()
	f.st.Containers[name] = c
	fmt.Fprintln(stdout, name)
	return 0
}

func parseMemory(s string) (int64, error) {
	units := map[string]int64{"": 1 << 20, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
	s = strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSuffix(strings.TrimSuffix(s[i:], "ib"), "b")
	}
	n, err := strconv.ParseFloat(num, 64)
	mul, ok := units[unit]
	if err != nil || !ok {
		return 0, fmt.Errorf("invalid memory size %q", s)
	}
	return int64(n * float64(mul)), nil
}

var publishRe = regexp.MustCompile(`^(?:(\[[^\]]+\]|[^:]+):)?(\d+):(\d+)(?:/(tcp|udp))?$`)

func parsePublish(spec string) (map[string]any, error) {
	m := publishRe.FindStringSubmatch(spec)
	if m == nil {
		return nil, fmt.Errorf("invalid publish specification %q", spec)
	}
	host := strings.Trim(m[1], "[]")
	if host == "" {
		host = "0.0.0.0"
	}
	hp, _ := strconv.Atoi(m[2])
	cp, _ := strconv.Atoi(m[3])
	proto := m[4]
	if proto == "" {
		proto = "tcp"
	}
	return map[string]any{"hostAddress": host, "hostPort": hp, "containerPort": cp, "proto": proto, "count": 1}, nil
}

func (f *fake) sortedNames() []string {
	var names []string
	for n := range f.st.Containers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
