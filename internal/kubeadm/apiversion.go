package kubeadm

import "fmt"

// kubeadm configuration API versions kina writes.
const (
	V1Beta3 = "kubeadm.k8s.io/v1beta3"
	V1Beta4 = "kubeadm.k8s.io/v1beta4"
)

// Other API versions in the file.
const (
	kubeletAPIVersion   = "kubelet.config.k8s.io/v1beta1"
	kubeProxyAPIVersion = "kubeproxy.config.k8s.io/v1alpha1"
)

// MinVersion is the oldest Kubernetes kina configures: v1beta3 with
// skipPhases needs kubeadm 1.22, and kind uses v1beta3 from 1.23.
var MinVersion = Version{Major: 1, Minor: 23}

// APIVersion chooses the kubeadm API version for a Kubernetes version:
// v1beta3 up to 1.35, v1beta4 from 1.36, the same split as kind so that
// users' patches target the same API version under both tools.
func APIVersion(v Version) (string, error) {
	if !v.AtLeast(MinVersion.Major, MinVersion.Minor) {
		return "", fmt.Errorf("Kubernetes %s is too old: kina needs %d.%d or newer",
			v, MinVersion.Major, MinVersion.Minor)
	}
	if v.AtLeast(1, 36) {
		return V1Beta4, nil
	}
	return V1Beta3, nil
}
