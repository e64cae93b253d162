package apple

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/kina-dev/kina/pkg/provider"
)

// errNoNetworks explains the macOS 15 limit. Callers that get it from
// EnsureNetwork may still create a single node on the default network.
var errNoNetworks = fmt.Errorf("%w: container networks need macOS 26; on macOS 15 containers cannot reach each other, so only a single-node cluster on the default network works", provider.ErrUnsupported)

// networkNameRe is the runtime's rule for network names.
var networkNameRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$`)

// EnsureNetwork implements provider.Provider. On macOS 15 it returns an
// error wrapping provider.ErrUnsupported: the caller then puts a single node
// on the default network (NodeSpec.Network "") and refuses more nodes. IPv6
// needs nothing: on macOS 26 vmnet gives every network an IPv6 prefix.
func (p *Provider) EnsureNetwork(ctx context.Context, spec provider.NetworkSpec) error {
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	if !pr.Features.Networks {
		return fmt.Errorf("network %q: %w", spec.Name, errNoNetworks)
	}
	if spec.Name == "" || spec.Name == "default" {
		return nil
	}
	if !networkNameRe.MatchString(spec.Name) {
		return fmt.Errorf("network name %q: lowercase letters, digits, '.', '_' and '-' only, at most 63", spec.Name)
	}
	err = p.r.Run(ctx, p.cmd(pr, "network", "create", "--label", provider.LabelOwner+"="+provider.OwnerKina, spec.Name))
	if err = cliError(err); err == nil || errors.Is(err, provider.ErrAlreadyExists) {
		return nil
	}
	return fmt.Errorf("create network %q: %w", spec.Name, err)
}

// DeleteNetwork implements provider.Provider.
func (p *Provider) DeleteNetwork(ctx context.Context, name string) error {
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	if !pr.Features.Networks || name == "" || name == "default" {
		return nil
	}
	err = cliError(p.r.Run(ctx, p.cmd(pr, "network", "delete", name)))
	if err == nil || errors.Is(err, provider.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("delete network %q: %w", name, err)
}
