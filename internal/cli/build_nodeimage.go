package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kina-dev/kina/internal/nodeimage"
)

// newBuildNodeImageCommand is "kina build node-image": kind's command, fed
// from kina's offline ingredients instead of a Kubernetes release tarball.
func newBuildNodeImageCommand() *cobra.Command {
	var (
		o            nodeimage.Options
		provider     string
		archiveDirs  []string
		ingredients  string
		quietBuild   bool
		printVersion bool
		addFiles     []string
	)
	c := &cobra.Command{
		Use:   "node-image [INGREDIENTS_DIR]",
		Short: "Build a node image from Kubernetes binaries and image archives",
		Long: `Build a node image: the base image plus kubeadm, kubelet and kubectl, every
image kubeadm needs (imported into the node's containerd), the default CNI
(kina-net) and the default storage (local-path-provisioner).

INGREDIENTS_DIR is what hack/ingredients/build.sh writes (bin/, images/,
version); it defaults to $KINA_CACHE_DIR/ingredients/kubernetes-` + nodeimage.DefaultVersion + `.
--kube-bin-dir and --image-archives override its parts. The kina-net image is
taken from $KINA_CACHE_DIR/kina-net when that directory exists.

A second build with the same inputs only checks the image's label.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				ingredients = args[0]
			}
			cache := nodeImageCacheDir()
			if ingredients == "" {
				ingredients = filepath.Join(cache, "ingredients", "kubernetes-"+nodeimage.DefaultVersion)
			}
			if o.KubeBinDir == "" {
				o.KubeBinDir = filepath.Join(ingredients, "bin")
			}
			if len(archiveDirs) == 0 {
				archiveDirs = []string{filepath.Join(ingredients, "images")}
				if st, err := os.Stat(filepath.Join(cache, "kina-net")); err == nil && st.IsDir() {
					archiveDirs = append(archiveDirs, filepath.Join(cache, "kina-net"))
				}
			}
			o.ImageArchiveDirs = archiveDirs
			extra, err := parseAddFiles(addFiles)
			if err != nil {
				return err
			}
			o.ExtraFiles = extra
			if provider == "" {
				provider = os.Getenv("KINA_PROVIDER")
			}
			switch provider {
			case "", "docker":
				o.Runtime = "docker"
			case "podman":
				o.Runtime = "podman"
			default:
				return fmt.Errorf("--provider %q: node images are built with docker or podman", provider)
			}
			if !quietBuild {
				o.Logf = func(format string, a ...any) {
					fmt.Fprintf(cmd.ErrOrStderr(), " • "+format+"\n", a...)
				}
			}
			res, err := nodeimage.Build(cmd.Context(), o)
			if err != nil {
				return err
			}
			if printVersion {
				fmt.Fprintln(cmd.OutOrStdout(), res.Image)
				return nil
			}
			if res.UpToDate {
				fmt.Fprintf(cmd.ErrOrStderr(), "Image %q is up to date (Kubernetes %s)\n", res.Image, res.Version)
			} else {
				fmt.Fprintf(cmd.ErrOrStderr(), "Image %q build completed (Kubernetes %s)\n", res.Image, res.Version)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&o.Image, "image", "", "name:tag of the resulting image (default kina/node:<version>)")
	f.StringVar(&o.BaseImage, "base-image", nodeimage.DefaultBaseImage, "name:tag of the base image (images/base/build.sh builds it)")
	f.StringVar(&o.Arch, "arch", "", "architecture to build for (only the host's is supported)")
	f.StringVar(&o.KubeBinDir, "kube-bin-dir", "", "directory with kubeadm, kubelet and kubectl (default INGREDIENTS_DIR/bin)")
	f.StringSliceVar(&archiveDirs, "image-archives", nil, "directory of docker-archive tarballs to import; repeatable (default INGREDIENTS_DIR/images and $KINA_CACHE_DIR/kina-net)")
	f.StringVar(&o.Version, "kubernetes-version", "", "Kubernetes version (default: INGREDIENTS_DIR/version, else what kubeadm reports)")
	f.StringVar(&provider, "provider", "", "container CLI to build with: docker or podman (default $KINA_PROVIDER, else docker)")
	f.StringArrayVar(&addFiles, "add-file", nil, "SRC=DEST: put the host file SRC at the absolute path DEST in the image, executable (repeatable; e.g. the kina-lb load balancer)")
	f.BoolVar(&o.Force, "force", false, "rebuild even if the image is up to date")
	f.BoolVar(&quietBuild, "quiet-build", false, "do not print build steps")
	f.BoolVar(&printVersion, "print-image", false, "print only the resulting image name on stdout")
	return c
}

// nodeImageCacheDir is $KINA_CACHE_DIR, else $XDG_CACHE_HOME/kina, else ~/.cache/kina.
func nodeImageCacheDir() string {
	if d := os.Getenv("KINA_CACHE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "kina")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "kina-cache")
	}
	return filepath.Join(home, ".cache", "kina")
}

// parseAddFiles turns --add-file SRC=DEST values into image path → host path.
func parseAddFiles(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range values {
		src, dest, ok := strings.Cut(v, "=")
		if !ok || src == "" || !filepath.IsAbs(dest) {
			return nil, fmt.Errorf("--add-file %q: want SRC=DEST with an absolute DEST", v)
		}
		if _, err := os.Stat(src); err != nil {
			return nil, fmt.Errorf("--add-file %q: %w", v, err)
		}
		out[filepath.Clean(dest)] = src
	}
	return out, nil
}
