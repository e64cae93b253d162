package kubeadm

import (
	"errors"
	"strings"
	"testing"
)

func TestKubeletStartConfigCarriesTheWorkersRegistration(t *testing.T) {
	for _, version := range []string{"v1.34.4", "v1.36.0"} {
		t.Run(version, func(t *testing.T) {
			boot, err := Build(base(version), Patches{}, Patches{})
			if err != nil {
				t.Fatal(err)
			}
			join, err := Build(worker(base(version)), Patches{}, Patches{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := KubeletStartConfig(boot, join)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "kubelet-start-"+version, got)
			s := string(got)
			for _, want := range []string{"kind: InitConfiguration", "name: kina-worker", "172.18.0.3", "tier=frontend",
				"kind: ClusterConfiguration", "kind: KubeletConfiguration", "kind: KubeProxyConfiguration"} {
				if !strings.Contains(s, want) {
					t.Errorf("kubelet-start config lacks %q:\n%s", want, s)
				}
			}
			for _, bad := range []string{"JoinConfiguration", "/kind/patches", "bootstrapTokens"} {
				if strings.Contains(s, bad) {
					t.Errorf("kubelet-start config has %q:\n%s", bad, s)
				}
			}
		})
	}
}

func TestKubeletStartConfigRefusesWhatOnlyJoinDoes(t *testing.T) {
	boot, _ := Build(base("v1.34.4"), Patches{}, Patches{})
	cp, _ := Build(haControlPlane(base("v1.34.4")), Patches{}, Patches{})
	tainted, err := Build(worker(base("v1.34.4")), Patches{}, Patches{Merge: []string{
		"kind: JoinConfiguration\nnodeRegistration:\n  taints:\n  - key: dedicated\n    value: infra\n    effect: NoSchedule\n"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, join := range map[string][]byte{"control plane": cp, "taints": tainted} {
		if _, err := KubeletStartConfig(boot, join); !errors.Is(err, ErrNeedsJoin) {
			t.Errorf("%s: err = %v, want ErrNeedsJoin", name, err)
		}
	}
}
