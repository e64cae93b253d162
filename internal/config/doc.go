// Package config owns kina's cluster configuration: reading kind's
// kind.x-k8s.io/v1alpha4 Cluster file strictly, applying kind's defaults,
// validating it with messages that name the offending field, and carrying
// kina's own settings, which kind's schema does not have.
//
// # Compatibility with kind
//
// The Cluster document is decoded the way kind decodes it (go.yaml.in/yaml/v3
// with known-fields checking, against kind's public v1alpha4 types), so any
// file kind accepts is accepted here and reads the same. Before decoding, the
// YAML tree is walked against the same types so that an unknown, misspelt or
// duplicated field is reported with its full path (nodes[0].extraPortMapping)
// rather than yaml's "field X not found in type Y".
//
// # kina's own settings
//
// Settings such as per-node CPUs and memory (for Apple's per-node VMs) or a
// preferred provider live in a separate document, apiVersion kina.dev/v1alpha1,
// kind Settings, never inside kind's schema. That document can be:
//
//   - a later YAML document in the same file, after the Cluster document. kind
//     decodes only the first document of a config file and ignores the rest
//     (checked against kind v0.33.0's loader), so such a file still works with
//     kind unchanged;
//   - or a file of its own, named by --settings or $KINA_SETTINGS (see
//     LoadSettings and Config.AddSettings), which keeps the kind file
//     byte-for-byte untouched.
//
// Giving settings both ways at once is an error rather than a silent override.
//
// Load and Validate are separate because the cluster name can still be
// overridden (--name, environment) between the two, as in kind.
package config
