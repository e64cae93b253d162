package create

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiPollInterval is how often waitAPIServer asks; a request costs little.
const apiPollInterval = 100 * time.Millisecond

// waitAPIServer returns once the API server reports ready through its
// published port, or when stop is closed or ctx ends. It never fails: when the
// host cannot reach the port (a remote daemon, an unknown CA), the caller
// simply goes on once stop closes.
func (c *cluster) waitAPIServer(ctx context.Context, stop <-chan struct{}) {
	c.pollAPI(ctx, "/readyz", func(*http.Response) bool { return true }, stop, 0)
}

// pollAPI asks the API server for path every apiPollInterval until ok says
// yes about a 200 answer, ctx ends, or grace has passed since stop closed.
func (c *cluster) pollAPI(ctx context.Context, path string, ok func(*http.Response) bool, stop <-chan struct{}, grace time.Duration) {
	client, base := c.apiClient(ctx)
	if client == nil {
		select {
		case <-stop:
		case <-ctx.Done():
		}
		return
	}
	defer client.CloseIdleConnections()
	t := time.NewTicker(apiPollInterval)
	defer t.Stop()
	var giveUp <-chan time.Time
	for {
		if get(ctx, client, base+path, ok) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-giveUp:
			return
		case <-stop:
			if grace == 0 {
				return
			}
			stop = nil // closed: stop selecting it
			giveUp = time.After(grace)
		case <-t.C:
		}
	}
}

// get asks url once; anonymous access to what kina reads is allowed by
// default.
func get(ctx context.Context, client *http.Client, url string, ok func(*http.Response) bool) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && ok(resp)
}

// apiClient is an HTTPS client that trusts only the cluster's CA, and the
// base URL of the API server on the host; nil if either is unknown. It sends
// no credentials: it only reads what the API shows anonymous clients.
func (c *cluster) apiClient(ctx context.Context) (*http.Client, string) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.caCert) {
		return nil, ""
	}
	host, port, err := c.p.HostPort(ctx, c.plan.APINode(), APIServerPort)
	if err != nil || host == "" {
		return nil, ""
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &http.Client{Transport: tr, Timeout: time.Second},
		"https://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// clusterInfoWait bounds how long waitClusterInfoSigned waits once init has
// finished; past it, joins go ahead and kubeadm's own discovery retries.
var clusterInfoWait = 15 * time.Second

// waitClusterInfoSigned returns once the controller manager has signed the
// kube-public/cluster-info ConfigMap for a bootstrap token, which happens
// after init has uploaded everything a join reads. kubeadm join discovers the
// cluster through that signature and, when it is missing, retries only every
// 5 s: measured, it made some joins 5 s slower. When the host cannot reach
// the API server it returns once initDone is closed.
func (c *cluster) waitClusterInfoSigned(ctx context.Context, initDone <-chan struct{}) {
	c.pollAPI(ctx, "/api/v1/namespaces/kube-public/configmaps/cluster-info", clusterInfoSigned, initDone, clusterInfoWait)
}

func clusterInfoSigned(resp *http.Response) bool {
	var cm struct {
		Data map[string]string `json:"data"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cm) != nil {
		return false
	}
	for k := range cm.Data {
		if strings.HasPrefix(k, "jws-kubeconfig-") {
			return true
		}
	}
	return false
}
