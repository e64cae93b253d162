package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// decodeTrailing handles the documents after the Cluster: at most one kina
// Settings document; anything else is ignored with a warning, because kind
// ignores it too and a file kind accepts must work with kina.
func decodeTrailing(docs []*yaml.Node, c *Config) error {
	for i, doc := range docs {
		index := i + 2
		tm, err := readTypeMeta(doc, c.Source, index)
		if err != nil {
			return err
		}
		switch {
		case tm == typeMeta{} && isEmpty(doc):
			continue // "---" at the end of a file
		case tm.APIVersion == SettingsAPIVersion && tm.Kind == SettingsKind:
			if c.SettingsSource != "" {
				return &FieldError{Source: c.Source, Msg: fmt.Sprintf("document %d: a second %s document; give one", index, SettingsKind)}
			}
			s, err := decodeSettings(doc, c.Source)
			if err != nil {
				return err
			}
			c.Settings, c.SettingsSource = *s, c.Source
		case strings.HasPrefix(tm.APIVersion, "kina.dev/"):
			return &FieldError{Source: c.Source, Msg: fmt.Sprintf(
				"document %d: unknown kina document apiVersion %q kind %q; want apiVersion %q kind %q",
				index, tm.APIVersion, tm.Kind, SettingsAPIVersion, SettingsKind)}
		default:
			c.notes = append(c.notes, fmt.Sprintf(
				"%sdocument %d (apiVersion %q, kind %q) is ignored, as kind ignores every document after the first",
				sourcePrefix(c.Source), index, tm.APIVersion, tm.Kind))
		}
	}
	return nil
}

func isEmpty(doc *yaml.Node) bool {
	root := resolveAlias(doc)
	return root == nil || root.Kind == 0 || root.Tag == "!!null"
}

// decodeSettings decodes a Settings document strictly: unknown fields are
// errors with their path, like the Cluster's.
func decodeSettings(doc *yaml.Node, source string) (*Settings, error) {
	chk := newChecker(source)
	chk.walk(doc, reflect.TypeOf(Settings{}), "settings")
	if len(chk.errs) > 0 {
		return nil, errors.Join(chk.errs...)
	}
	s := &Settings{}
	if err := doc.Decode(s); err != nil {
		return nil, typeErrors(err, chk)
	}
	return s, nil
}
