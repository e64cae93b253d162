// Command kina runs local Kubernetes clusters whose nodes are containers.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kina-dev/kina/internal/cli"
)

func main() {
	// Ctrl-C cancels the context; a create in progress then removes what it made.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
