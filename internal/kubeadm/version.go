package kubeadm

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Kubernetes release version as found in /kind/version.
type Version struct {
	Major, Minor, Patch int
	// Pre is the pre-release part without its dash, e.g. "rc.0".
	Pre string
	// Build is the build metadata without its plus, e.g. "abc".
	Build string
}

// VersionFromFile parses the content of a node's /kind/version file, e.g.
// "v1.34.4\n" or "v1.34.4-rc.0+abc". The leading "v" is optional.
func VersionFromFile(content string) (Version, error) {
	s := strings.TrimSpace(content)
	v, err := parseVersion(strings.TrimPrefix(s, "v"))
	if err != nil {
		return Version{}, fmt.Errorf("parse Kubernetes version %q: %w", s, err)
	}
	return v, nil
}

func parseVersion(s string) (Version, error) {
	var v Version
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s, v.Build = s[:i], s[i+1:]
	}
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s, v.Pre = s[:i], s[i+1:]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("want MAJOR.MINOR.PATCH, got %q", s)
	}
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' {
			return Version{}, fmt.Errorf("bad number %q", p)
		}
		*nums[i] = n
	}
	return v, nil
}

// String gives the version in Kubernetes' form, with the leading "v".
func (v Version) String() string {
	s := fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Compare orders versions as semver does (a pre-release sorts before its
// release; build metadata is ignored): -1, 0 or +1.
func (v Version) Compare(o Version) int {
	for _, d := range [3]int{v.Major - o.Major, v.Minor - o.Minor, v.Patch - o.Patch} {
		if d != 0 {
			return sign(d)
		}
	}
	return comparePre(v.Pre, o.Pre)
}

// AtLeast reports whether v >= major.minor.0, ignoring v's pre-release, so
// that v1.36.0-alpha.1 already counts as 1.36 (kind does the same).
func (v Version) AtLeast(major, minor int) bool {
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

func comparePre(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareIdent(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return sign(len(as) - len(bs))
}

// compareIdent orders pre-release identifiers: numbers numerically and
// before words, words lexically.
func compareIdent(a, b string) int {
	an, aErr := strconv.Atoi(a)
	bn, bErr := strconv.Atoi(b)
	switch {
	case aErr == nil && bErr == nil:
		return sign(an - bn)
	case aErr == nil:
		return -1
	case bErr == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func sign(d int) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}
