package config

import (
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// Names of the documents this package reads.
const (
	ClusterAPIVersion  = "kind.x-k8s.io/v1alpha4"
	ClusterKind        = "Cluster"
	SettingsAPIVersion = "kina.dev/v1alpha1"
	SettingsKind       = "Settings"

	// SettingsEnv names a settings file when --settings is not given.
	SettingsEnv = "KINA_SETTINGS"

	// DefaultName is the cluster name when neither flag, environment nor file
	// gives one. It is kind's default, so `kina create cluster` and
	// `kind create cluster` name the same cluster.
	DefaultName = "kind"
)

// Config is kina's model of one cluster to create: kind's Cluster, with
// kind's defaults applied, plus kina's own settings.
type Config struct {
	// Cluster is the kind v1alpha4 Cluster, defaulted.
	Cluster v1alpha4.Cluster
	// Settings are kina's own settings; the zero value means "none given".
	Settings Settings

	// Source is where the Cluster came from: a path, "-" for stdin, or ""
	// for the built-in default. It prefixes every error message.
	Source string
	// SettingsSource is where Settings came from ("" when none were given).
	SettingsSource string

	notes []string // load-time warnings, reported by Warnings
}

// Default returns the configuration kind uses without a config file: one
// control-plane node with the default image.
func Default() *Config {
	c := &Config{}
	c.Cluster.APIVersion = ClusterAPIVersion
	c.Cluster.Kind = ClusterKind
	applyDefaults(c)
	return c
}

// applyDefaults applies kind's v1alpha4 defaults and kind's default name.
func applyDefaults(c *Config) {
	v1alpha4.SetDefaultsCluster(&c.Cluster)
	if c.Cluster.Name == "" {
		c.Cluster.Name = DefaultName
	}
}

// Name is the cluster's name.
func (c *Config) Name() string { return c.Cluster.Name }

// SetName applies a name given outside the file (--name, environment). As in
// kind it wins over the file's name; an empty override changes nothing.
// Call Validate afterwards: the override is what gets checked.
func (c *Config) SetName(override string) {
	if override != "" {
		c.Cluster.Name = override
	}
}
