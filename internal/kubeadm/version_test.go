package kubeadm

import "testing"

func TestVersionFromFile(t *testing.T) {
	cases := map[string]Version{
		"v1.34.4":           {Major: 1, Minor: 34, Patch: 4},
		"v1.34.4\n":         {Major: 1, Minor: 34, Patch: 4},
		"  1.36.0 \n":       {Major: 1, Minor: 36},
		"v1.34.4-rc.0+abc":  {Major: 1, Minor: 34, Patch: 4, Pre: "rc.0", Build: "abc"},
		"v1.36.0-alpha.1\n": {Major: 1, Minor: 36, Pre: "alpha.1"},
		"v1.35.1+a-b.c":     {Major: 1, Minor: 35, Patch: 1, Build: "a-b.c"},
	}
	for in, want := range cases {
		got, err := VersionFromFile(in)
		if err != nil || got != want {
			t.Errorf("VersionFromFile(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "v1.34", "v1.34.x", "v1..4", "v1.34.4.5", "latest", "v1.+3.4"} {
		if _, err := VersionFromFile(bad); err == nil {
			t.Errorf("VersionFromFile(%q): want error", bad)
		}
	}
}

func TestVersionString(t *testing.T) {
	for _, s := range []string{"v1.34.4", "v1.34.4-rc.0+abc", "v1.36.0-alpha.1"} {
		v, err := VersionFromFile(s)
		if err != nil || v.String() != s {
			t.Errorf("%q round-trips to %q (%v)", s, v, err)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	ordered := []string{
		"v1.9.9", "v1.34.3", "v1.34.4-alpha.1", "v1.34.4-alpha.2", "v1.34.4-alpha.10",
		"v1.34.4-beta", "v1.34.4-rc.0", "v1.34.4", "v1.35.0", "v2.0.0",
	}
	for i := range ordered {
		for j := range ordered {
			a, _ := VersionFromFile(ordered[i])
			b, _ := VersionFromFile(ordered[j])
			want := sign(i - j)
			if got := a.Compare(b); got != want {
				t.Errorf("%s vs %s = %d, want %d", a, b, got, want)
			}
		}
	}
	a, _ := VersionFromFile("v1.34.4+x")
	b, _ := VersionFromFile("v1.34.4+y")
	if a.Compare(b) != 0 {
		t.Error("build metadata must not affect order")
	}
}

func TestAPIVersion(t *testing.T) {
	cases := map[string]string{
		"v1.23.0":         V1Beta3,
		"v1.34.4":         V1Beta3,
		"v1.35.9":         V1Beta3,
		"v1.36.0-alpha.1": V1Beta4,
		"v1.36.0":         V1Beta4,
		"v1.40.2":         V1Beta4,
		"v2.0.0":          V1Beta4,
	}
	for in, want := range cases {
		v, _ := VersionFromFile(in)
		if got, err := APIVersion(v); err != nil || got != want {
			t.Errorf("APIVersion(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	v, _ := VersionFromFile("v1.22.17")
	if _, err := APIVersion(v); err == nil {
		t.Error("APIVersion(v1.22.17): want error")
	}
}
