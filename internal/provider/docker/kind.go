package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Name is the provider's name ("docker" or "podman").
func (p *Provider) Name() string { return p.d.Name }

// InspectAll returns the full inspect document of every container (running
// or not) matching all the label filters, each "key" (label present) or
// "key=value". kina's migration reads kind's nodes from these documents:
// port bindings, bind mounts and environment are not in provider.Node.
func (p *Provider) InspectAll(ctx context.Context, labels ...string) ([]json.RawMessage, error) {
	args := []string{"ps", "--all", "--quiet", "--no-trunc"}
	for _, l := range labels {
		args = append(args, "--filter", "label="+l)
	}
	out, err := p.output(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s ps: %w", p.d.Name, err)
	}
	ids := strings.Fields(out)
	if len(ids) == 0 {
		return nil, nil
	}
	docs, err := p.inspectRaw(ctx, ids...)
	if err != nil && isNotFound(err) {
		// A container went away between ps and inspect (another cluster
		// being deleted): inspect one by one and skip the vanished.
		docs = nil
		for _, id := range ids {
			d, err := p.inspectRaw(ctx, id)
			if err != nil && isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			docs = append(docs, d...)
		}
		return docs, nil
	}
	return docs, err
}

func (p *Provider) inspectRaw(ctx context.Context, ids ...string) ([]json.RawMessage, error) {
	raw, err := p.output(ctx, append([]string{"inspect", "--type", "container"}, ids...)...)
	if err != nil {
		return nil, fmt.Errorf("%s inspect: %w", p.d.Name, err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &docs); err != nil {
		return nil, fmt.Errorf("decode %s inspect output: %w", p.d.Name, err)
	}
	return docs, nil
}

// DeleteKindNodes removes kind's node containers with their volumes. kind
// on Podman gives each node a named /var volume labelled "<node>=true",
// which `rm -v` does not remove; those go too.
func (p *Provider) DeleteKindNodes(ctx context.Context, names ...string) error {
	if err := p.DeleteNodes(ctx, names...); err != nil {
		return err
	}
	if p.d.Name != Podman.Name {
		return nil
	}
	for _, n := range names {
		out, err := p.output(ctx, "volume", "ls", "--quiet", "--filter", "label="+n+"=true")
		if err != nil {
			return fmt.Errorf("list volumes of kind node %s: %w", n, err)
		}
		if vols := strings.Fields(out); len(vols) > 0 {
			if _, err := p.output(ctx, append([]string{"volume", "rm", "--force"}, vols...)...); err != nil {
				return fmt.Errorf("remove volumes of kind node %s: %w", n, err)
			}
		}
	}
	return nil
}
