package create

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kina-dev/kina/internal/parallel"
	"github.com/kina-dev/kina/pkg/provider"
)

const (
	kubeadmConfigPath = "/kind/kubeadm.conf"
	adminConf         = "/etc/kubernetes/admin.conf"
	caCertPath        = "/etc/kubernetes/pki/ca.crt"
	// kubeadmPatchesDir holds the patches `kubeadm init` applies to what it
	// creates; kina puts its CoreDNS patch there.
	kubeadmPatchesDir = "/kind/patches"
	corednsPatchPath  = kubeadmPatchesDir + "/corednsdeployment+json.json"
)

// kubectl runs kubectl as the cluster admin on the bootstrap node.
func (c *cluster) kubectl(ctx context.Context, stdin string, args ...string) (string, error) {
	argv := append([]string{"kubectl", "--kubeconfig=" + adminConf}, args...)
	var in *strings.Reader
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	if in == nil {
		return nodeRun(ctx, c.p, c.plan.Bootstrap, nil, argv...)
	}
	return nodeRun(ctx, c.p, c.plan.Bootstrap, in, argv...)
}

// startCluster runs `kubeadm init` on the bootstrap node and overlaps with
// it what only needs part of it: workers set up their kubelets meanwhile and
// start them as soon as the API server answers, when kina also installs the
// CNI (its pods start as soon as the controller manager does); nodes that
// need `kubeadm join` join as soon as the bootstrap token works, while init
// finishes its last phases. The StorageClass follows init. A failure
// anywhere cancels the rest.
func (c *cluster) startCluster(ctx context.Context) error {
	if err := c.applyContainerdConfigs(ctx); err != nil {
		return err
	}
	if err := c.planEarlyWorkers(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	initDone, apiUp := make(chan struct{}), make(chan struct{})
	failing := func(err error) error {
		if err != nil {
			cancel()
		}
		return err
	}
	return parallel.Do(
		func() error {
			err := c.kubeadmInit(ctx)
			close(initDone)
			if err != nil {
				return failing(err)
			}
			return failing(parallel.Do(
				func() error { return c.finishControlPlane(ctx) },
				func() error { return c.installStorage(ctx) },
			))
		},
		func() error {
			c.waitAPIServer(ctx, initDone)
			close(apiUp)
			if ctx.Err() != nil {
				return nil // whoever cancelled reports why
			}
			return failing(c.installCNI(ctx))
		},
		func() error {
			late, err := c.prepareWorkerKubelets(ctx)
			if err != nil {
				return failing(err)
			}
			<-apiUp
			if ctx.Err() != nil {
				return nil
			}
			if err := c.startWorkerKubelets(ctx); err != nil || len(late) == 0 {
				return failing(err)
			}
			c.waitClusterInfoSigned(ctx, initDone)
			if ctx.Err() != nil {
				return nil
			}
			return failing(parallel.Each(late, func(n string) error { return c.kubeadmJoin(ctx, n) }))
		},
		func() error {
			if len(c.joiners()) == 0 {
				return nil
			}
			c.waitClusterInfoSigned(ctx, initDone)
			if ctx.Err() != nil {
				return nil
			}
			return failing(c.join(ctx))
		},
	)
}

// kubeadmInit starts the control plane on the bootstrap node. Preflight is
// skipped in the config file: the node image is known, and its checks would
// only repeat what the image guarantees.
func (c *cluster) kubeadmInit(ctx context.Context) error {
	_, err := nodeRun(ctx, c.p, c.plan.Bootstrap, nil,
		"kubeadm", "init", "--config="+kubeadmConfigPath, "--skip-token-print")
	return err
}

// finishControlPlane lets service load balancers use the control plane of a
// cluster without workers, as kind does.
func (c *cluster) finishControlPlane(ctx context.Context) error {
	if len(c.plan.workers()) > 0 {
		return nil
	}
	_, err := c.kubectl(ctx, "", "label", "nodes", "--all", "node.kubernetes.io/exclude-from-external-load-balancers-")
	return err
}

// joiners are the nodes planned to join with kubeadm: secondary control
// planes and workers whose config needs it (see planEarlyWorkers; workers
// that fall back later are joined where they fell back).
func (c *cluster) joiners() []node {
	early := map[string]bool{}
	for _, n := range c.earlyWorkers() {
		early[n] = true
	}
	var out []node
	for _, n := range c.plan.Nodes {
		if n.Name != c.plan.Bootstrap && !early[n.Name] {
			out = append(out, n)
		}
	}
	return out
}

// join adds secondary control planes one at a time (etcd grows one member at
// a time) and the remaining workers all at once.
func (c *cluster) join(ctx context.Context) error {
	var workers []node
	for _, n := range c.joiners() {
		if n.Role == provider.RoleWorker {
			workers = append(workers, n)
			continue
		}
		if err := c.copyClusterPKI(ctx, n.Name); err != nil {
			return err
		}
		if err := c.kubeadmJoin(ctx, n.Name); err != nil {
			return err
		}
	}
	return parallel.Each(workers, func(n node) error { return c.kubeadmJoin(ctx, n.Name) })
}

func (c *cluster) kubeadmJoin(ctx context.Context, name string) error {
	_, err := nodeRun(ctx, c.p, name, nil, "kubeadm", "join", "--config="+kubeadmConfigPath)
	if err != nil {
		return fmt.Errorf("join node %q: %w", name, err)
	}
	return nil
}

// exportKubeconfig hands admin.conf and the host address of the API to the caller.
func (c *cluster) exportKubeconfig(ctx context.Context) (string, error) {
	host, port, err := c.p.HostPort(ctx, c.plan.APINode(), APIServerPort)
	if err != nil {
		return "", err
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	server := fmt.Sprintf("https://%s:%d", host, port)
	if c.opts.Kubeconfig == nil {
		return server, nil
	}
	admin, err := nodeRun(ctx, c.p, c.plan.Bootstrap, nil, "cat", adminConf)
	if err != nil {
		return "", err
	}
	return server, c.opts.Kubeconfig(ctx, []byte(admin), server)
}

// sharedPKI are the files every control plane must share: the cluster CAs,
// the service-account key pair and the admin kubeconfig.
var sharedPKI = []string{
	"pki/ca.crt", "pki/ca.key", "pki/sa.key", "pki/sa.pub",
	"pki/front-proxy-ca.crt", "pki/front-proxy-ca.key",
	"pki/etcd/ca.crt", "pki/etcd/ca.key", "admin.conf",
}

// copyClusterPKI streams the shared certificates from the bootstrap node to a
// joining control plane as a tar, so they never touch the host's disk or logs.
func (c *cluster) copyClusterPKI(ctx context.Context, to string) error {
	pr, pw := io.Pipe()
	go func() {
		err := c.p.Exec(ctx, c.plan.Bootstrap, provider.Cmd{
			Args:   append([]string{"tar", "--create", "--directory=/etc/kubernetes", "--file=-"}, sharedPKI...),
			Stdout: pw,
		})
		pw.CloseWithError(err)
	}()
	_, err := nodeRun(ctx, c.p, to, pr, "tar", "--extract", "--directory=/etc/kubernetes", "--file=-")
	_, _ = io.Copy(io.Discard, pr)
	if err != nil {
		return fmt.Errorf("copy cluster certificates to %q: %w", to, err)
	}
	return nil
}

// dnsReadinessPatch probes CoreDNS's readiness every second instead of
// kubeadm's ten, so the cluster reports working DNS as soon as it has it.
// kubeadm applies it when it creates the Deployment (patch target
// corednsdeployment), so no rollout follows; a user config that points
// InitConfiguration.patches elsewhere only loses the faster probe.
const dnsReadinessPatch = `[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/periodSeconds","value":1}]`
