package kubeadm

import (
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

// Patches are one level (cluster or node) of a kind config's patches.
type Patches struct {
	Merge    []string                 // kubeadmConfigPatches
	JSON6902 []v1alpha4.PatchJSON6902 // kubeadmConfigPatchesJSON6902
}

// Build renders c, applies the cluster-level then the node-level patches,
// and strips the matching metadata: the file to write to the node.
func Build(c Config, cluster, node Patches) ([]byte, error) {
	doc, err := Render(c)
	if err != nil {
		return nil, err
	}
	for _, lvl := range []struct {
		name string
		p    Patches
	}{{"cluster", cluster}, {"node " + c.NodeName, node}} {
		if doc, err = Patch(doc, lvl.p.Merge, lvl.p.JSON6902); err != nil {
			return nil, fmt.Errorf("%s-level patches: %w", lvl.name, err)
		}
	}
	return StripMetadata(doc)
}

// mergePatch is one document of a kubeadmConfigPatches entry.
type mergePatch struct {
	label string // for errors: kubeadmConfigPatches[i] (document j)
	obj   *object
}

type json6902Patch struct {
	label      string
	apiVersion string // "" matches any
	kind       string
	ops        jsonpatch.Patch
}

// Patch applies kind-style patches to a YAML stream, as kind does: each
// merge patch (RFC 7386, one per document of each entry) to every document
// with the same kind and, if the patch sets it, the same apiVersion; then
// each JSON 6902 patch to every document with its group/version and kind.
// A patch that matches nothing is ignored, as in kind (a patch for
// InitConfiguration legitimately misses joining nodes). Errors name the
// patch by its index in the given lists.
func Patch(doc []byte, mergePatches []string, json6902 []v1alpha4.PatchJSON6902) ([]byte, error) {
	objs, err := decodeObjects(string(doc))
	if err != nil {
		return nil, fmt.Errorf("parse kubeadm config: %w", err)
	}
	merges, err := parseMergePatches(mergePatches)
	if err != nil {
		return nil, err
	}
	jsons, err := parseJSON6902(json6902)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if err := applyAll(o, merges, jsons); err != nil {
			return nil, err
		}
	}
	return encodeObjects(objs)
}

func applyAll(o *object, merges []mergePatch, jsons []json6902Patch) error {
	for _, p := range merges {
		if p.obj.Kind != o.Kind || (p.obj.APIVersion != "" && p.obj.APIVersion != o.APIVersion) {
			continue
		}
		if err := applyMerge(o, p.obj); err != nil {
			return fmt.Errorf("%s: apply to %s: %w", p.label, o.Kind, err)
		}
	}
	for _, p := range jsons {
		if p.kind != o.Kind || (p.apiVersion != "" && p.apiVersion != o.APIVersion) {
			continue
		}
		if err := applyJSON6902(o, p.ops); err != nil {
			return fmt.Errorf("%s: apply to %s: %w", p.label, o.Kind, err)
		}
	}
	return nil
}

func parseMergePatches(raw []string) ([]mergePatch, error) {
	var out []mergePatch
	for i, r := range raw {
		for j, d := range splitDocuments(r) {
			label := fmt.Sprintf("kubeadmConfigPatches[%d]", i)
			if j > 0 {
				label += fmt.Sprintf(" (document %d)", j)
			}
			obj, err := decodeObject(d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if obj != nil {
				out = append(out, mergePatch{label: label, obj: obj})
			}
		}
	}
	return out, nil
}

func parseJSON6902(raw []v1alpha4.PatchJSON6902) ([]json6902Patch, error) {
	out := make([]json6902Patch, 0, len(raw))
	for i, r := range raw {
		label := fmt.Sprintf("kubeadmConfigPatchesJSON6902[%d]", i)
		j, err := yaml.YAMLToJSON([]byte(r.Patch))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		ops, err := jsonpatch.DecodePatch(j)
		if err != nil {
			return nil, fmt.Errorf("%s: not a JSON 6902 patch: %w", label, err)
		}
		out = append(out, json6902Patch{
			label: label, kind: r.Kind, ops: ops,
			apiVersion: groupVersion(r.Group, r.Version),
		})
	}
	return out, nil
}

// groupVersion joins group and version like an apiVersion; both empty
// gives "" which matches any apiVersion (kind's rule).
func groupVersion(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}
