package kubeadm

import (
	"errors"
	"fmt"
)

// ErrNeedsJoin says a node's JoinConfiguration asks for something only
// `kubeadm join` does: joining as a control plane, or taints, which join
// registers through the kubelet's flags and `init phase kubelet-start` does
// not.
var ErrNeedsJoin = errors.New("the node needs kubeadm join")

// KubeletStartConfig composes the config for `kubeadm init phase
// kubelet-start` on a worker, so that its kubelet can be set up before the
// control plane exists. From the bootstrap node's rendered config it keeps
// the ClusterConfiguration, KubeletConfiguration and KubeProxyConfiguration:
// what `kubeadm join` would download from the cluster, since init uploads
// exactly those. The InitConfiguration is replaced by one carrying the
// worker's nodeRegistration and patches from its rendered JoinConfiguration.
// The kubelet-start phase then writes the same kubeadm-flags.env and kubelet
// config a join would.
func KubeletStartConfig(bootstrap, join []byte) ([]byte, error) {
	boot, err := decodeObjects(string(bootstrap))
	if err != nil {
		return nil, fmt.Errorf("bootstrap config: %w", err)
	}
	joinObjs, err := decodeObjects(string(join))
	if err != nil {
		return nil, fmt.Errorf("join config: %w", err)
	}
	var jc *object
	for _, o := range joinObjs {
		if o.Kind == "JoinConfiguration" {
			jc = o
		}
	}
	if jc == nil {
		return nil, errors.New("join config has no JoinConfiguration")
	}
	if jc.fields["controlPlane"] != nil {
		return nil, fmt.Errorf("%w: it joins as a control plane", ErrNeedsJoin)
	}
	nr, _ := jc.fields["nodeRegistration"].(map[string]any)
	if taints, _ := nr["taints"].([]any); len(taints) > 0 {
		return nil, fmt.Errorf("%w: it registers with taints", ErrNeedsJoin)
	}
	init := &object{APIVersion: jc.APIVersion, Kind: "InitConfiguration", fields: map[string]any{
		"apiVersion": jc.APIVersion, "kind": "InitConfiguration", "nodeRegistration": nr,
	}}
	if p, ok := jc.fields["patches"]; ok {
		init.fields["patches"] = p
	}
	var out []*object
	for _, o := range boot {
		switch o.Kind {
		case "InitConfiguration":
			out = append(out, init)
		case "ClusterConfiguration", "KubeletConfiguration", "KubeProxyConfiguration":
			out = append(out, o)
		}
	}
	if len(out) != 4 {
		return nil, fmt.Errorf("bootstrap config has %d of the 4 documents kubelet-start needs", len(out))
	}
	return encodeObjects(out)
}
