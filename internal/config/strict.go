package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// checker walks a YAML tree against a Go type before decoding, because yaml's
// own strict mode reports "field x not found in type v1alpha4.Node" with a
// line but without the path a user needs. It also remembers which field sits
// on which line, to put paths on yaml's type errors.
type checker struct {
	source string
	errs   []error
	lines  map[int]string // line -> path of the first field on it
}

func newChecker(source string) *checker {
	return &checker{source: source, lines: map[int]string{}}
}

func (c *checker) walk(n *yaml.Node, t reflect.Type, path string) {
	n = resolveAlias(n)
	if n == nil || n.Tag == "!!null" {
		return
	}
	if _, ok := c.lines[n.Line]; !ok && path != "" {
		c.lines[n.Line] = path
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		c.walkStruct(n, t, path, map[string]int{})
	case reflect.Slice:
		c.walkSlice(n, t, path)
	case reflect.Map:
		c.walkMap(n, t, path)
	case reflect.String:
		c.checkEnum(n, t, path)
	}
	// Anything else is a scalar: the decoder reports type mismatches.
}

func (c *checker) walkStruct(n *yaml.Node, t reflect.Type, path string, seen map[string]int) {
	if n.Kind != yaml.MappingNode {
		return // wrong shape: the decoder reports it with its own message
	}
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Value == "<<" && key.Tag == "!!merge" {
			c.walkMerge(val, t, path)
			continue
		}
		p := joinPath(path, key.Value)
		if first, dup := seen[key.Value]; dup {
			c.add(p, key.Line, fmt.Sprintf("duplicate field, first set on line %d", first))
			continue
		}
		seen[key.Value] = key.Line
		ft, ok := fields[key.Value]
		if !ok {
			c.errs = append(c.errs, &UnknownFieldError{
				Source: c.source, Field: p, Line: key.Line,
				Suggestion: suggest(key.Value, fields),
			})
			continue
		}
		c.lines[key.Line] = p
		c.walk(val, ft, p)
	}
}

// walkMerge checks YAML merge keys (<<: *anchor), which kind's decoder
// honours: the merged mapping's fields belong to the same struct. Fields
// set both by a merge and explicitly are legal, so merges get their own set.
func (c *checker) walkMerge(val *yaml.Node, t reflect.Type, path string) {
	val = resolveAlias(val)
	if val.Kind == yaml.SequenceNode {
		for _, m := range val.Content {
			c.walkStruct(resolveAlias(m), t, path, map[string]int{})
		}
		return
	}
	c.walkStruct(val, t, path, map[string]int{})
}

func (c *checker) walkSlice(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.SequenceNode {
		return
	}
	for i, item := range n.Content {
		c.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
	}
}

func (c *checker) walkMap(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		p := fmt.Sprintf("%s[%s]", path, strconv.Quote(key.Value))
		if first, dup := seen[key.Value]; dup {
			c.add(p, key.Line, fmt.Sprintf("duplicate key, first set on line %d", first))
			continue
		}
		seen[key.Value] = key.Line
		c.walk(val, t.Elem(), p)
	}
}

// checkEnum rejects the enum values kind's own decoder rejects, with a path;
// kind reports these without a line or field.
func (c *checker) checkEnum(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		return
	}
	var err error
	switch t {
	case reflect.TypeOf(v1alpha4.MountPropagation("")):
		err = checkPropagation(v1alpha4.MountPropagation(n.Value))
	case reflect.TypeOf(v1alpha4.PortMappingProtocol("")):
		err = checkProtocol(v1alpha4.PortMappingProtocol(n.Value))
	}
	if err != nil {
		c.add(path, n.Line, err.Error())
	}
}

func (c *checker) add(path string, line int, msg string) {
	c.errs = append(c.errs, &FieldError{Source: c.source, Field: path, Line: line, Msg: msg})
}

// pathAt returns the field path recorded for a line, for yaml's type errors.
func (c *checker) pathAt(line int) string { return c.lines[line] }

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return resolveAlias(n.Content[0])
	}
	return n
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps the YAML names of t's fields to their types, following
// `yaml:",inline"` as the decoder does.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name) // yaml.v3's default key
		}
		out[name] = f.Type
	}
	return out
}
