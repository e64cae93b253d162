// Command kina-net is kina's default CNI agent. It runs as a host-network
// DaemonSet on every node and does three things, all inside the node's own
// network namespace:
//
//   - writes /etc/cni/net.d/10-kina.conflist for this node: the ptp plugin
//     with host-local IPAM over the node's podCIDR(s), then portmap; the MTU is
//     the node's uplink MTU;
//   - routes every other node's podCIDRs via that node's InternalIP;
//   - masquerades traffic from pods to anything outside the pod network.
//
// Nodes of a kina cluster share one L2 network, so plain routes are enough: no
// overlay (VXLAN is missing from some of the kernels kina runs on).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// routeProtocol marks the routes kina-net owns, so that stale ones can be
// found and removed without touching anybody else's.
const routeProtocol = netlink.RouteProtocol(0x9b)

const tableName = "kina-net"

type config struct {
	nodeName   string
	confDir    string
	confName   string
	podSubnets []netip.Prefix // the cluster's pod network; empty: union of node podCIDRs
	masquerade bool
	mtu        int
	resync     time.Duration
}

func main() {
	var cfg config
	var podSubnet string
	flag.StringVar(&cfg.nodeName, "node-name", os.Getenv("NODE_NAME"), "this node's name (env NODE_NAME)")
	flag.StringVar(&cfg.confDir, "cni-conf-dir", envOr("CNI_CONF_DIR", "/etc/cni/net.d"), "where to write the CNI config")
	flag.StringVar(&cfg.confName, "cni-conf-name", "10-kina.conflist", "CNI config file name")
	flag.StringVar(&podSubnet, "pod-subnet", os.Getenv("POD_SUBNET"), "the cluster's pod subnet(s), comma separated (env POD_SUBNET)")
	flag.BoolVar(&cfg.masquerade, "masquerade", envOr("KINA_NET_MASQUERADE", "true") == "true", "masquerade pod traffic leaving the pod network")
	flag.IntVar(&cfg.mtu, "mtu", 0, "pod interface MTU (0: the node uplink's MTU)")
	flag.DurationVar(&cfg.resync, "resync", 30*time.Second, "full reconcile interval")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmsgprefix)
	log.SetPrefix("kina-net: ")

	if cfg.nodeName == "" {
		log.Fatal("node name not set (NODE_NAME or --node-name)")
	}
	var err error
	if strings.Contains(podSubnet, "{{") {
		// The manifest was applied without being templated.
		log.Printf("pod subnet %q is an untemplated placeholder; using the nodes' podCIDRs", podSubnet)
		podSubnet = ""
	}
	if cfg.podSubnets, err = parsePrefixes(podSubnet); err != nil {
		log.Fatalf("pod subnet: %v", err)
	}
	if cfg.mtu == 0 {
		cfg.mtu = uplinkMTU()
	}

	restCfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("in-cluster config: %v", err)
	}
	// Reach the API server without kube-proxy when kind-style creation
	// patched in the control-plane endpoint (host:port).
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		restCfg.Host = "https://" + ep
	}
	// Only the core/v1 client: the full clientset and informer factory
	// would link every API group into the binary.
	core, err := corev1client.NewForConfig(restCfg)
	if err != nil {
		log.Fatalf("client: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	lw := cache.NewListWatchFromClient(core.RESTClient(), "nodes", metav1.NamespaceAll, fields.Everything())
	informer := cache.NewSharedIndexInformer(lw, &corev1.Node{}, 0, cache.Indexers{})
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}); err != nil {
		log.Fatalf("informer: %v", err)
	}
	go informer.Run(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		log.Fatal("node cache did not sync")
	}
	log.Printf("running on node %s (mtu %d, pod subnets %v, masquerade %v)", cfg.nodeName, cfg.mtu, cfg.podSubnets, cfg.masquerade)

	a := &agent{cfg: cfg, nodes: listersv1.NewNodeLister(informer.GetIndexer())}
	tick := time.NewTicker(cfg.resync)
	defer tick.Stop()
	for {
		if err := a.reconcile(); err != nil {
			log.Printf("reconcile: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-tick.C:
		}
	}
}

