package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// backend is an HTTPS server answering /healthz and echoing its name.
func backend(t *testing.T, name string, healthy bool) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && !healthy {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "https://")
}

func TestProxiesOnlyToHealthyBackends(t *testing.T) {
	good := backend(t, "good", true)
	bad := backend(t, "bad", false)
	lb := newBalancer([]string{bad, good})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go lb.watch(ctx, 50*time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	go lb.serve(ctx, addr)
	deadline := time.Now().Add(5 * time.Second)
	for !lb.healthy[1].Load() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: lb.client.Transport.(*http.Transport).TLSClientConfig}}
	for i := 0; i < 6; i++ {
		var resp *http.Response
		for time.Now().Before(deadline) {
			if resp, err = client.Get("https://" + addr + "/"); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "good" {
			t.Fatalf("request %d went to %q, want the healthy backend", i, body)
		}
	}
}

func TestOrderPutsUnhealthyLast(t *testing.T) {
	lb := newBalancer([]string{"a", "b", "c"})
	lb.healthy[2].Store(true)
	if got := lb.order(); got[0] != "c" || len(got) != 3 {
		t.Errorf("order = %v, want the healthy backend first", got)
	}
}
