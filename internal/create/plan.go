package create

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"

	"github.com/kina-dev/kina/internal/config"
	"github.com/kina-dev/kina/pkg/provider"
)

// APIServerPort is the port kube-apiserver listens on inside a node.
const APIServerPort = 6443

// node is one planned node: its name, role and the config entry it came from.
type node struct {
	Name      string
	Role      string
	Config    v1alpha4.Node
	Resources config.Resources
}

// plan is a cluster's layout, computed once from its config.
type plan struct {
	Name      string
	Network   string
	Nodes     []node // Kubernetes nodes, control planes first
	LB        *node  // the external load balancer, only with several control planes
	Bootstrap string // the control plane that runs `kubeadm init`
}

// newPlan orders the config's nodes control planes first, so the bootstrap
// node is the first control plane whatever the file's order.
func newPlan(network string, c *config.Config) (*plan, error) {
	p := &plan{Name: c.Name(), Network: network}
	nodes := c.Nodes()
	for _, role := range []string{provider.RoleControlPlane, provider.RoleWorker} {
		for _, n := range nodes {
			if string(n.Role) == role {
				p.Nodes = append(p.Nodes, node{Name: n.Name, Role: role, Config: n.Node, Resources: n.Resources})
			}
		}
	}
	if len(p.Nodes) != len(nodes) {
		return nil, fmt.Errorf("cluster %q has a node whose role is neither %q nor %q", p.Name, provider.RoleControlPlane, provider.RoleWorker)
	}
	cps := len(p.controlPlanes())
	if cps == 0 {
		return nil, fmt.Errorf("cluster %q has no control-plane node", p.Name)
	}
	p.Bootstrap = p.Nodes[0].Name
	if cps > 1 {
		p.LB = &node{Name: p.Name + "-" + config.LoadBalancerRole, Role: provider.RoleLoadBalancer}
	}
	return p, nil
}

// APINode is the node that publishes the API server on the host.
func (p *plan) APINode() string {
	if p.LB != nil {
		return p.LB.Name
	}
	return p.Bootstrap
}

// Endpoint is the API server address inside the cluster network.
func (p *plan) Endpoint() string {
	return p.APINode() + ":" + strconv.Itoa(APIServerPort)
}

func (p *plan) controlPlanes() []node { return p.byRole(provider.RoleControlPlane) }
func (p *plan) workers() []node       { return p.byRole(provider.RoleWorker) }

func (p *plan) byRole(role string) []node {
	var out []node
	for _, n := range p.Nodes {
		if n.Role == role {
			out = append(out, n)
		}
	}
	return out
}

// names lists every container the plan creates.
func (p *plan) names() []string {
	var out []string
	if p.LB != nil {
		out = append(out, p.LB.Name)
	}
	for _, n := range p.Nodes {
		out = append(out, n.Name)
	}
	return out
}

// Labels are the labels every container of the cluster carries.
func Labels(cluster, role string) map[string]string {
	return map[string]string{
		provider.LabelCluster: cluster,
		provider.LabelRole:    role,
		provider.LabelOwner:   provider.OwnerKina,
	}
}

// NodeNames lists the containers a create of c makes, so that cleanup can
// remove even those the runtime had not finished labelling.
func NodeNames(c *config.Config) []string {
	p, err := newPlan("", c)
	if err != nil {
		return nil
	}
	return p.names()
}
