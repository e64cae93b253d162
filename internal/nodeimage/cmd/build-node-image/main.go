// Command build-node-image runs nodeimage.Build without the kina CLI, for
// hack/build-node-image.sh while "kina build node-image" is not wired yet.
//
//	go run ./internal/nodeimage/cmd/build-node-image -kube-bin-dir DIR -image-archives DIR[,DIR...] [-image TAG] [-base-image TAG] [-runtime docker|podman] [-force]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/kina-dev/kina/internal/nodeimage"
)

func main() {
	var o nodeimage.Options
	var dirs string
	flag.StringVar(&o.Image, "image", "", "resulting image (default kina/node:<version>)")
	flag.StringVar(&o.BaseImage, "base-image", nodeimage.DefaultBaseImage, "base image")
	flag.StringVar(&o.KubeBinDir, "kube-bin-dir", "", "directory with kubeadm, kubelet, kubectl")
	flag.StringVar(&dirs, "image-archives", "", "comma-separated directories of docker-archives")
	flag.StringVar(&o.Runtime, "runtime", "docker", "docker or podman")
	flag.StringVar(&o.Version, "kubernetes-version", "", "Kubernetes version (default: the version file next to the binaries)")
	flag.BoolVar(&o.Force, "force", false, "rebuild even if up to date")
	flag.Parse()
	for _, d := range strings.Split(dirs, ",") {
		if d != "" {
			o.ImageArchiveDirs = append(o.ImageArchiveDirs, d)
		}
	}
	o.Logf = func(format string, a ...any) { fmt.Fprintf(os.Stderr, " • "+format+"\n", a...) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := nodeimage.Build(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ERROR:", err)
		os.Exit(1)
	}
	if res.UpToDate {
		fmt.Fprintf(os.Stderr, "%s is up to date\n", res.Image)
	}
	fmt.Println(res.Image)
}
