package kubeadm

import (
	"strings"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

func (r *renderer) ipv6Only() bool { return r.c.IPFamily == v1alpha4.IPv6Family }

func (r *renderer) cluster() clusterConfiguration {
	gates := joinGates(r.gates)
	var apiArgs, cmArgs, schedArgs []arg
	if len(r.c.RuntimeConfig) > 0 {
		apiArgs = append(apiArgs, arg{"runtime-config", joinPairs(r.c.RuntimeConfig)})
	}
	if gates != "" {
		apiArgs = append(apiArgs, arg{"feature-gates", gates})
		cmArgs = append(cmArgs, arg{"feature-gates", gates})
		schedArgs = append(schedArgs, arg{"feature-gates", gates})
	}
	cmArgs = append(cmArgs, arg{"enable-hostpath-provisioner", "true"})
	// Speed, measured (docs/benchmarks.md): at its default 20 requests/s
	// the controller manager spends ~5 s starting its controllers (each
	// fetches its own service-account client), which delays every node's
	// pod CIDR and CoreDNS. A local cluster has one client to spare for it.
	cmArgs = append(cmArgs, arg{"kube-api-qps", "100"}, arg{"kube-api-burst", "200"})
	// Both retry a failed leader election every 2 s by default; the first
	// try always fails while the API server starts, so a shorter retry
	// lets them take the lease as soon as it answers.
	cmArgs = append(cmArgs, arg{"leader-elect-retry-period", "500ms"})
	schedArgs = append(schedArgs, arg{"leader-elect-retry-period", "500ms"})
	if r.ipv6Only() {
		// Their defaults bind 0.0.0.0 / 127.0.0.1, absent on IPv6-only.
		cmArgs = append(cmArgs, arg{"bind-address", "::"})
		schedArgs = append(schedArgs, arg{"bind-address", "::1"})
	}
	cc := clusterConfiguration{
		typeMeta: r.meta(r.api, "ClusterConfiguration"),
		// Explicit, or kubeadm asks dl.k8s.io for the stable version.
		KubernetesVersion:    r.version.String(),
		ClusterName:          r.c.ClusterName,
		ControlPlaneEndpoint: r.c.ControlPlaneEndpoint,
		APIServer:            apiServer{CertSANs: r.certSANs(), ExtraArgs: extraArgs(r.api, apiArgs)},
		ControllerManager:    component{ExtraArgs: extraArgs(r.api, cmArgs)},
		Scheduler:            component{ExtraArgs: extraArgs(r.api, schedArgs)},
		Networking:           networking{PodSubnet: r.c.PodSubnet, ServiceSubnet: r.c.ServiceSubnet},
	}
	// ECDSA P-256 keys instead of kubeadm's RSA-2048: measured, generating
	// the cluster's certificates took 1.0 s with RSA and 0.05 s with ECDSA
	// (2.6 s against 0.1 s for certificates and kubeconfigs on a busy host).
	// v1beta4 has a field for it; older kubeadm a gate, used only where it
	// is known to work (it is deprecated from 1.31).
	switch {
	case r.api == V1Beta4:
		cc.EncryptionAlgorithm = "ECDSA-P256"
	case !r.version.AtLeast(1, 35):
		cc.FeatureGates = map[string]bool{"PublicKeysECDSA": true}
	}
	return cc
}

func (r *renderer) initOrJoin() any {
	if r.c.Bootstrap {
		return r.initConfig()
	}
	return r.joinConfig()
}

func (r *renderer) endpoint() apiEndpoint {
	return apiEndpoint{AdvertiseAddress: r.ips[0], BindPort: r.c.APIBindPort}
}

func (r *renderer) nodeRegistration() nodeRegistration {
	args := []arg{{"node-ip", strings.Join(r.ips, ",")}}
	if r.c.ProviderID != "" {
		args = append(args, arg{"provider-id", r.c.ProviderID})
	}
	if len(r.c.NodeLabels) > 0 {
		args = append(args, arg{"node-labels", joinPairs(r.c.NodeLabels)})
	}
	nr := nodeRegistration{
		Name:             r.c.NodeName,
		CRISocket:        r.c.CRISocket,
		KubeletExtraArgs: extraArgs(r.api, args),
	}
	if r.c.Schedulable && r.c.Role == ControlPlane {
		nr.Taints = &[]struct{}{}
	}
	return nr
}

// initConfig skips preflight (images are preloaded; its checks assume a
// real host) and, without kube-proxy, the kube-proxy addon. kubelet-finalize
// stays although it restarts the kubelet: measured, without that restart the
// static pods' mirror pods appeared only seconds after create returned.
func (r *renderer) initConfig() initConfiguration {
	skip := []string{"preflight"}
	if r.c.KubeProxyMode == ProxyModeNone {
		skip = append(skip, "addon/kube-proxy")
	}
	ic := initConfiguration{
		typeMeta:         r.meta(r.api, "InitConfiguration"),
		BootstrapTokens:  []bootstrapToken{{Token: r.c.Token}},
		LocalAPIEndpoint: r.endpoint(),
		NodeRegistration: r.nodeRegistration(),
		SkipPhases:       skip,
	}
	if r.c.PatchesDir != "" {
		ic.Patches = &patches{Directory: r.c.PatchesDir}
	}
	return ic
}

func (r *renderer) joinConfig() joinConfiguration {
	j := joinConfiguration{
		typeMeta:         r.meta(r.api, "JoinConfiguration"),
		NodeRegistration: r.nodeRegistration(),
		Discovery: discovery{BootstrapToken: bootstrapTokenDiscovery{
			APIServerEndpoint: r.c.ControlPlaneEndpoint,
			Token:             r.c.Token,
			// The CA is fresh and the network private, as in kind.
			UnsafeSkipCAVerification: true,
		}},
		SkipPhases: []string{"preflight"},
	}
	if r.c.Role == ControlPlane {
		j.ControlPlane = &joinControlPlane{LocalAPIEndpoint: r.endpoint()}
	}
	return j
}

func (r *renderer) kubelet() kubeletConfiguration {
	k := kubeletConfiguration{
		typeMeta:                    r.meta(kubeletAPIVersion, "KubeletConfiguration"),
		CgroupDriver:                r.c.CgroupDriver,
		CgroupRoot:                  r.c.CgroupRoot,
		FailSwapOn:                  false,
		ImageGCHighThresholdPercent: 100,
		EvictionHard: map[string]string{
			"nodefs.available":  "0%",
			"nodefs.inodesFree": "0%",
			"imagefs.available": "0%",
		},
		FeatureGates: r.gates,
	}
	if r.version.AtLeast(1, 31) {
		// From 1.35 the kubelet refuses cgroup v1 hosts unless told not
		// to; the field exists from 1.31 and is harmless on v2.
		f := false
		k.FailCgroupV1 = &f
	}
	if r.ipv6Only() {
		k.Address, k.HealthzBindAddress = "::", "::"
	}
	return k
}

func (r *renderer) kubeProxy() kubeProxyConfiguration {
	return kubeProxyConfiguration{
		typeMeta:     r.meta(kubeProxyAPIVersion, "KubeProxyConfiguration"),
		Mode:         string(r.c.KubeProxyMode),
		FeatureGates: r.gates,
		IPTables:     proxyIPTables{MinSyncPeriod: "1s"},
		Conntrack: proxyConntrack{
			MaxPerCore: 0,
			// nftables on kernels before 6.1 needs it (kind sets it when
			// rootful; a user namespace cannot write it).
			TCPBeLiberal:          r.c.KubeProxyMode == v1alpha4.NFTablesProxyMode && !r.c.Rootless,
			TCPEstablishedTimeout: "0s",
			TCPCloseWaitTimeout:   "0s",
		},
	}
}
