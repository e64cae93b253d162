package create

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"text/template"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const (
	cniManifest     = "/kind/manifests/default-cni.yaml"
	storageManifest = "/kind/manifests/default-storage.yaml"
	// templateMarker is the text kind looks for before treating the CNI
	// manifest as a Go template.
	templateMarker = "would you kindly template this file"
	// patchMarker asks for the API server's in-cluster address in the CNI
	// DaemonSet and the storage provisioner's Deployment, so neither needs
	// kube-proxy's Service rules to reach the API (a kina convention).
	patchMarker = "would you kindly patch this file"
)

// readAddons prepares the node image's CNI and StorageClass manifests, read
// while nodes boot, the CNI (unless disabled) rendered with the pod subnet,
// so that each can be applied the moment it may be.
func (c *cluster) readAddons(cni, storage string) error {
	if !c.opts.Config.Cluster.Networking.DisableDefaultCNI {
		manifest := cni
		var err error
		if strings.Contains(manifest, templateMarker) {
			if manifest, err = renderCNI(manifest, c.opts.Config.Cluster.Networking.PodSubnet); err != nil {
				return err
			}
		}
		if strings.Contains(manifest, patchMarker) {
			if manifest, err = addEnv(manifest, "DaemonSet", [2]string{"CONTROL_PLANE_ENDPOINT", c.apiEndpoint}); err != nil {
				return err
			}
		}
		c.cni = manifest
	}
	if strings.Contains(storage, patchMarker) {
		// The provisioner's first API call went to the kubernetes Service
		// before kube-proxy served it on its node, failed and restarted
		// the pod (measured on 4-node clusters). Like the CNI agent, it
		// runs on the node's network (see the manifest) and is given the
		// API server's endpoint, which the node's DNS resolves.
		host, port, err := net.SplitHostPort(c.apiEndpoint)
		if err != nil {
			return fmt.Errorf("API endpoint %q: %w", c.apiEndpoint, err)
		}
		if storage, err = addEnv(storage, "Deployment", [2]string{"KUBERNETES_SERVICE_HOST", host}, [2]string{"KUBERNETES_SERVICE_PORT", port}); err != nil {
			return fmt.Errorf("%s: %w", storageManifest, err)
		}
	}
	c.storage = storage
	return nil
}

// applyAsSuperAdmin applies a manifest from stdin with kubeadm's
// super-admin.conf (system:masters) where it exists (kubeadm 1.29 on):
// admin.conf's rights come from a binding kubeadm creates only after the API
// server answers, and the addons are applied at that moment (measured: the
// apply was refused as Forbidden). Older kubeadm's admin.conf is itself in
// system:masters. Fixed script; the manifest comes on stdin.
const applyAsSuperAdmin = `k=/etc/kubernetes/super-admin.conf
[ -e "$k" ] || k=/etc/kubernetes/admin.conf
exec kubectl --kubeconfig="$k" apply -f -`

// installCNI applies the CNI readAddons prepared, if any.
func (c *cluster) installCNI(ctx context.Context) error {
	return c.apply(ctx, c.cni)
}

// installStorage applies the default StorageClass and its provisioner. It
// runs once init is done: started earlier, measured, the provisioner came up
// before kube-proxy existed, could not reach the API through its Service and
// restarted once.
func (c *cluster) installStorage(ctx context.Context) error {
	return c.apply(ctx, c.storage)
}

func (c *cluster) apply(ctx context.Context, manifest string) error {
	if manifest == "" {
		return nil
	}
	_, err := nodeRun(ctx, c.p, c.plan.Bootstrap, strings.NewReader(manifest), "sh", "-c", applyAsSuperAdmin)
	return err
}

func renderCNI(manifest, podSubnet string) (string, error) {
	t, err := template.New("cni").Parse(manifest)
	if err != nil {
		return "", fmt.Errorf("parse %s as a template: %w", cniManifest, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, struct{ PodSubnet string }{podSubnet}); err != nil {
		return "", fmt.Errorf("render %s: %w", cniManifest, err)
	}
	return b.String(), nil
}

// waitReady waits until every node reports Ready. kubectl wait watches the
// nodes instead of polling, so it returns as soon as the last one turns Ready.
// Running out of time is reported, not treated as a failure (as kind does).
func (c *cluster) waitReady(ctx context.Context) (bool, error) {
	deadline := time.Now().Add(c.opts.Wait)
	_, err := c.kubectl(ctx, "", "wait", "--for=condition=Ready", "nodes", "--all",
		fmt.Sprintf("--timeout=%ds", int(time.Until(deadline).Seconds())+1))
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	return true, nil
}

// addEnv adds environment variables (name, value pairs) to every container
// of every object of the given kind (DaemonSet, Deployment) in a
// multi-document manifest, leaving other documents as written.
func addEnv(manifest, kind string, vars ...[2]string) (string, error) {
	docs := strings.Split(manifest, "\n---")
	for i, doc := range docs {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return "", fmt.Errorf("parse manifest document %d: %w", i, err)
		}
		if obj["kind"] != kind {
			continue
		}
		containers, _, err := unstructured.NestedSlice(obj, "spec", "template", "spec", "containers")
		if err != nil {
			return "", fmt.Errorf("manifest document %d: %w", i, err)
		}
		for j := range containers {
			ctr, ok := containers[j].(map[string]any)
			if !ok {
				continue
			}
			env, _ := ctr["env"].([]any)
			for _, v := range vars {
				env = append(env, map[string]any{"name": v[0], "value": v[1]})
			}
			ctr["env"] = env
		}
		if err := unstructured.SetNestedSlice(obj, containers, "spec", "template", "spec", "containers"); err != nil {
			return "", err
		}
		out, err := yaml.Marshal(obj)
		if err != nil {
			return "", err
		}
		docs[i] = "\n" + string(out)
	}
	return strings.Join(docs, "\n---"), nil
}
