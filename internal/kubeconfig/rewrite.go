package kubeconfig

import (
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/clientcmd/api"
)

// Rewrite turns kubeadm's admin.conf (one cluster, user and context) into
// kina's entry for cluster: all three named kina-<cluster>, the context
// current. server replaces the cluster's server (https://127.0.0.1:<port>
// for use from the host); empty keeps kubeadm's own, for --internal.
func Rewrite(admin []byte, cluster, server string) (*api.Config, error) {
	in, err := clientcmd.Load(admin)
	if err != nil {
		return nil, fmt.Errorf("reading the admin kubeconfig: %w", err)
	}
	if len(in.Clusters) != 1 || len(in.AuthInfos) != 1 || len(in.Contexts) != 1 {
		return nil, fmt.Errorf("the admin kubeconfig has %d clusters, %d users and %d contexts; want one of each",
			len(in.Clusters), len(in.AuthInfos), len(in.Contexts))
	}
	name := ContextName(cluster)
	out := api.NewConfig()
	for _, c := range in.Clusters {
		c = c.DeepCopy()
		c.LocationOfOrigin = ""
		if server != "" {
			c.Server = server
		}
		out.Clusters[name] = c
	}
	for _, u := range in.AuthInfos {
		u = u.DeepCopy()
		u.LocationOfOrigin = ""
		out.AuthInfos[name] = u
	}
	for _, ctx := range in.Contexts {
		ctx = ctx.DeepCopy()
		ctx.LocationOfOrigin = ""
		ctx.Cluster, ctx.AuthInfo = name, name
		out.Contexts[name] = ctx
	}
	out.CurrentContext = name
	return out, nil
}
