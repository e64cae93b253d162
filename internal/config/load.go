package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// Load reads a kind Cluster file, and a kina Settings document after it if
// there is one. path "-" reads stdin; path "" gives the default cluster.
// kind's defaults are applied; call Validate (after any name override) to
// check the result.
func Load(path string, stdin io.Reader) (*Config, error) {
	if path == "" {
		return Default(), nil
	}
	raw, err := readSource(path, stdin)
	if err != nil {
		return nil, err
	}
	return Parse(raw, path)
}

func readSource(path string, stdin io.Reader) ([]byte, error) {
	if path != "-" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading config: %w", err)
		}
		return raw, nil
	}
	if stdin == nil {
		return nil, errors.New("reading config from stdin: no stdin")
	}
	raw, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("reading config from stdin: %w", err)
	}
	return raw, nil
}

// Parse is Load for bytes already read; source names them in messages.
func Parse(raw []byte, source string) (*Config, error) {
	docs, err := splitDocuments(raw, source)
	if err != nil {
		return nil, err
	}
	c := &Config{Source: source}
	// Both are reported together, so a user fixes the file in one pass.
	if err := errors.Join(decodeCluster(raw, docs[0], c), decodeTrailing(docs[1:], c)); err != nil {
		return nil, err
	}
	applyDefaults(c)
	return c, nil
}

// splitDocuments parses every YAML document in raw. There is always at least
// one, possibly empty, as for kind.
func splitDocuments(raw []byte, source string) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// kind never parses past its first document, so it would not
			// notice a broken later one; kina does, since that is where a
			// Settings document lives and silently losing it would be worse.
			return nil, &FieldError{Source: source, Msg: fmt.Sprintf(
				"document %d: %s", len(docs)+1, strings.TrimPrefix(err.Error(), "yaml: "))}
		}
		docs = append(docs, &doc)
	}
	if len(docs) == 0 {
		docs = append(docs, &yaml.Node{})
	}
	return docs, nil
}

// typeMeta reads apiVersion and kind loosely, as kind does, to pick a schema.
type typeMeta struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
}

func readTypeMeta(doc *yaml.Node, source string, index int) (typeMeta, error) {
	var tm typeMeta
	root := resolveAlias(doc)
	if root == nil || root.Kind == 0 || root.Tag == "!!null" {
		return tm, nil
	}
	if root.Kind != yaml.MappingNode {
		return tm, &FieldError{Source: source, Line: root.Line,
			Msg: fmt.Sprintf("document %d: expected a mapping with apiVersion and kind, found a %s", index, nodeKindName(root))}
	}
	// Read the two keys directly rather than decoding, so that problems
	// elsewhere in the document (duplicates, bad types) are reported by the
	// schema check, with their paths.
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], resolveAlias(root.Content[i+1])
		if val.Kind != yaml.ScalarNode {
			continue
		}
		switch {
		case key.Value == "apiVersion" && tm.APIVersion == "":
			tm.APIVersion = val.Value
		case key.Value == "kind" && tm.Kind == "":
			tm.Kind = val.Value
		}
	}
	return tm, nil
}

// decodeCluster checks the first document against kind's schema, then decodes
// it exactly as kind does: the first document of raw, known fields only.
func decodeCluster(raw []byte, doc *yaml.Node, c *Config) error {
	tm, err := readTypeMeta(doc, c.Source, 1)
	if err != nil {
		return err
	}
	if err := checkClusterType(tm, c.Source); err != nil {
		return err
	}
	chk := newChecker(c.Source)
	chk.walk(doc, reflect.TypeOf(v1alpha4.Cluster{}), "")
	if len(chk.errs) > 0 {
		return errors.Join(chk.errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c.Cluster); err != nil {
		return typeErrors(err, chk)
	}
	return nil
}

func checkClusterType(tm typeMeta, source string) error {
	switch {
	case tm.APIVersion == "":
		return &FieldError{Source: source, Field: "apiVersion", Msg: fmt.Sprintf("missing; want %q", ClusterAPIVersion)}
	case tm.APIVersion != ClusterAPIVersion:
		return &FieldError{Source: source, Field: "apiVersion", Msg: fmt.Sprintf(
			"unknown apiVersion %q; want %q (the first document must be kind's Cluster)", tm.APIVersion, ClusterAPIVersion)}
	case tm.Kind != ClusterKind:
		return &FieldError{Source: source, Field: "kind", Msg: fmt.Sprintf(
			"unknown kind %q for apiVersion %q; want %q", tm.Kind, tm.APIVersion, ClusterKind)}
	}
	return nil
}

// typeErrors turns yaml's "line N: cannot unmarshal ..." into field errors.
func typeErrors(err error, chk *checker) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &FieldError{Source: chk.source, Msg: yamlMsg(err)}
	}
	errs := make([]error, 0, len(te.Errors))
	for _, e := range te.Errors {
		var line int
		msg := e
		if n, _ := fmt.Sscanf(e, "line %d:", &line); n == 1 {
			_, msg, _ = strings.Cut(e, ": ")
		}
		errs = append(errs, &FieldError{Source: chk.source, Field: chk.pathAt(line), Line: line, Msg: msg})
	}
	return errors.Join(errs...)
}

func yamlMsg(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func nodeKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	default:
		return "mapping"
	}
}
