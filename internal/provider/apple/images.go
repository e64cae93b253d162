package apple

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kina-dev/kina/pkg/provider"
)

// nodePlatform is the only platform the runtime runs natively: Apple silicon.
const nodePlatform = "linux/arm64"

// SaveImages implements provider.Provider with `container image save`,
// limited to the node platform so that the archive holds one manifest per
// image. From 0.7 the archive streams to stdout; older releases need -o, so
// it goes through a temporary file there.
func (p *Provider) SaveImages(ctx context.Context, w io.Writer, images ...string) error {
	if len(images) == 0 {
		return fmt.Errorf("save images: none given")
	}
	pr, err := p.Probe(ctx)
	if err != nil {
		return err
	}
	args := []string{"image", "save", "--platform", nodePlatform}
	if pr.Features.SaveToStdout {
		c := p.cmd(pr, append(args, images...)...)
		c.Stdout = w
		return wrap(p.r.Run(ctx, c), "save images %s", strings.Join(images, ", "))
	}
	dir, err := os.MkdirTemp("", "kina-image-save-")
	if err != nil {
		return fmt.Errorf("save images: %w", err)
	}
	defer os.RemoveAll(dir)
	tar := filepath.Join(dir, "images.tar")
	args = append(args, "--output", tar)
	if err := p.r.Run(ctx, p.cmd(pr, append(args, images...)...)); err != nil {
		return wrap(err, "save images %s", strings.Join(images, ", "))
	}
	f, err := os.Open(tar)
	if err != nil {
		return fmt.Errorf("save images: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("save images: copy archive: %w", err)
	}
	return nil
}

// ImportImagesCmd is the command that reads an archive from SaveImages on
// stdin into the node's containerd, in the namespace the CRI uses. The
// archive's index names each image by its full reference
// (docker.io/library/x:tag), which is the name kubelet asks for.
func ImportImagesCmd(archive io.Reader) provider.Cmd {
	return provider.Cmd{
		Args:  []string{"ctr", "--namespace", "k8s.io", "images", "import", "--platform", nodePlatform, "-"},
		Stdin: archive,
	}
}

// FullReference qualifies a short image name the way the CRI does, so that
// it matches what `container image save` writes into the archive.
func FullReference(ref string) string {
	name := ref
	if i := strings.LastIndex(name, "@"); i >= 0 {
		name = name[:i]
	}
	first, _, hasSlash := strings.Cut(name, "/")
	if !hasSlash {
		ref = "docker.io/library/" + ref
	} else if !strings.ContainsAny(first, ".:") && first != "localhost" {
		ref = "docker.io/" + ref
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if !strings.Contains(last, ":") && !strings.Contains(last, "@") {
		ref += ":latest"
	}
	return ref
}
