package create

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kina-dev/kina/internal/kubeadm"
	"github.com/kina-dev/kina/internal/parallel"
	"github.com/kina-dev/kina/pkg/provider"
)

// Workers start without `kubeadm join` when their config allows it (see
// kubeadm.KubeletStartConfig). While `kubeadm init` starts the control plane
// (the host CPU was ~45 % idle then, measured), kina has the bootstrap node
// sign each worker a kubelet client certificate with the cluster CA (what TLS
// bootstrapping would get it) and lets kubeadm write the worker's kubelet
// files with the kubelet held back; the kubelet starts the moment the API
// server answers. `kubeadm join` could only start after init's bootstrap
// token phase, when the CPU is saturated by every node starting its pods.
const (
	kubeletStartConfigPath = "/kind/kubelet-start.conf"
	// stagedCACert waits out kubelet-start: kubeadm init phases take a
	// ca.crt without its key for an external CA and then demand every
	// certificate.
	stagedCACert      = "/kind/kubelet-ca.crt"
	kubeletConf       = "/etc/kubernetes/kubelet.conf"
	kubeletPKIDir     = "/var/lib/kubelet/pki"
	kubeletCurrentPEM = kubeletPKIDir + "/kubelet-client-current.pem"
)

// Fixed scripts: node names and paths never become script text.
const (
	// kubeadm restarts the kubelet after writing its files; masked, the
	// kubelet stays down (kubeadm only warns) until the API answers, so it
	// does not back off registering against a missing API server.
	holdKubeletScript = `systemctl mask --runtime --now kubelet >/dev/null &&
kubeadm init phase kubelet-start --config=` + kubeletStartConfigPath + ` &&
mkdir -p /etc/kubernetes/pki && mv ` + stagedCACert + ` ` + caCertPath
	startKubeletScript = `systemctl unmask --runtime kubelet >/dev/null && exec systemctl start kubelet`
)

// planEarlyWorkers decides which workers start without kubeadm join and
// composes their kubelet-start configs; it only reads rendered configs.
func (c *cluster) planEarlyWorkers() error {
	for _, n := range c.plan.workers() {
		cfg, err := kubeadm.KubeletStartConfig(c.rendered[c.plan.Bootstrap], c.rendered[n.Name])
		if errors.Is(err, kubeadm.ErrNeedsJoin) {
			continue
		}
		if err != nil {
			return fmt.Errorf("kubelet config for node %q: %w", n.Name, err)
		}
		c.kubeletStart[n.Name] = cfg
	}
	return nil
}

// prepareWorkerKubelets sets up every early worker's kubelet, held back. It
// returns the workers for which kubeadm could not issue a kubelet
// certificate (an older kubeadm may refuse kina's config there): nothing was
// written on them, so they can still join with kubeadm.
func (c *cluster) prepareWorkerKubelets(ctx context.Context) (late []string, err error) {
	err = parallel.Each(c.earlyWorkers(), func(name string) error {
		creds, err := c.kubeletCredentials(ctx, name)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			c.mu.Lock()
			c.late[name] = true
			c.mu.Unlock()
			return nil
		}
		return c.prepareWorkerKubelet(ctx, name, creds)
	})
	for _, n := range c.plan.workers() {
		if c.isLate(n.Name) {
			late = append(late, n.Name)
		}
	}
	return late, err
}

func (c *cluster) isLate(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.late[name]
}

func (c *cluster) prepareWorkerKubelet(ctx context.Context, name string, creds *clientcmdapi.Config) error {
	files, err := kubeletFiles(creds, c.kubeletStart[name], time.Now())
	if err != nil {
		return fmt.Errorf("kubelet files for node %q: %w", name, err)
	}
	if err := writeFilesAndRun(ctx, c.p, name, holdKubeletScript, files...); err != nil {
		return fmt.Errorf("set up the kubelet of node %q: %w", name, err)
	}
	return nil
}

