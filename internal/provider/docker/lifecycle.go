package docker

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// DeleteNodes implements provider.Provider. Anonymous volumes (the node's
// /var) go with the container; without -v each deleted node leaks ~1 GB.
func (p *Provider) DeleteNodes(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	args := append([]string{"rm", "--force", "--volumes"}, p.d.RemoveExtra...)
	err := p.r.Run(ctx, p.cmd(append(args, names...)...))
	if err != nil && !onlyNotFound(err) {
		return fmt.Errorf("delete nodes %s: %w", strings.Join(names, ", "), err)
	}
	return nil
}

// onlyNotFound tells whether every line of a failed rm's stderr is a
// "no such container" complaint, which deleting treats as success.
func onlyNotFound(err error) bool {
	re, ok := err.(*run.Error)
	if !ok {
		return false
	}
	lines := strings.Split(strings.TrimSpace(re.Stderr), "\n")
	for _, l := range lines {
		l = strings.ToLower(l)
		if !strings.Contains(l, "no such container") && !strings.Contains(l, "no container with") {
			return false
		}
	}
	return len(lines) > 0
}

// Exec implements provider.Provider.
func (p *Provider) Exec(ctx context.Context, node string, c provider.Cmd) error {
	if len(c.Args) == 0 {
		return fmt.Errorf("exec in %q: empty command", node)
	}
	args := []string{"exec"}
	if c.Stdin != nil {
		args = append(args, "--interactive")
	}
	for _, e := range c.Env {
		args = append(args, "--env", e)
	}
	args = append(args, node)
	args = append(args, c.Args...)
	err := p.r.Run(ctx, run.Cmd{Name: p.d.Binary, Args: args, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr})
	if err != nil && nodeMissing(err, node) {
		return fmt.Errorf("exec in node %q: %w: %w", node, provider.ErrNotFound, err)
	}
	return err
}

// nodeMissing tells whether an exec failed because the runtime has no such
// container, as opposed to the command in the node failing. Both print to
// the same stderr, so the runtime's own wording, naming the node, decides.
func nodeMissing(err error, node string) bool {
	re, ok := err.(*run.Error)
	if !ok {
		return false
	}
	s := strings.ToLower(re.Stderr)
	n := strings.ToLower(node)
	return strings.Contains(s, "no such container: "+n) || strings.Contains(s, `no container with name or id "`+n+`"`)
}

// Logs implements provider.Provider.
func (p *Provider) Logs(ctx context.Context, node string, w io.Writer) error {
	return p.r.Run(ctx, run.Cmd{Name: p.d.Binary, Args: []string{"logs", node}, Stdout: w, Stderr: w})
}

// SaveImages implements provider.Provider.
func (p *Provider) SaveImages(ctx context.Context, w io.Writer, images ...string) error {
	if len(images) == 0 {
		return fmt.Errorf("save images: no image named")
	}
	args := append([]string{"save"}, images...)
	if err := p.r.Run(ctx, run.Cmd{Name: p.d.Binary, Args: args, Stdout: w}); err != nil {
		return fmt.Errorf("save images %s: %w", strings.Join(images, ", "), err)
	}
	return nil
}

// EnsureNetwork implements provider.Provider.
func (p *Provider) EnsureNetwork(ctx context.Context, spec provider.NetworkSpec) error {
	if err := p.r.Run(ctx, p.cmd("network", "inspect", spec.Name)); err == nil {
		return nil
	}
	args := []string{"network", "create", "--label", provider.LabelOwner + "=" + provider.OwnerKina}
	if spec.IPv6 {
		args = append(args, "--ipv6")
	}
	args = append(args, spec.Name)
	err := p.r.Run(ctx, p.cmd(args...))
	if err != nil && !strings.Contains(strings.ToLower(err.Error()), "already exists") {
		return fmt.Errorf("create network %q: %w", spec.Name, err)
	}
	return nil
}

// DeleteNetwork implements provider.Provider.
func (p *Provider) DeleteNetwork(ctx context.Context, name string) error {
	err := p.r.Run(ctx, p.cmd("network", "rm", name))
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete network %q: %w", name, err)
	}
	return nil
}

// ImageID returns the ID (config digest) of an image in the runtime's store.
func (p *Provider) ImageID(ctx context.Context, ref string) (string, error) {
	out, err := p.output(ctx, "image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		return "", fmt.Errorf("inspect image %q: %w", ref, err)
	}
	id := strings.TrimSpace(out)
	if !strings.Contains(id, ":") {
		id = "sha256:" + id
	}
	return id, nil
}
