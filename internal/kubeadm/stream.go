package kubeadm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// splitDocuments splits a YAML stream at lines starting with "---" (the
// rest of such a line is dropped, as kind does).
func splitDocuments(stream string) []string {
	var docs []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(stream, "\n") {
		if strings.HasPrefix(line, "---") {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

// object is one decoded document and the type fields patches match on.
type object struct {
	APIVersion string
	Kind       string
	fields     map[string]any
}

// decodeObjects parses a YAML stream into objects, skipping empty
// documents. Numbers stay json.Number so large integers survive.
func decodeObjects(stream string) ([]*object, error) {
	var objs []*object
	for i, raw := range splitDocuments(stream) {
		obj, err := decodeObject(raw)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if obj != nil {
			objs = append(objs, obj)
		}
	}
	return objs, nil
}

// decodeObject returns nil for an empty document and an error for one
// that is not a mapping.
func decodeObject(raw string) (*object, error) {
	j, err := yaml.YAMLToJSON([]byte(raw))
	if err != nil {
		return nil, err
	}
	if string(bytes.TrimSpace(j)) == "null" {
		return nil, nil
	}
	fields, err := decodeJSONObject(j)
	if err != nil {
		return nil, err
	}
	o := &object{fields: fields}
	o.APIVersion, _ = fields["apiVersion"].(string)
	o.Kind, _ = fields["kind"].(string)
	return o, nil
}

func decodeJSONObject(j []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a YAML mapping: %w", err)
	}
	return m, nil
}

// encodeObjects writes objects back as a YAML stream (keys sorted).
func encodeObjects(objs []*object) ([]byte, error) {
	var buf bytes.Buffer
	for i, o := range objs {
		j, err := json.Marshal(o.fields)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", o.Kind, err)
		}
		y, err := yaml.JSONToYAML(j)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", o.Kind, err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(y)
	}
	return buf.Bytes(), nil
}

// StripMetadata removes the `metadata.name: config` that Render adds for
// patch matching (kubeadm's types have no metadata, and kind strips it
// too); metadata left empty goes as well.
func StripMetadata(doc []byte) ([]byte, error) {
	objs, err := decodeObjects(string(doc))
	if err != nil {
		return nil, fmt.Errorf("strip metadata: %w", err)
	}
	for _, o := range objs {
		meta, ok := o.fields["metadata"].(map[string]any)
		if !ok {
			continue
		}
		if meta["name"] == objectName {
			delete(meta, "name")
		}
		if len(meta) == 0 {
			delete(o.fields, "metadata")
		}
	}
	return encodeObjects(objs)
}
