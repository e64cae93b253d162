// Command coredns is CoreDNS v1.12.1 with a reduced plugin set.
//
// Upstream's main imports github.com/coredns/coredns/core/plugin, which pulls
// in every plugin (including azure, route53 and clouddns and roughly 2 GB of
// cloud SDK modules). kubeadm's default Corefile only uses errors, health,
// ready, kubernetes, prometheus, forward, cache, loop, reload and loadbalance;
// log, hosts and rewrite are added because users commonly edit them in.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/rewrite"
)

// directives is the execution order of the linked plugins. It must stay a
// subsequence of upstream's core/dnsserver/zdirectives.go for v1.12.1, since
// plugin order decides which plugin sees a query first.
var directives = []string{
	"reload",
	"ready",
	"health",
	"prometheus", // package plugin/metrics
	"errors",
	"log",
	"loadbalance",
	"cache",
	"rewrite",
	"hosts",
	"kubernetes",
	"loop",
	"forward",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
