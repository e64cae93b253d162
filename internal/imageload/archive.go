package imageload

import (
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// ArchiveImages lists the tagged images in a docker-archive (`docker save`)
// file with their IDs. Archives without a docker manifest (OCI-only) give no
// list; they are then imported without the same-ID check.
func ArchiveImages(path string) ([]Image, error) {
	m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	if err != nil {
		return nil, fmt.Errorf("read image archive %s: %w", path, err)
	}
	var out []Image
	for _, d := range m {
		for _, t := range d.RepoTags {
			tag, err := name.NewTag(t)
			if err != nil {
				return nil, fmt.Errorf("image archive %s: tag %q: %w", path, t, err)
			}
			img, err := tarball.ImageFromPath(path, &tag)
			if err != nil {
				return nil, fmt.Errorf("image archive %s: %s: %w", path, t, err)
			}
			id, err := img.ConfigName()
			if err != nil {
				return nil, fmt.Errorf("image archive %s: %s: %w", path, t, err)
			}
			out = append(out, Image{Ref: t, ID: id.String()})
		}
	}
	return out, nil
}
