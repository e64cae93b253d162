package main

import (
	"encoding/json"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(name, ip string, cidrs ...string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.NodeSpec{PodCIDRs: cidrs},
		Status:     corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}}},
	}
}

func TestDesiredRoutes(t *testing.T) {
	nodes := []*corev1.Node{
		node("a", "172.18.0.2", "10.244.0.0/24"),
		node("b", "172.18.0.3", "10.244.1.0/24"),
		node("c", "172.18.0.4"), // no podCIDR yet
	}
	got := desiredRoutes("a", nodes)
	want := map[netip.Prefix]netip.Addr{netip.MustParsePrefix("10.244.1.0/24"): netip.MustParseAddr("172.18.0.3")}
	if len(got) != len(want) || got[netip.MustParsePrefix("10.244.1.0/24")] != want[netip.MustParsePrefix("10.244.1.0/24")] {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestConflist(t *testing.T) {
	b, err := conflist([]netip.Prefix{netip.MustParsePrefix("10.244.1.0/24"), netip.MustParsePrefix("fd00:10:244:1::/64")}, 1400)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Name    string
		Plugins []struct {
			Type string
			MTU  int
			IPAM struct {
				Ranges [][]struct{ Subnet string }
				Routes []struct{ Dst string }
			}
		}
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.Plugins[0].Type != "ptp" || c.Plugins[0].MTU != 1400 || c.Plugins[1].Type != "portmap" {
		t.Fatalf("unexpected plugins: %s", b)
	}
	if r := c.Plugins[0].IPAM.Ranges; len(r) != 2 || r[0][0].Subnet != "10.244.1.0/24" || r[1][0].Subnet != "fd00:10:244:1::/64" {
		t.Fatalf("unexpected ranges: %s", b)
	}
	if r := c.Plugins[0].IPAM.Routes; len(r) != 2 || r[0].Dst != "0.0.0.0/0" || r[1].Dst != "::/0" {
		t.Fatalf("unexpected routes: %s", b)
	}
}

func TestMasqueradeRules(t *testing.T) {
	rules := masqueradeRules([]netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")})
	if len(rules) != 2 || len(rules[0]) != 4 || len(rules[1]) != 4 {
		t.Fatalf("unexpected rules: %#v", rules)
	}
}
