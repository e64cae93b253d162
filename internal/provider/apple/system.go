package apple

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/kina-dev/kina/internal/run"
	"github.com/kina-dev/kina/pkg/provider"
)

// StartCommand is how the system service is started without the interactive
// kernel prompt (which fails without a TTY).
var StartCommand = []string{"container", "system", "start", "--enable-kernel-install"}

// ensureSystem checks `container system status` (exit 0 = running, 1 = not)
// and starts the service if the provider was told to. It returns the app
// root the status reports.
func (p *Provider) ensureSystem(ctx context.Context, bin string) (string, error) {
	out, err := run.Output(ctx, p.r, run.Cmd{Name: bin, Args: []string{"system", "status"}})
	if err == nil {
		return parseAppRoot(string(out)), nil
	}
	if !p.opts.startSystem {
		return "", fmt.Errorf("%w: the container system service is not running (%s); start it with `%s`, or let kina start it",
			provider.ErrUnavailable, firstLine(string(out), err), strings.Join(StartCommand, " "))
	}
	if err := p.r.Run(ctx, run.Cmd{Name: bin, Args: StartCommand[1:]}); err != nil {
		return "", fmt.Errorf("%w: start the container system service: %w", provider.ErrUnavailable, cliError(err))
	}
	out, err = run.Output(ctx, p.r, run.Cmd{Name: bin, Args: []string{"system", "status"}})
	if err != nil {
		return "", fmt.Errorf("%w: the container system service did not come up after `%s`: %w",
			provider.ErrUnavailable, strings.Join(StartCommand, " "), cliError(err))
	}
	return parseAppRoot(string(out)), nil
}

// The status shows the app root as "application data root: X" (before
// 0.10) or as the table row "appRoot X" (0.10+).
var appRootRe = regexp.MustCompile(`(?m)^\s*(?:appRoot|application data root:)\s+(\S.*?)\s*$`)

func parseAppRoot(status string) string {
	if m := appRootRe.FindStringSubmatch(status); m != nil {
		return m[1]
	}
	return ""
}

func firstLine(out string, err error) string {
	if s := strings.TrimSpace(out); s != "" {
		line, _, _ := strings.Cut(s, "\n")
		return line
	}
	return err.Error()
}
