package create

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
	jsonpatch "github.com/evanphx/json-patch/v5"
	"sigs.k8s.io/yaml"
)

// patchContainerdConfig applies kind's containerdConfigPatches (TOML merge
// patches) and containerdConfigPatchesJSON6902 to containerd's config.toml:
// the TOML becomes JSON, the patches apply as RFC 7386 / RFC 6902, and the
// result is written back as TOML. Comments do not survive.
func patchContainerdConfig(config string, merges, json6902 []string) (string, error) {
	var doc map[string]any
	if _, err := toml.Decode(config, &doc); err != nil {
		return "", fmt.Errorf("parse /etc/containerd/config.toml: %w", err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	for i, p := range merges {
		var patch map[string]any
		if _, err := toml.Decode(p, &patch); err != nil {
			return "", fmt.Errorf("containerdConfigPatches[%d]: not TOML: %w", i, err)
		}
		pj, err := json.Marshal(patch)
		if err != nil {
			return "", err
		}
		if js, err = jsonpatch.MergePatch(js, pj); err != nil {
			return "", fmt.Errorf("containerdConfigPatches[%d]: %w", i, err)
		}
	}
	for i, p := range json6902 {
		pj, err := yaml.YAMLToJSON([]byte(p))
		if err != nil {
			return "", fmt.Errorf("containerdConfigPatchesJSON6902[%d]: %w", i, err)
		}
		patch, err := jsonpatch.DecodePatch(pj)
		if err != nil {
			return "", fmt.Errorf("containerdConfigPatchesJSON6902[%d]: %w", i, err)
		}
		if js, err = patch.Apply(js); err != nil {
			return "", fmt.Errorf("containerdConfigPatchesJSON6902[%d]: %w", i, err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber() // keep `version = 2` an integer
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return "", err
	}
	var b strings.Builder
	if err := toml.NewEncoder(&b).Encode(tomlValues(out)); err != nil {
		return "", fmt.Errorf("encode containerd config: %w", err)
	}
	return b.String(), nil
}

// tomlValues turns json.Numbers back into TOML integers or floats.
func tomlValues(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = tomlValues(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = tomlValues(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}
