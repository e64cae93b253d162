package kubeadm

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// applyMerge applies one RFC 7386 merge patch to o, after merging the
// fields RFC 7386 would get wrong by hand (see mergeSpecial).
func applyMerge(o *object, p *object) error {
	patch, err := deepCopy(p.fields)
	if err != nil {
		return err
	}
	mergeSpecial(o.fields, patch, o.APIVersion == V1Beta4)
	target, err := json.Marshal(o.fields)
	if err != nil {
		return err
	}
	pj, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	merged, err := jsonpatch.MergePatch(target, pj)
	if err != nil {
		return fmt.Errorf("merge patch: %w", err)
	}
	o.fields, err = decodeJSONObject(merged)
	return err
}

func applyJSON6902(o *object, ops jsonpatch.Patch) error {
	target, err := json.Marshal(o.fields)
	if err != nil {
		return err
	}
	patched, err := ops.Apply(target)
	if err != nil {
		return fmt.Errorf("JSON 6902 patch: %w", err)
	}
	o.fields, err = decodeJSONObject(patched)
	return err
}

// mergeSpecial walks target and patch together, as kind does, and handles
// the keys where a plain merge patch would replace rather than merge:
//   - certSANs: the patch's names are added to the target's, never replace
//     them (any API version);
//   - extraArgs and kubeletExtraArgs in a v1beta4 target: list entries are
//     merged by name (a null value removes the flag) and a map-style patch
//     is converted to the list form first.
//
// Handled keys are removed from the patch. kina also converts a list-style
// patch to a map for a v1beta3 target, where kind would write a list
// kubeadm cannot read; and it converts a map-style patch that names v1beta4
// explicitly, which kind silently drops. Neither changes a patch that
// works with kind.
func mergeSpecial(target, patch map[string]any, v1beta4 bool) {
	for _, k := range slices.Sorted(maps.Keys(patch)) {
		pv := patch[k]
		switch {
		case k == "extraArgs" || k == "kubeletExtraArgs":
			if v1beta4 {
				mergeArgList(target, k, pv)
				delete(patch, k)
			} else if m, ok := argListToMap(pv); ok {
				patch[k] = m
			}
		case k == "certSANs":
			if u := unionList(target[k], pv); u != nil {
				target[k] = u
			}
			delete(patch, k)
		default:
			pm, ok := pv.(map[string]any)
			if !ok {
				continue
			}
			if _, exists := target[k]; !exists {
				target[k] = map[string]any{}
			}
			if tm, ok := target[k].(map[string]any); ok {
				mergeSpecial(tm, pm, v1beta4)
			}
		}
	}
}

// mergeArgList merges patch args into target[key] as a name/value list.
func mergeArgList(target map[string]any, key string, patchVal any) {
	list := argsAsList(target[key])
	for _, item := range argsAsList(patchVal) {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		name, ok := m["name"].(string)
		if !ok {
			continue
		}
		list = setArg(list, name, m["value"])
	}
	if len(list) == 0 {
		delete(target, key)
		return
	}
	target[key] = list
}

// setArg sets the first arg called name to value, appends it if absent,
// or removes it when value is null.
func setArg(list []any, name string, value any) []any {
	for i, item := range list {
		if m, ok := item.(map[string]any); ok && m["name"] == name {
			if value == nil {
				return append(list[:i], list[i+1:]...)
			}
			m["value"] = value
			return list
		}
	}
	if value == nil {
		return list
	}
	return append(list, map[string]any{"name": name, "value": value})
}

// argsAsList reads extraArgs in either form; maps come out in name order.
func argsAsList(v any) []any {
	switch t := v.(type) {
	case []any:
		return t
	case map[string]any:
		out := make([]any, 0, len(t))
		for _, k := range slices.Sorted(maps.Keys(t)) {
			out = append(out, map[string]any{"name": k, "value": t[k]})
		}
		return out
	}
	return nil
}

// argListToMap converts a list-style extraArgs patch to the map form; ok
// is false when v is not a well-formed list (it is then left alone).
func argListToMap(v any) (map[string]any, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	m := make(map[string]any, len(list))
	for _, item := range list {
		im, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		name, ok := im["name"].(string)
		if !ok {
			return nil, false
		}
		m[name] = im["value"]
	}
	return m, true
}

// unionList appends patch items missing from target (target order kept).
func unionList(target, patch any) any {
	tl, _ := target.([]any)
	pl, ok := patch.([]any)
	if !ok {
		return target
	}
	for _, p := range pl {
		found := false
		for _, t := range tl {
			if reflect.DeepEqual(t, p) {
				found = true
				break
			}
		}
		if !found {
			tl = append(tl, p)
		}
	}
	return tl
}

func deepCopy(m map[string]any) (map[string]any, error) {
	j, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return decodeJSONObject(j)
}
