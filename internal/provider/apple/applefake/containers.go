package applefake

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func (f *fake) list(args []string, stdout io.Writer) int {
	all := contains(args, "-a") || contains(args, "--all")
	// Before 0.10 the JSON output ignored --all and listed everything.
	if f.meta.Errors == "coded" {
		all = true
	}
	var names []string
	for _, n := range f.sortedNames() {
		if all || f.st.Containers[n].Running {
			names = append(names, n)
		}
	}
	out, err := f.render(names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "applefake:", err)
		return 70
	}
	io.WriteString(stdout, out)
	return 0
}

func (f *fake) inspect(args []string, stdout, stderr io.Writer) int {
	var found, missing []string
	for _, n := range args {
		if _, ok := f.st.Containers[n]; ok {
			found = append(found, n)
		} else {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 && f.meta.InspectMissing == "error" {
		io.WriteString(stderr, f.errText("inspect-missing", strings.Join(missing, ", ")))
		return 1
	}
	out, err := f.render(found)
	if err != nil {
		fmt.Fprintln(stderr, "applefake:", err)
		return 70
	}
	io.WriteString(stdout, out)
	return 0
}

func (f *fake) delete(args []string, stdout, stderr io.Writer) int {
	force := false
	var names []string
	for _, a := range args {
		switch a {
		case "-f", "--force":
			force = true
		case "-a", "--all":
			names = f.sortedNames()
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintf(stderr, "Error: Unknown option '%s'\n", a)
				return 64
			}
			names = append(names, a)
		}
	}
	code := 0
	for _, n := range names {
		c, ok := f.st.Containers[n]
		switch {
		case !ok:
			io.WriteString(stderr, f.errText("delete-missing", n))
			code = 1
		case c.Running && !force:
			fmt.Fprintf(stderr, "Error: container %s is running and can not be deleted\n", n)
			code = 1
		default:
			delete(f.st.Containers, n)
			fmt.Fprintln(stdout, n)
		}
	}
	return code
}

func (f *fake) startStop(cmd string, args []string, stdout, stderr io.Writer) int {
	for _, n := range args {
		if strings.HasPrefix(n, "-") {
			continue
		}
		c, ok := f.st.Containers[n]
		if !ok {
			io.WriteString(stderr, f.errText("exec-missing", n))
			return 1
		}
		if cmd == "start" && !c.Running {
			c.Running, c.IP = true, f.st.allocIP()
		}
		if cmd == "stop" {
			c.Running = false
		}
		fmt.Fprintln(stdout, n)
	}
	return 0
}

func (f *fake) logs(args []string, stdout, stderr io.Writer) int {
	name := args[len(args)-1]
	if _, ok := f.st.Containers[name]; !ok {
		io.WriteString(stderr, f.errText("exec-missing", name))
		return 1
	}
	fmt.Fprintln(stdout, "[  OK  ] Reached target multi-user.target - Multi-User System.")
	return 0
}

var execFlags = map[string]bool{
	"-i": false, "--interactive": false, "-t": false, "--tty": false, "-d": false, "--detach": false,
	"-e": true, "--env": true, "--env-file": true, "-u": true, "--user": true, "--uid": true, "--gid": true,
	"-w": true, "--workdir": true, "--cwd": true,
}

func (f *fake) exec(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, ok := parseFlags(args, execFlags, stderr)
	if !ok {
		return 64
	}
	if len(p.rest) < 2 {
		fmt.Fprintln(stderr, "Error: Missing expected argument '<arguments> ...'")
		return 64
	}
	name, argv := p.rest[0], p.rest[1:]
	c, ok := f.st.Containers[name]
	if !ok {
		io.WriteString(stderr, f.errText("exec-missing", name))
		return 1
	}
	if !c.Running {
		io.WriteString(stderr, f.errText("not-running", name))
		return 1
	}
	interactive := p.has("-i", "--interactive")
	if code, ok := nodeCommand(argv, stdin, interactive, stdout); ok {
		return code
	}
	switch argv[0] {
	case "cat":
		if interactive {
			_, _ = io.Copy(stdout, stdin)
		}
		return 0
	case "uname":
		fmt.Fprintln(stdout, f.meta.Kernel)
		return 0
	case "echo":
		fmt.Fprintln(stdout, strings.Join(argv[1:], " "))
		return 0
	case "false":
		return 1
	case "iptables", "ip6tables":
		if contains(argv, "-C") {
			// The rule is not there yet.
			fmt.Fprintln(stderr, "iptables: Bad rule (does a matching rule exist in that chain?).")
			return 1
		}
		return 0
	}
	if interactive {
		_, _ = io.Copy(io.Discard, stdin)
	}
	return 0
}

func (f *fake) network(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Error: Missing expected argument '<subcommand>'")
		return 64
	}
	sub, rest := args[0], args[1:]
	var names []string
	for i := 0; i < len(rest); i++ {
		switch {
		case rest[i] == "--label" || rest[i] == "--subnet" || rest[i] == "--subnet-v6":
			i++
		case strings.HasPrefix(rest[i], "-"):
		default:
			names = append(names, rest[i])
		}
	}
	switch sub {
	case "create":
		if len(names) != 1 {
			fmt.Fprintln(stderr, "Error: Missing expected argument '<name>'")
			return 64
		}
		if f.st.Networks[names[0]] || names[0] == "default" {
			io.WriteString(stderr, f.errText("network-exists", names[0]))
			return 1
		}
		f.st.Networks[names[0]] = true
		fmt.Fprintln(stdout, names[0])
		return 0
	case "delete", "rm":
		for _, n := range names {
			if !f.st.Networks[n] {
				io.WriteString(stderr, f.errText("network-missing", n))
				return 1
			}
			delete(f.st.Networks, n)
			fmt.Fprintln(stdout, n)
		}
		return 0
	case "list", "ls":
		fmt.Fprint(stdout, "[]\n")
		return 0
	}
	fmt.Fprintf(stderr, "Error: Unexpected argument '%s'\n", sub)
	return 64
}

func (f *fake) image(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "save" {
		fmt.Fprintln(stderr, "Error: applefake only knows `image save`")
		return 64
	}
	var out string
	var refs []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case "-o", "--output":
			i++
			out = rest[i]
		case "--platform", "--os", "-a", "--arch":
			i++
		default:
			refs = append(refs, rest[i])
		}
	}
	if out == "" && f.meta.Errors == "coded" {
		fmt.Fprintln(stderr, "Error: Missing expected argument '--output <output>'")
		return 64
	}
	archive := "FAKE-OCI-ARCHIVE " + strings.Join(refs, " ") + "\n"
	if out != "" {
		if err := os.WriteFile(out, []byte(archive), 0o644); err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", err)
			return 1
		}
		return 0
	}
	io.WriteString(stdout, archive)
	return 0
}
