package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDefaultsGolden loads each testdata/defaults/*.yaml and compares the
// defaulted Cluster with the .golden file beside it (go test -update
// rewrites them; review the diff).
func TestDefaultsGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/defaults/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			c, err := Load(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(c); err != nil {
				t.Fatalf("defaulted config is invalid: %v", err)
			}
			var buf bytes.Buffer
			enc := yaml.NewEncoder(&buf)
			enc.SetIndent(2)
			if err := enc.Encode(&c.Cluster); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("defaulted %s:\n%s\nwant:\n%s", in, buf.Bytes(), want)
			}
		})
	}
}