type agent struct {
	cfg      config
	nodes    listersv1.NodeLister
	lastConf []byte
	lastNAT  string
}

func (a *agent) reconcile() error {
	all, err := a.nodes.List(labels.Everything())
	if err != nil {
		return err
	}
	var errs []error
	var self *corev1.Node
	for _, n := range all {
		if n.Name == a.cfg.nodeName {
			self = n
		}
	}
	if self == nil {
		return fmt.Errorf("node %s not found", a.cfg.nodeName)
	}
	own := nodePodCIDRs(self)
	if len(own) == 0 {
		return fmt.Errorf("node %s has no podCIDR yet (is the controller-manager allocating node CIDRs?)", a.cfg.nodeName)
	}
	if err := a.writeConf(own); err != nil {
		errs = append(errs, err)
	}
	if err := syncRoutes(a.cfg.nodeName, all); err != nil {
		errs = append(errs, err)
	}
	if a.cfg.masquerade {
		cluster := a.cfg.podSubnets
		if len(cluster) == 0 {
			for _, n := range all {
				cluster = append(cluster, nodePodCIDRs(n)...)
			}
		}
		if err := a.syncMasquerade(cluster); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// conflist renders the CNI configuration for a node's pod CIDRs.
func conflist(cidrs []netip.Prefix, mtu int) ([]byte, error) {
	type rng struct {
		Subnet string `json:"subnet"`
	}
	type route struct {
		Dst string `json:"dst"`
	}
	var ranges [][]rng
	var routes []route
	for _, c := range cidrs {
		ranges = append(ranges, []rng{{Subnet: c.String()}})
		if c.Addr().Is4() {
			routes = append(routes, route{Dst: "0.0.0.0/0"})
		} else {
			routes = append(routes, route{Dst: "::/0"})
		}
	}
	conf := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "kina-net",
		"plugins": []any{
			map[string]any{
				"type":   "ptp",
				"ipMasq": false,
				"mtu":    mtu,
				"ipam": map[string]any{
					"type":    "host-local",
					"dataDir": "/run/cni-ipam-state",
					"routes":  routes,
					"ranges":  ranges,
				},
			},
			map[string]any{
				"type":         "portmap",
				"capabilities": map[string]bool{"portMappings": true},
			},
		},
	}
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (a *agent) writeConf(cidrs []netip.Prefix) error {
	b, err := conflist(cidrs, a.cfg.mtu)
	if err != nil {
		return err
	}
	path := filepath.Join(a.cfg.confDir, a.cfg.confName)
	if cur, err := os.ReadFile(path); err == nil && string(cur) == string(b) {
		a.lastConf = b
		return nil
	}
	if err := os.MkdirAll(a.cfg.confDir, 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	a.lastConf = b
	log.Printf("wrote %s for %v", path, cidrs)
	return nil
}

// desiredRoutes lists, for every node but self, a route per podCIDR via the
// node's InternalIP of the same family.
func desiredRoutes(self string, nodes []*corev1.Node) map[netip.Prefix]netip.Addr {
	want := map[netip.Prefix]netip.Addr{}
	for _, n := range nodes {
		if n.Name == self {
			continue
		}
		ips := nodeInternalIPs(n)
		for _, c := range nodePodCIDRs(n) {
			for _, ip := range ips {
				if ip.Is4() == c.Addr().Is4() {
					want[c] = ip
					break
				}
			}
		}
	}
	return want
}

func syncRoutes(self string, nodes []*corev1.Node) error {
	want := desiredRoutes(self, nodes)
	var errs []error
	for dst, gw := range want {
		r := &netlink.Route{
			Dst:      prefixToIPNet(dst),
			Gw:       net.IP(gw.AsSlice()),
			Protocol: routeProtocol,
		}
		if err := netlink.RouteReplace(r); err != nil {
			errs = append(errs, fmt.Errorf("route %s via %s: %w", dst, gw, err))
		}
	}
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		have, err := netlink.RouteListFiltered(fam, &netlink.Route{Protocol: routeProtocol}, netlink.RT_FILTER_PROTOCOL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range have {
			if r.Dst == nil {
				continue
			}
			p, ok := ipNetToPrefix(r.Dst)
			if !ok {
				continue
			}
			if gw, keep := want[p]; keep && gw == addrFromIP(r.Gw) {
				continue
			}
			if err := netlink.RouteDel(&r); err != nil {
				errs = append(errs, fmt.Errorf("delete stale route %s: %w", p, err))
			} else {
				log.Printf("removed stale route %s", p)
			}
		}
	}
	return errors.Join(errs...)
}

// syncMasquerade keeps one nftables table per family: pod traffic to the
// pod network is left alone, everything else from a pod is masqueraded.
func (a *agent) syncMasquerade(cluster []netip.Prefix) error {
	cluster = dedupe(cluster)
	key := fmt.Sprint(cluster)
	if key == a.lastNAT {
		return nil
	}
	c, err := nftables.New()
	if err != nil {
		return err
	}
	for _, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		var mine []netip.Prefix
		for _, p := range cluster {
			if p.Addr().Is4() == (fam == nftables.TableFamilyIPv4) {
				mine = append(mine, p)
			}
		}
		t := c.AddTable(&nftables.Table{Name: tableName, Family: fam})
		ch := c.AddChain(&nftables.Chain{
			Name:     "postrouting",
			Table:    t,
			Type:     nftables.ChainTypeNAT,
			Hooknum:  nftables.ChainHookPostrouting,
			Priority: nftables.ChainPriorityNATSource,
		})
		c.FlushChain(ch)
		for _, r := range masqueradeRules(mine) {
			c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: r})
		}
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	a.lastNAT = key
	log.Printf("masquerading pod traffic that leaves %v", cluster)
	return nil
}

// masqueradeRules: for each pod prefix "daddr in prefix → return", then
// "saddr in prefix → masquerade".
func masqueradeRules(prefixes []netip.Prefix) [][]expr.Any {
	var rules [][]expr.Any
	for _, p := range prefixes {
		rules = append(rules, append(matchPrefix(p, false), &expr.Verdict{Kind: expr.VerdictReturn}))
	}
	for _, p := range prefixes {
		rules = append(rules, append(matchPrefix(p, true), &expr.Masq{}))
	}
	return rules
}

// matchPrefix matches the IP source (or destination) address against p.
func matchPrefix(p netip.Prefix, source bool) []expr.Any {
	p = p.Masked()
	var off, n uint32 = 16, 4 // IPv4 destination
	if p.Addr().Is4() {
		if source {
			off = 12
		}
	} else {
		n = 16
		off = 24
		if source {
			off = 8
		}
	}
	mask := net.CIDRMask(p.Bits(), int(n)*8)
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: n, Mask: mask, Xor: make([]byte, n)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Addr().AsSlice()},
	}
}

