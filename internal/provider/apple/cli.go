package apple

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// knownPaths are where the installers put the CLI when PATH lacks it: the
// signed .pkg, Homebrew on Apple silicon, and MacPorts.
var knownPaths = []string{
	"/usr/local/bin/container",
	"/opt/homebrew/bin/container",
	"/opt/local/bin/container",
}

// findBinary returns the CLI to run: the explicit path if given, else
// `container` on PATH, else the first known install path that exists.
func findBinary(explicit, pathEnv string, candidates []string) (string, error) {
	if explicit != "" {
		if !isExecutable(explicit) {
			return "", fmt.Errorf("container CLI %q is not an executable file", explicit)
		}
		return explicit, nil
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, "container"); isExecutable(p) {
			return p, nil
		}
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("the container CLI is not on PATH nor in %s; install it from https://github.com/apple/container/releases",
		strings.Join(candidates, ", "))
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// Version is the CLI's release as printed by `container --version`.
type Version struct {
	Major, Minor, Patch int
	// Raw is the whole line, kept for messages.
	Raw string
	// Unknown is set when the line carries no version (some distributor
	// builds print an empty one); feature probes then decide alone.
	Unknown bool
}

var versionRe = regexp.MustCompile(`(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseVersion reads `container --version` output, for example
// "container CLI version 1.2.1 (build: release, commit: 9a8917c)".
// Dev builds ("0.10.0-27-g9fd15f0") keep their release numbers.
func ParseVersion(out string) Version {
	line := strings.TrimSpace(out)
	v := Version{Raw: line}
	// Only look before the build extras so that a commit hash made of digits
	// and dots can never be taken for the version.
	head := line
	if i := strings.Index(head, "("); i >= 0 {
		head = head[:i]
	}
	m := versionRe.FindStringSubmatch(head)
	if m == nil {
		v.Unknown = true
		return v
	}
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v
}

// AtLeast reports whether v >= major.minor.patch. An unknown version counts
// as new: the feature probes guard what it may use.
func (v Version) AtLeast(major, minor, patch int) bool {
	if v.Unknown {
		return true
	}
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

func (v Version) String() string {
	if v.Unknown {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Support limits. 0.5.0 is the oldest release whose runtime boots systemd as
// a container's init; 1.2.0 applies a read-only /proc/sys with no opt-out.
var (
	minVersion    = Version{Major: 0, Minor: 5, Patch: 0}
	newestTested  = Version{Major: 1, Minor: 2, Patch: 2}
	brokenVersion = Version{Major: 1, Minor: 2, Patch: 0}
)

// Features are what this CLI can do, probed from its help text rather than
// guessed from the version.
type Features struct {
	CapAdd      bool // run --cap-add (0.12+); before it every capability was granted
	SystemPaths bool // run --masked-path/--read-only-path, which accept NONE (1.2.1+)
	Publish     bool // run -p/--publish (0.3+)
	// ProgressFlag silences pull progress on stderr: "--progress" (0.7+) or
	// "--disable-progress-updates" (before), "" when neither exists.
	ProgressFlag string
	// Networks is true when the `network` command exists: macOS 26 only.
	// Without it containers cannot reach each other.
	Networks bool
	// SaveToStdout: `image save` writes to stdout without -o (0.7+).
	SaveToStdout bool
}

// parseFeatures reads `container run --help` and `container --help`.
func parseFeatures(v Version, runHelp, topHelp string) Features {
	f := Features{
		CapAdd:       hasFlag(runHelp, "--cap-add"),
		SystemPaths:  hasFlag(runHelp, "--masked-path") && hasFlag(runHelp, "--read-only-path"),
		Publish:      hasFlag(runHelp, "--publish"),
		Networks:     topNetworkRe.MatchString(topHelp),
		SaveToStdout: v.AtLeast(0, 7, 0),
	}
	switch {
	case hasFlag(runHelp, "--progress"):
		f.ProgressFlag = "--progress"
	case hasFlag(runHelp, "--disable-progress-updates"):
		f.ProgressFlag = "--disable-progress-updates"
	}
	return f
}

// The subcommand list in `container --help` has one indented line per
// command; `network` is left out entirely on macOS 15.
var topNetworkRe = regexp.MustCompile(`(?m)^\s+network([\s,]|$)`)

func hasFlag(help, flag string) bool {
	re := regexp.MustCompile(`(^|[\s,])` + regexp.QuoteMeta(flag) + `($|[\s,=<])`)
	for _, line := range strings.Split(help, "\n") {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}
