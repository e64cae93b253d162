package migrate

import (
	"bytes"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Render writes the config as a kind v1alpha4 file whose first lines are a
// comment saying where it came from and what could not be recovered.
func (r *Result) Render(from *Cluster) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Rebuilt by kina from kind cluster %q on %s (%s, %d nodes).\n", from.Name, from.Provider, from.State, len(from.kubeNodes()))
	if len(r.Missing) > 0 {
		b.WriteString("# Not recovered from the containers, or uncertain:\n")
		for _, m := range r.Missing {
			fmt.Fprintf(&b, "#   %s: %s\n", m.Field, oneLine(m.Why))
		}
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&r.Config); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return b.Bytes(), nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// MissingFields parses the comment block Render writes back into its
// fields, so a file can be checked against what it claims to lack.
func MissingFields(file []byte) []string {
	var out []string
	for _, l := range strings.Split(string(file), "\n") {
		if !strings.HasPrefix(l, "#   ") {
			if !strings.HasPrefix(l, "#") {
				break
			}
			continue
		}
		field, _, ok := strings.Cut(strings.TrimPrefix(l, "#   "), ": ")
		if !ok {
			continue
		}
		for _, f := range strings.Split(field, ",") {
			out = append(out, strings.TrimSpace(f))
		}
	}
	return out
}
