package apple

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDecodeFixtures(t *testing.T) {
	ports := []publishedPort{{HostAddress: "127.0.0.1", HostPort: 53187, ContainerPort: 6443, Proto: "tcp", Count: 1}}
	for _, v := range append(versions, "1.2.0") {
		t.Run(v, func(t *testing.T) {
			cs := decodeFile(t, filepath.Join("testdata", v, "list.json"))
			if len(cs) != 2 {
				t.Fatalf("got %d containers", len(cs))
			}
			cp, w := cs[0], cs[1]
			wantIP := "192.168.64.3"
			if v[0] == '1' {
				wantIP = "192.168.65.3"
			}
			if cp.ID != "kina-control-plane" || cp.State != "running" || cp.IPv4 != wantIP ||
				cp.Image != "docker.io/kindest/node:v1.35.5" || cp.Labels["io.x-k8s.kind.role"] != "control-plane" ||
				cp.Network != "kina" || !reflect.DeepEqual(cp.Ports, ports) {
				t.Errorf("control plane = %+v", cp)
			}
			if w.ID != "kina-worker" || w.State != "stopped" || w.IPv4 != "" || w.IPv6 != "" || w.running() {
				t.Errorf("stopped worker = %+v", w)
			}
		})
	}
}

func TestDecodeRealCapture(t *testing.T) {
	cs := decodeFile(t, "testdata/1.0/capture-list.json")
	want := container{ID: "kina-probe-100", Image: "docker.io/library/alpine:latest", State: "running",
		IPv4: "192.168.65.2", IPv6: "fd68:e17d:9fc2:4b0e:f035:48ff:fe88:75d2", Labels: map[string]string{},
		Ports: []publishedPort{}, Network: "default"}
	if len(cs) != 1 || !reflect.DeepEqual(cs[0], want) {
		t.Errorf("got %+v\nwant %+v", cs, want)
	}
}

func TestDecodeEscapedAndUnescapedAgree(t *testing.T) {
	a := decodeFile(t, "testdata/1.0/list.json")
	b := decodeFile(t, "testdata/1.0/list-unescaped.json")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("escaped %+v\nunescaped %+v", a, b)
	}
}

func TestDecodeEdgeCases(t *testing.T) {
	for _, in := range []string{"", "  \n", "[]", "null"} {
		cs, err := decodeContainers([]byte(in))
		if err != nil || len(cs) != 0 {
			t.Errorf("%q: %v %v", in, cs, err)
		}
	}
	// Unknown fields anywhere, a future status field, extra attachments.
	in := `[{"id":"n","future":{"x":1},"configuration":{"id":"n","newThing":[1,2],"labels":{"a":"b"}},
	         "status":{"state":"running","health":"ok","networks":[{"ipv4Address":"10.0.0.5/16","zone":"z"},{"ipv4Address":"10.1.0.5/16"}]}}]`
	cs, err := decodeContainers([]byte(in))
	if err != nil || len(cs) != 1 || cs[0].IPv4 != "10.0.0.5" || cs[0].Labels["a"] != "b" {
		t.Errorf("got %+v %v", cs, err)
	}
	// A stopped container that still lists an address reports none.
	in = `[{"status":"stopped","configuration":{"id":"n"},"networks":[{"ipv4Address":"192.168.64.9/24"}]}]`
	if cs, err := decodeContainers([]byte(in)); err != nil || cs[0].IPv4 != "" {
		t.Errorf("stopped: %+v %v", cs, err)
	}
	for _, bad := range []string{`{"id":"x"}`, `[{"configuration":{}}]`, `[{"id":"x","status":3}]`} {
		if _, err := decodeContainers([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func decodeFile(t *testing.T, path string) []container {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := decodeContainers(data)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
