package nodeimage

import (
	_ "embed"
	"fmt"
	"strings"
)

// The manifests kina's cluster creation applies from the node (kind's layout:
// /kind/manifests/default-cni.yaml and default-storage.yaml). Build fills in
// the exact image tags it imported, written @LIKE_THIS@ so that the Go
// template text ("{{ .PodSubnet }}") stays for create time.
var (
	//go:embed manifests/default-cni.yaml
	cniManifest string
	//go:embed manifests/default-storage.yaml
	storageManifest string
)

// Where the manifests live in the node image.
const (
	CNIManifestPath     = "/kind/manifests/default-cni.yaml"
	StorageManifestPath = "/kind/manifests/default-storage.yaml"
	VersionPath         = "/kind/version"
)

// addonImages are the images the default manifests run.
type addonImages struct {
	KinaNet, LocalPathProvisioner, LocalPathHelper string
}

// renderManifests returns the CNI and storage manifests with the image tags
// filled in.
func renderManifests(img addonImages) (cni, storage string, err error) {
	cni, err = fill(cniManifest, map[string]string{"KINA_NET_IMAGE": img.KinaNet})
	if err != nil {
		return "", "", fmt.Errorf("default-cni.yaml: %w", err)
	}
	storage, err = fill(storageManifest, map[string]string{
		"LOCAL_PATH_PROVISIONER_IMAGE": img.LocalPathProvisioner,
		"LOCAL_PATH_HELPER_IMAGE":      img.LocalPathHelper,
	})
	if err != nil {
		return "", "", fmt.Errorf("default-storage.yaml: %w", err)
	}
	return cni, storage, nil
}

func fill(text string, vals map[string]string) (string, error) {
	for k, v := range vals {
		if v == "" {
			return "", fmt.Errorf("no value for @%s@", k)
		}
		text = strings.ReplaceAll(text, "@"+k+"@", v)
	}
	if i := strings.Index(text, "@"); i >= 0 {
		if j := strings.Index(text[i+1:], "@"); j > 0 && !strings.ContainsAny(text[i+1:i+1+j], " \n") {
			return "", fmt.Errorf("placeholder %s left unfilled", text[i:i+j+2])
		}
	}
	return text, nil
}
