package apple

import "context"

// PrepareNode prepares a booted node for kubeadm (sysctls, MSS clamping);
// the create pipeline calls it on providers that have it.
func (p *Provider) PrepareNode(ctx context.Context, node string) error {
	return PrepareNode(ctx, p, node)
}

// CheckNode returns a warning when the node runs a kernel too old for
// Kubernetes networking, with the command that fixes it.
func (p *Provider) CheckNode(ctx context.Context, node string) (string, error) {
	r, err := NodeKernel(ctx, p, node)
	if err != nil {
		return "", err
	}
	return r.Warning, nil
}
