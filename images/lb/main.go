// Command kina-lb is the API server load balancer of clusters with several
// control planes: a TCP proxy on :6443 that sends each connection to a
// healthy kube-apiserver. It is baked into kina's node image, so an HA
// cluster needs no extra image, and a tiny static binary needs no registry.
//
//	kina-lb -listen :6443 -backend c-control-plane:6443 -backend c-control-plane2:6443
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type backends []string

func (b *backends) String() string     { return strings.Join(*b, ",") }
func (b *backends) Set(v string) error { *b = append(*b, v); return nil }

func main() {
	var bs backends
	listen := flag.String("listen", ":6443", "address to accept API connections on")
	interval := flag.Duration("interval", time.Second, "health check interval")
	flag.Var(&bs, "backend", "an API server host:port (repeatable)")
	flag.Parse()
	if len(bs) == 0 {
		log.Fatal("kina-lb: at least one -backend is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lb := newBalancer(bs)
	go lb.watch(ctx, *interval)
	if err := lb.serve(ctx, *listen); err != nil {
		log.Fatalf("kina-lb: %v", err)
	}
}

// balancer spreads connections over the backends that pass health checks.
type balancer struct {
	backends []string
	healthy  []atomic.Bool
	next     atomic.Uint32
	client   *http.Client
}

func newBalancer(bs []string) *balancer {
	return &balancer{
		backends: bs,
		healthy:  make([]atomic.Bool, len(bs)),
		// The API server's certificate is checked by clients, not here: this
		// probe only asks whether the server answers.
		client: &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true},
			DisableKeepAlives: true,
		}},
	}
}

// watch probes every backend's /healthz each interval.
func (b *balancer) watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		var wg sync.WaitGroup
		for i, addr := range b.backends {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok := b.probe(ctx, addr)
				if was := b.healthy[i].Swap(ok); was != ok {
					log.Printf("backend %s healthy=%v", addr, ok)
				}
			}()
		}
		wg.Wait()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (b *balancer) probe(ctx context.Context, addr string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// order returns the backends to try for one connection: healthy ones first,
// starting from the next in turn; unhealthy ones last, so a connection still
// has a chance while checks have not yet passed (as during bootstrap).
func (b *balancer) order() []string {
	n := len(b.backends)
	start := int(b.next.Add(1)) % n
	var good, bad []string
	for k := 0; k < n; k++ {
		i := (start + k) % n
		if b.healthy[i].Load() {
			good = append(good, b.backends[i])
		} else {
			bad = append(bad, b.backends[i])
		}
	}
	return append(good, bad...)
}

func (b *balancer) serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	go func() { <-ctx.Done(); ln.Close() }()
	log.Printf("kina-lb listening on %s for %v", addr, b.backends)
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		go b.handle(conn)
	}
}

func (b *balancer) handle(client net.Conn) {
	defer client.Close()
	upstream, err := b.dial()
	if err != nil {
		log.Printf("no backend for %s: %v", client.RemoteAddr(), err)
		return
	}
	defer upstream.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go pipe(upstream, client)
	go pipe(client, upstream)
	<-done
	<-done
}

func (b *balancer) dial() (net.Conn, error) {
	var errs []error
	for _, addr := range b.order() {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("every backend failed: %w", errors.Join(errs...))
}
