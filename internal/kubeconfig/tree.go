package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/clientcmd/api"
)

// The three named lists of a kubeconfig, in client-go's YAML names.
var lists = []string{"clusters", "users", "contexts"}

// parseTree parses a kubeconfig file into its top-level YAML mapping, after
// checking with client-go that it is a kubeconfig at all: a file kina cannot
// understand is left alone rather than overwritten. Empty content gives nil.
func parseTree(raw []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	if _, err := clientcmd.Load(raw); err != nil {
		return nil, fmt.Errorf("not a valid kubeconfig: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("not a valid kubeconfig: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("not a valid kubeconfig: the top level is not a mapping")
	}
	return root, nil
}

// encodeConfig renders cfg with client-go and returns it as a YAML tree.
func encodeConfig(cfg *api.Config) (*yaml.Node, error) {
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding kubeconfig: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("encoding kubeconfig: %w", err)
	}
	return doc.Content[0], nil
}

func render(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encoding kubeconfig: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding kubeconfig: %w", err)
	}
	return buf.Bytes(), nil
}

// value returns the value node of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// setValue sets key in mapping m, appending it when absent.
func setValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// sequence returns m's list under key, creating it (or replacing a null).
func sequence(m *yaml.Node, key string) *yaml.Node {
	v := value(m, key)
	if v == nil || v.Kind != yaml.SequenceNode {
		v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		setValue(m, key, v)
	}
	return v
}

func entryName(entry *yaml.Node) string {
	if entry.Kind != yaml.MappingNode {
		return ""
	}
	if n := value(entry, "name"); n != nil {
		return n.Value
	}
	return ""
}

// upsert replaces the entry of seq with entry's name, or appends entry.
func upsert(seq, entry *yaml.Node) {
	name := entryName(entry)
	for i, e := range seq.Content {
		if entryName(e) == name {
			seq.Content[i] = entry
			return
		}
	}
	seq.Content = append(seq.Content, entry)
}

// removeNamed drops every entry called name from seq and says if it did.
func removeNamed(seq *yaml.Node, name string) bool {
	kept := seq.Content[:0]
	for _, e := range seq.Content {
		if entryName(e) != name {
			kept = append(kept, e)
		}
	}
	removed := len(kept) != len(seq.Content)
	seq.Content = kept
	return removed
}

func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}
