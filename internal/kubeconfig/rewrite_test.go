package kubeconfig

import (
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	cfg := rewriteDemo(t, "https://127.0.0.1:41235")
	const name = "kina-demo"
	if cfg.CurrentContext != name || len(cfg.Clusters) != 1 || len(cfg.AuthInfos) != 1 || len(cfg.Contexts) != 1 {
		t.Fatalf("got %d clusters, %d users, %d contexts, current %q", len(cfg.Clusters), len(cfg.AuthInfos), len(cfg.Contexts), cfg.CurrentContext)
	}
	c, u, ctx := cfg.Clusters[name], cfg.AuthInfos[name], cfg.Contexts[name]
	if c == nil || u == nil || ctx == nil {
		t.Fatal("entries are not all named kina-demo")
	}
	if c.Server != "https://127.0.0.1:41235" || string(c.CertificateAuthorityData) != "CA-DATA" {
		t.Errorf("cluster: server %q, CA %q", c.Server, c.CertificateAuthorityData)
	}
	if string(u.ClientCertificateData) != "CERT" || string(u.ClientKeyData) != "KEY" {
		t.Error("user credentials were not carried over")
	}
	if ctx.Cluster != name || ctx.AuthInfo != name {
		t.Errorf("context points to %q/%q", ctx.Cluster, ctx.AuthInfo)
	}

	internal := rewriteDemo(t, "")
	if s := internal.Clusters[name].Server; s != "https://demo-control-plane:6443" {
		t.Errorf("--internal keeps kubeadm's server, got %q", s)
	}
}

func TestRewriteErrors(t *testing.T) {
	two := strings.Replace(adminConf, "contexts:\n", "contexts:\n- context: {cluster: kubernetes, user: kubernetes-admin}\n  name: second\n", 1)
	for name, in := range map[string]string{
		"two contexts": two,
		"empty":        "",
		"garbage":      "clusters: 7\n",
	} {
		_, err := Rewrite([]byte(in), "demo", "")
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "S0VZ") || strings.Contains(err.Error(), "Q0VSVA") {
			t.Errorf("%s: error quotes credentials: %v", name, err)
		}
	}
}
