package kubeadm

// The structs below mirror just the fields kina sets in kubeadm's,
// kubelet's and kube-proxy's configuration types. They are marshalled with
// sigs.k8s.io/yaml, so every value from the user is YAML-encoded.

// objectName names every object so kind-style patches written against
// kind's file see the same objects; StripMetadata removes it.
const objectName = "config"

type typeMeta struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   objectMeta `json:"metadata"`
}

type objectMeta struct {
	Name string `json:"name"`
}

type clusterConfiguration struct {
	typeMeta
	KubernetesVersion    string     `json:"kubernetesVersion"`
	ClusterName          string     `json:"clusterName"`
	ControlPlaneEndpoint string     `json:"controlPlaneEndpoint"`
	APIServer            apiServer  `json:"apiServer"`
	ControllerManager    component  `json:"controllerManager"`
	Scheduler            component  `json:"scheduler"`
	Networking           networking `json:"networking"`
	// FeatureGates are kubeadm's own gates (v1beta3 only here).
	FeatureGates map[string]bool `json:"featureGates,omitempty"`
	// EncryptionAlgorithm is v1beta4's key type for every certificate.
	EncryptionAlgorithm string `json:"encryptionAlgorithm,omitempty"`
}

type apiServer struct {
	CertSANs  []string `json:"certSANs"`
	ExtraArgs any      `json:"extraArgs,omitempty"`
}

type component struct {
	ExtraArgs any `json:"extraArgs,omitempty"`
}

type networking struct {
	PodSubnet     string `json:"podSubnet"`
	ServiceSubnet string `json:"serviceSubnet"`
}

type initConfiguration struct {
	typeMeta
	BootstrapTokens  []bootstrapToken `json:"bootstrapTokens"`
	LocalAPIEndpoint apiEndpoint      `json:"localAPIEndpoint"`
	NodeRegistration nodeRegistration `json:"nodeRegistration"`
	Patches          *patches         `json:"patches,omitempty"`
	SkipPhases       []string         `json:"skipPhases,omitempty"`
}

type patches struct {
	Directory string `json:"directory"`
}

type bootstrapToken struct {
	Token string `json:"token"`
}

type apiEndpoint struct {
	AdvertiseAddress string `json:"advertiseAddress"`
	BindPort         int    `json:"bindPort"`
}

type nodeRegistration struct {
	Name             string `json:"name"`
	CRISocket        string `json:"criSocket"`
	KubeletExtraArgs any    `json:"kubeletExtraArgs,omitempty"`
	// Taints nil means kubeadm's default; an empty list means none.
	Taints *[]struct{} `json:"taints,omitempty"`
}

type joinConfiguration struct {
	typeMeta
	ControlPlane     *joinControlPlane `json:"controlPlane,omitempty"`
	NodeRegistration nodeRegistration  `json:"nodeRegistration"`
	Discovery        discovery         `json:"discovery"`
	SkipPhases       []string          `json:"skipPhases,omitempty"`
}

type joinControlPlane struct {
	LocalAPIEndpoint apiEndpoint `json:"localAPIEndpoint"`
}

type discovery struct {
	BootstrapToken bootstrapTokenDiscovery `json:"bootstrapToken"`
}

type bootstrapTokenDiscovery struct {
	APIServerEndpoint        string `json:"apiServerEndpoint"`
	Token                    string `json:"token"`
	UnsafeSkipCAVerification bool   `json:"unsafeSkipCAVerification"`
}

type kubeletConfiguration struct {
	typeMeta
	CgroupDriver       string `json:"cgroupDriver"`
	CgroupRoot         string `json:"cgroupRoot"`
	FailSwapOn         bool   `json:"failSwapOn"`
	FailCgroupV1       *bool  `json:"failCgroupV1,omitempty"`
	Address            string `json:"address,omitempty"`
	HealthzBindAddress string `json:"healthzBindAddress,omitempty"`
	// The kubelet sees the host's disk through the node container and
	// would garbage-collect images and evict pods for the host's usage.
	ImageGCHighThresholdPercent int               `json:"imageGCHighThresholdPercent"`
	EvictionHard                map[string]string `json:"evictionHard"`
	FeatureGates                map[string]bool   `json:"featureGates,omitempty"`
}

type kubeProxyConfiguration struct {
	typeMeta
	Mode         string          `json:"mode"`
	FeatureGates map[string]bool `json:"featureGates,omitempty"`
	IPTables     proxyIPTables   `json:"iptables"`
	Conntrack    proxyConntrack  `json:"conntrack"`
}

type proxyIPTables struct {
	MinSyncPeriod string `json:"minSyncPeriod"`
}

// proxyConntrack keeps kube-proxy off conntrack sysctls: maxPerCore 0
// leaves nf_conntrack_max (global to the host) alone, and 0s timeouts
// leave the tcp timeouts alone.
type proxyConntrack struct {
	MaxPerCore            int    `json:"maxPerCore"`
	TCPBeLiberal          bool   `json:"tcpBeLiberal,omitempty"`
	TCPEstablishedTimeout string `json:"tcpEstablishedTimeout"`
	TCPCloseWaitTimeout   string `json:"tcpCloseWaitTimeout"`
}