// kubeletCredentials has kubeadm on the bootstrap node issue a kubeconfig
// for the node's kubelet: user system:node:NAME in group system:nodes, signed
// by the cluster CA. Its output holds a private key: it is never logged or
// put in an error.
func (c *cluster) kubeletCredentials(ctx context.Context, node string) (*clientcmdapi.Config, error) {
	var out bytes.Buffer
	err := c.p.Exec(ctx, c.plan.Bootstrap, provider.Cmd{Args: []string{
		"kubeadm", "kubeconfig", "user", "--config=" + kubeadmConfigPath,
		"--client-name=system:node:" + node, "--org=system:nodes",
	}, Stdout: &out})
	if err != nil {
		return nil, fmt.Errorf("issue the kubelet certificate of node %q: %w", node, err)
	}
	cfg, err := clientcmd.Load(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("issue the kubelet certificate of node %q: kubeadm printed no kubeconfig", node)
	}
	return cfg, nil
}

// kubeletFiles lays a worker's kubelet out as TLS bootstrapping would have:
// the certificate and key in one PEM under /var/lib/kubelet/pki, linked as
// kubelet-client-current.pem, which kubelet.conf names (so the kubelet
// rotates it), plus the CA and the kubelet-start config.
func kubeletFiles(creds *clientcmdapi.Config, startCfg []byte, now time.Time) ([]nodeFile, error) {
	ctxt := creds.Contexts[creds.CurrentContext]
	if ctxt == nil {
		return nil, errors.New("issued kubeconfig has no current context")
	}
	cluster, user := creds.Clusters[ctxt.Cluster], creds.AuthInfos[ctxt.AuthInfo]
	if cluster == nil || user == nil || len(user.ClientCertificateData) == 0 || len(user.ClientKeyData) == 0 || len(cluster.CertificateAuthorityData) == 0 {
		return nil, errors.New("issued kubeconfig lacks the server, CA, certificate or key")
	}
	conf := clientcmdapi.NewConfig()
	conf.Clusters["default-cluster"] = &clientcmdapi.Cluster{Server: cluster.Server, CertificateAuthorityData: cluster.CertificateAuthorityData}
	conf.AuthInfos["default-auth"] = &clientcmdapi.AuthInfo{ClientCertificate: kubeletCurrentPEM, ClientKey: kubeletCurrentPEM}
	conf.Contexts["default-context"] = &clientcmdapi.Context{Cluster: "default-cluster", AuthInfo: "default-auth", Namespace: "default"}
	conf.CurrentContext = "default-context"
	kubeconfig, err := clientcmd.Write(*conf)
	if err != nil {
		return nil, err
	}
	pemPath := kubeletPKIDir + "/kubelet-client-" + now.UTC().Format("2006-01-02-15-04-05") + ".pem"
	pem := append(append([]byte{}, user.ClientCertificateData...), user.ClientKeyData...)
	return []nodeFile{
		{path: stagedCACert, mode: 0o644, data: cluster.CertificateAuthorityData},
		{path: pemPath, mode: 0o600, data: pem},
		{path: kubeletCurrentPEM, link: pemPath},
		{path: kubeletConf, mode: 0o600, data: kubeconfig},
		{path: kubeletStartConfigPath, mode: 0o600, data: startCfg},
	}, nil
}

// startWorkerKubelets starts the kubelets prepared ahead of the control plane.
func (c *cluster) startWorkerKubelets(ctx context.Context) error {
	var ready []string
	for _, n := range c.earlyWorkers() {
		if !c.isLate(n) {
			ready = append(ready, n)
		}
	}
	return parallel.Each(ready, func(name string) error {
		if _, err := nodeRun(ctx, c.p, name, nil, "sh", "-c", startKubeletScript); err != nil {
			return fmt.Errorf("start the kubelet of node %q: %w", name, err)
		}
		return nil
	})
}

// earlyWorkers are the workers planned to start without kubeadm join, in
// plan order (the plan is fixed before the start stage runs).
func (c *cluster) earlyWorkers() []string {
	var out []string
	for _, n := range c.plan.workers() {
		if _, ok := c.kubeletStart[n.Name]; ok {
			out = append(out, n.Name)
		}
	}
	return out
}