func nodePodCIDRs(n *corev1.Node) []netip.Prefix {
	cidrs := n.Spec.PodCIDRs
	if len(cidrs) == 0 && n.Spec.PodCIDR != "" {
		cidrs = []string{n.Spec.PodCIDR}
	}
	var out []netip.Prefix
	for _, s := range cidrs {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

func nodeInternalIPs(n *corev1.Node) []netip.Addr {
	var out []netip.Addr
	for _, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		if ip, err := netip.ParseAddr(a.Address); err == nil {
			out = append(out, ip.Unmap())
		}
	}
	return out
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func dedupe(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return slices.Compact(out)
}

// uplinkMTU is the MTU of eth0, else of the default route's link, else 1500.
func uplinkMTU() int {
	if l, err := netlink.LinkByName("eth0"); err == nil && l.Attrs().MTU > 0 {
		return l.Attrs().MTU
	}
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err == nil {
		for _, r := range routes {
			if r.Dst == nil || r.Dst.IP.IsUnspecified() {
				if l, err := netlink.LinkByIndex(r.LinkIndex); err == nil && l.Attrs().MTU > 0 {
					return l.Attrs().MTU
				}
			}
		}
	}
	return 1500
}

func prefixToIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func ipNetToPrefix(n *net.IPNet) (netip.Prefix, bool) {
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones).Masked(), true
}

func addrFromIP(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
