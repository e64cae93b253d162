package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const settingsHeader = "apiVersion: kina.dev/v1alpha1\nkind: Settings\n"

func TestEmbeddedSettings(t *testing.T) {
	in := header + "nodes: [{}, {role: worker}, {role: worker}]\n---\n" + settingsHeader +
		"provider: apple\nnodeDefaults: {cpus: 2, memory: 2Gi}\nnodes:\n- {cpus: 4, memory: 8Gi}\n- {memory: 3Gi}\n"
	c, err := Parse([]byte(in), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(c); err != nil {
		t.Fatal(err)
	}
	wantEq(t, c.Settings.Provider, "apple")
	wantEq(t, c.SettingsSource, "k.yaml")
	wantEq(t, c.Resources(0), Resources{CPUs: 4, Memory: "8Gi"})
	wantEq(t, c.Resources(1), Resources{CPUs: 2, Memory: "3Gi"})
	wantEq(t, c.Resources(2), Resources{CPUs: 2, Memory: "2Gi"})
	b, err := c.Resources(0).MemoryBytes()
	wantEq(t, b, int64(8<<30))
	wantEq(t, err, nil)
	wantEq(t, len(c.Warnings()), 0)
}

func TestSettingsErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"unknown field", header + "---\n" + settingsHeader + "nodes: [{cpu: 2}]\n",
			[]string{`config "k.yaml": unknown field "settings.nodes[0].cpu" (line 6); did you mean "cpus"?`}},
		{"two settings documents", header + "---\n" + settingsHeader + "---\n" + settingsHeader,
			[]string{`config "k.yaml": document 3: a second Settings document; give one`}},
		{"unknown kina document", header + "---\napiVersion: kina.dev/v1beta1\nkind: Settings\n",
			[]string{`config "k.yaml": document 2: unknown kina document apiVersion "kina.dev/v1beta1" kind "Settings"; want apiVersion "kina.dev/v1alpha1" kind "Settings"`}},
		{"type error", header + "---\n" + settingsHeader + "nodeDefaults: {cpus: many}\n",
			[]string{"config \"k.yaml\": settings.nodeDefaults.cpus: cannot unmarshal !!str `many` into int (line 6)"}},
		{"cluster and settings errors together", header + "nme: x\n---\n" + settingsHeader + "providr: docker\n",
			[]string{
				`config "k.yaml": unknown field "nme" (line 3); did you mean "name"?`,
				`config "k.yaml": unknown field "settings.providr" (line 7); did you mean "provider"?`,
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in), "k.yaml")
			assertLines(t, err, tc.want)
		})
	}
}

func TestSettingsValidation(t *testing.T) {
	in := header + "---\n" + settingsHeader +
		"provider: lima\nnodeDefaults: {cpus: -1, memory: lots}\nnodes: [{memory: 0Gi}, {}]\n"
	c, err := Parse([]byte(in), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	assertLines(t, Validate(c), []string{
		`config "k.yaml": settings.provider: "lima" is not a provider kina knows; want docker, podman or apple`,
		`config "k.yaml": settings.nodeDefaults.cpus: -1 must be 1 or more (or unset)`,
		`config "k.yaml": settings.nodeDefaults.memory: "lots" is not a quantity such as 4Gi or 4096Mi`,
		`config "k.yaml": settings.nodes[0].memory: "0Gi" must be more than zero`,
		`config "k.yaml": settings.nodes: has 2 entries but the cluster has 1 nodes`,
	})
}

func TestSettingsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("s.yaml", settingsHeader+"provider: podman\nnodes: [{cpus: 9}]\n---\n")
	s, err := LoadSettings(good)
	if err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.AddSettings(s, good); err != nil {
		t.Fatal(err)
	}
	wantEq(t, c.Settings.Provider, "podman")
	wantEq(t, c.Resources(0).CPUs, 9)

	// Errors in a settings file name that file, not the kind config.
	c.Settings.Provider = "nope"
	assertLines(t, Validate(c), []string{`config "` + good + `": settings.provider: "nope" is not a provider kina knows; want docker, podman or apple`})

	embedded, err := Parse([]byte(header+"---\n"+settingsHeader), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = embedded.AddSettings(s, good)
	if err == nil || !strings.Contains(err.Error(), "settings given twice: also in k.yaml") {
		t.Errorf("settings given twice: %v", err)
	}

	for _, tc := range []struct{ name, body, want string }{
		{"cluster.yaml", header, `apiVersion "kind.x-k8s.io/v1alpha4" kind "Cluster"; a settings file wants apiVersion "kina.dev/v1alpha1" kind "Settings"`},
		{"two.yaml", settingsHeader + "---\n" + settingsHeader, "document 2: a settings file holds one document"},
		{"typo.yaml", settingsHeader + "nodeDefault: {}\n", `unknown field "settings.nodeDefault" (line 3); did you mean "nodeDefaults"?`},
	} {
		_, err := LoadSettings(write(tc.name, tc.body))
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want ...%s", tc.name, err, tc.want)
		}
	}
	if _, err := LoadSettings(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing settings file: no error")
	}
}

func TestWarnings(t *testing.T) {
	long := strings.Repeat("a", 51)
	in := header + "name: " + long + "\nnodes:\n- extraMounts: [{containerPath: /x}]\n---\napiVersion: v1\nkind: ConfigMap\n"
	c, err := Parse([]byte(in), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`config "k.yaml": document 2 (apiVersion "v1", kind "ConfigMap") is ignored, as kind ignores every document after the first`,
		`config "k.yaml": cluster name "` + long + `" is longer than 50 characters; node host names may be too long`,
		`config "k.yaml": nodes[0].extraMounts[0].hostPath is empty: like kind, kina mounts the current directory`,
	}
	if got := c.Warnings(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n got %q\nwant %q", got, want)
	}
}
