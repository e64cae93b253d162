package apple

import (
	"context"
	"errors"
	"fmt"

	"github.com/kina-dev/kina/pkg/provider"
)

// ExecArgs returns the arguments after the binary for running cmd in node.
// -i is added only with stdin (never -t: kina pipes data, it has no TTY).
func ExecArgs(node string, cmd provider.Cmd) []string {
	args := []string{"exec"}
	if cmd.Stdin != nil {
		args = append(args, "--interactive")
	}
	for _, e := range cmd.Env {
		args = append(args, "--env", e)
	}
	args = append(args, node)
	return append(args, cmd.Args...)
}

// Exec implements provider.Provider. A failing command keeps its exit code
// in the returned *run.Error; a failure of the CLI itself (node missing or
// stopped) is recognised by its `Error:` line and wraps provider.ErrNotFound
// or ErrNotRunning.
func (p *Provider) Exec(ctx context.Context, node string, cmd provider.Cmd) error {
	if len(cmd.Args) == 0 {
		return fmt.Errorf("exec in %q: no command", node)
	}
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	c := p.cmd(pr, ExecArgs(node, cmd)...)
	c.Stdin, c.Stdout, c.Stderr = cmd.Stdin, cmd.Stdout, cmd.Stderr
	err = p.r.Run(ctx, c)
	if err == nil {
		return nil
	}
	var ce *CLIError
	if err := cliError(err); errors.As(err, &ce) {
		return fmt.Errorf("exec in %q: %w", node, err)
	}
	return fmt.Errorf("exec %q in %q: %w", cmd.Args[0], node, err)
}
