package config

import (
	"errors"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Settings is kina's own document (apiVersion kina.dev/v1alpha1, kind
// Settings): what kina needs that kind's Cluster has no field for.
//
//	apiVersion: kina.dev/v1alpha1
//	kind: Settings
//	provider: apple          # docker | podman | apple; empty = detect
//	nodeDefaults: {cpus: 2, memory: 4Gi}
//	nodes:                   # by position, parallel to the Cluster's nodes
//	- {cpus: 4, memory: 8Gi}
type Settings struct {
	APIVersion string `yaml:"apiVersion,omitempty"`
	Kind       string `yaml:"kind,omitempty"`

	// Provider is the preferred provider; --provider and the environment
	// still win over it.
	Provider string `yaml:"provider,omitempty"`
	// NodeDefaults apply to every node, under any per-node entry.
	NodeDefaults Resources `yaml:"nodeDefaults,omitempty"`
	// Nodes are per-node resources, by position in the Cluster's nodes list;
	// a shorter list leaves the remaining nodes at NodeDefaults.
	Nodes []Resources `yaml:"nodes,omitempty"`
}

// Resources size one node. They matter where a node is a VM of its own
// (Apple's runtime); container providers may ignore them.
type Resources struct {
	CPUs   int    `yaml:"cpus,omitempty"`
	Memory string `yaml:"memory,omitempty"` // a Kubernetes quantity: 4Gi, 4096Mi
}

// MemoryBytes is Memory in bytes; 0 when unset.
func (r Resources) MemoryBytes() (int64, error) {
	if r.Memory == "" {
		return 0, nil
	}
	q, err := resource.ParseQuantity(r.Memory)
	if err != nil {
		return 0, fmt.Errorf("memory %q: %w", r.Memory, err)
	}
	return q.Value(), nil
}

// Known provider names for Settings.Provider.
var providers = []string{"docker", "podman", "apple"}

// LoadSettings reads a stand-alone Settings file (--settings or
// $KINA_SETTINGS). It must hold exactly one Settings document.
func LoadSettings(path string) (*Settings, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	docs, err := splitDocuments(raw, path)
	if err != nil {
		return nil, err
	}
	tm, err := readTypeMeta(docs[0], path, 1)
	if err != nil {
		return nil, err
	}
	if tm.APIVersion != SettingsAPIVersion || tm.Kind != SettingsKind {
		return nil, &FieldError{Source: path, Msg: fmt.Sprintf(
			"apiVersion %q kind %q; a settings file wants apiVersion %q kind %q",
			tm.APIVersion, tm.Kind, SettingsAPIVersion, SettingsKind)}
	}
	for i, d := range docs[1:] {
		if !isEmpty(d) {
			return nil, &FieldError{Source: path, Msg: fmt.Sprintf("document %d: a settings file holds one document", i+2)}
		}
	}
	return decodeSettings(docs[0], path)
}

// AddSettings attaches settings read from their own file. It refuses when the
// config file already carried a Settings document: two sources would leave
// the user guessing which one won.
func (c *Config) AddSettings(s *Settings, source string) error {
	if s == nil {
		return nil
	}
	if c.SettingsSource != "" {
		return errors.New(sourcePrefix(source) + "settings given twice: also in " + c.SettingsSource + "; keep one")
	}
	c.Settings, c.SettingsSource = *s, source
	return nil
}
