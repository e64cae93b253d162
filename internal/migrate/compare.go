package migrate

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// Diff lists the field paths (in the YAML spelling, e.g.
// "nodes[1].extraMounts[0].readOnly") where two values differ. Use it on
// two defaulted configs to check a rebuilt one against the original.
func Diff(a, b any) []string {
	var out []string
	diff(reflect.ValueOf(a), reflect.ValueOf(b), "", &out)
	sort.Strings(out)
	return out
}

func diff(a, b reflect.Value, path string, out *[]string) {
	if a.Kind() == reflect.Pointer || a.Kind() == reflect.Interface {
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, path)
			}
			return
		}
		diff(a.Elem(), b.Elem(), path, out)
		return
	}
	switch a.Kind() {
	case reflect.Struct:
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			p := path
			if !f.Anonymous {
				if name == "" {
					name = f.Name
				}
				p = join(path, name)
			}
			diff(a.Field(i), b.Field(i), p, out)
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			*out = append(*out, path)
			return
		}
		for i := 0; i < a.Len(); i++ {
			diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		keys := map[string]reflect.Value{}
		for _, k := range append(a.MapKeys(), b.MapKeys()...) {
			keys[fmt.Sprint(k.Interface())] = k
		}
		for ks, k := range keys {
			va, vb := a.MapIndex(k), b.MapIndex(k)
			p := fmt.Sprintf("%s[%q]", path, ks)
			if !va.IsValid() || !vb.IsValid() {
				*out = append(*out, p)
				continue
			}
			diff(va, vb, p, out)
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, path)
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Covered tells whether a differing path is one the comment block lists:
// a listed field covers itself, anything under it, and "[*]" matches any
// index; "featureGates.X" covers the map entry featureGates["X"].
func Covered(path string, listed []string) bool {
	for _, l := range listed {
		re := "^" + strings.ReplaceAll(regexp.QuoteMeta(l), `\[\*\]`, `\[[^]]*\]`) + `($|[.\[])`
		if regexp.MustCompile(re).MatchString(path) {
			return true
		}
		if head, key, ok := strings.Cut(l, "."); ok && !strings.ContainsAny(key, ".[") && path == fmt.Sprintf("%s[%q]", head, key) {
			return true
		}
	}
	return false
}

// SortPortMappings orders every node's extraPortMappings by container port,
// protocol, listen address and host port: the order a rebuilt config has,
// since runtimes keep port bindings unordered. Apply it to the original
// before Diff.
func SortPortMappings(c *v1alpha4.Cluster) {
	for i := range c.Nodes {
		pm := c.Nodes[i].ExtraPortMappings
		slices.SortStableFunc(pm, func(x, y v1alpha4.PortMapping) int {
			return comparePorts(
				port{x.ListenAddress, int(x.HostPort), int(x.ContainerPort), string(x.Protocol)},
				port{y.ListenAddress, int(y.HostPort), int(y.ContainerPort), string(y.Protocol)})
		})
	}
}
