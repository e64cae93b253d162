package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// toolImage is a busybox image baked into the node image (the local-path
// helper); test pods use it with imagePullPolicy Never since no registry is reachable.
func toolImage() string {
	if v := os.Getenv("KINA_E2E_TOOL_IMAGE"); v != "" {
		return v
	}
	return defaultToolImage
}

// checkNodesReady asserts that exactly want nodes exist and all are Ready.
func checkNodesReady(c *testCluster, want int) []string {
	c.t.Helper()
	out := c.mustKubectl("", "get", "nodes", "-o",
		`jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}`)
	var names []string
	for _, line := range strings.Fields(out) {
		name, status, _ := strings.Cut(line, "=")
		if status != "True" {
			c.t.Errorf("node %s is not Ready (%s)", name, status)
		}
		names = append(names, name)
	}
	if len(names) != want {
		c.t.Fatalf("got %d nodes %v, want %d", len(names), names, want)
	}
	return names
}

// checkCoreDNS waits for the coredns Deployment to be available.
func checkCoreDNS(c *testCluster) {
	c.t.Helper()
	c.mustKubectl("", "-n", "kube-system", "wait", "--for=condition=Available", "deployment/coredns", "--timeout=180s")
}

// echoManifest is a DaemonSet of tiny HTTP servers (one per node, control
// planes included) answering with their node's name, and a Service in front.
func echoManifest() string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: echo, labels: {app: echo}}
spec:
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      tolerations: [{operator: Exists}]
      containers:
      - name: echo
        image: %[1]s
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo "$NODE" > /www/index.html && exec httpd -f -p 8080 -h /www']
        env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
        ports: [{containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{port: 8080, targetPort: 8080}]
`, toolImage())
}

type echoPod struct{ name, node, ip string }

// deployEcho starts the echo DaemonSet and returns its pods once all are ready.
func deployEcho(c *testCluster, nodes int) []echoPod {
	c.t.Helper()
	c.mustKubectl(echoManifest(), "apply", "-f", "-")
	c.eventually("echo pods ready", 3*time.Minute, func() error {
		out, err := c.kubectl("", "get", "daemonset", "echo", "-o", "jsonpath={.status.numberReady}")
		if err != nil {
			return err
		}
		if out != fmt.Sprint(nodes) {
			return fmt.Errorf("%s of %d echo pods ready", out, nodes)
		}
		return nil
	})
	out := c.mustKubectl("", "get", "pods", "-l", "app=echo", "-o",
		`jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP}{"\n"}{end}`)
	var pods []echoPod
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			c.t.Fatalf("unexpected pod line %q", line)
		}
		pods = append(pods, echoPod{f[0], f[1], f[2]})
	}
	return pods
}

// checkPodToPod makes every echo pod fetch the page of the next pod (on
// another node when there are several) by pod IP.
func checkPodToPod(c *testCluster, pods []echoPod) {
	c.t.Helper()
	for i, from := range pods {
		to := pods[(i+1)%len(pods)]
		out := c.mustKubectl("", "exec", from.name, "--", "timeout", "10", "wget", "-qO-", "http://"+to.ip+":8080/")
		if strings.TrimSpace(out) != to.node {
			c.t.Errorf("pod on %s fetched %q from %s (%s), want %q", from.node, out, to.ip, to.node, to.node)
		}
	}
}

// checkServiceDNS resolves the echo Service's name through CoreDNS from the
// first pod and fetches a page through kube-proxy's ClusterIP rules: the
// answer must name the node of one of the echo pods.
func checkServiceDNS(c *testCluster, pods []echoPod) {
	c.t.Helper()
	from := pods[0]
	const url = "http://echo.default.svc.cluster.local:8080/"
	c.eventually("service DNS", time.Minute, func() error {
		_, err := c.kubectl("", "exec", from.name, "--", "nslookup", "echo.default.svc.cluster.local")
		return err
	})
	// busybox-static's `wget -T` segfaults (exit 139); timeout bounds it instead.
	out := strings.TrimSpace(c.mustKubectl("", "exec", from.name, "--", "timeout", "10", "wget", "-qO-", url))
	for _, p := range pods {
		if out == p.node {
			return
		}
	}
	c.t.Errorf("%s answered %q, want the node name of an echo pod", url, out)
}

// checkStorage binds a PersistentVolumeClaim through the default
// StorageClass and writes to it from a pod.
func checkStorage(c *testCluster) {
	c.t.Helper()
	c.mustKubectl(fmt.Sprintf(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 16Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  restartPolicy: Never
  tolerations: [{operator: Exists}]
  containers:
  - name: w
    image: %s
    imagePullPolicy: Never
    command: [sh, -c, 'echo ok > /data/file && cat /data/file']
    volumeMounts: [{name: d, mountPath: /data}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
`, toolImage()), "apply", "-f", "-")
	c.eventually("PVC bound and writer done", 3*time.Minute, func() error {
		phase, err := c.kubectl("", "get", "pvc", "data", "-o", "jsonpath={.status.phase}")
		if err != nil || phase != "Bound" {
			return fmt.Errorf("pvc phase %q: %v", phase, err)
		}
		pod, err := c.kubectl("", "get", "pod", "writer", "-o", "jsonpath={.status.phase}")
		if err != nil || pod != "Succeeded" {
			return fmt.Errorf("writer phase %q: %v", pod, err)
		}
		return nil
	})
	if sc := c.mustKubectl("", "get", "pvc", "data", "-o", "jsonpath={.spec.storageClassName}"); sc != "standard" {
		c.t.Errorf("PVC got StorageClass %q, want the default %q", sc, "standard")
	}
}

// checkWorking runs every functional check on a cluster of n nodes.
func checkWorking(t *testing.T, c *testCluster, n int) {
	checkNodesReady(c, n)
	checkCoreDNS(c)
	pods := deployEcho(c, n)
	checkPodToPod(c, pods)
	checkServiceDNS(c, pods)
	checkStorage(c)
}

// waitPodSucceeded waits for a run-to-completion pod to succeed.
func waitPodSucceeded(c *testCluster, pod string) {
	c.t.Helper()
	c.eventually("pod "+pod+" succeeded", 3*time.Minute, func() error {
		phase, err := c.kubectl("", "get", "pod", pod, "-o", "jsonpath={.status.phase}")
		if err != nil || phase != "Succeeded" {
			return fmt.Errorf("phase %q: %v", phase, err)
		}
		return nil
	})
}

// checkNodePortFromHost serves word from a pod behind NodePort 30080 and
// fetches it from the host through the extraPortMappings entry at hostPort.
func checkNodePortFromHost(c *testCluster, image, word string, hostPort int) {
	c.t.Helper()
	c.mustKubectl(fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  tolerations: [{operator: Exists}]
  containers:
  - name: web
    image: %s
    imagePullPolicy: Never
    command: [sh, -c, 'mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 8080, targetPort: 8080, nodePort: 30080}]
`, image, word), "apply", "-f", "-")
	c.eventually("NodePort through the host port mapping", 3*time.Minute, func() error {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", hostPort))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if strings.TrimSpace(string(body)) != word {
			return fmt.Errorf("got %q", body)
		}
		return nil
	})
}

// checkMountedFile reads dir/file, a node directory mounted from the host by
// extraMounts, from a pod on a node labelled mount=yes (any node when
// anyNode), and wants its content to be want.
func checkMountedFile(c *testCluster, image, dir, file, want string, anyNode bool) {
	c.t.Helper()
	selector := "nodeSelector: {mount: \"yes\"}"
	if anyNode {
		selector = "tolerations: [{operator: Exists}]"
	}
	c.mustKubectl(fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  restartPolicy: Never
  %s
  containers:
  - name: r
    image: %s
    imagePullPolicy: Never
    command: [cat, /data/%s]
    volumeMounts: [{name: d, mountPath: /data}]
  volumes: [{name: d, hostPath: {path: %s}}]
`, selector, image, file, dir), "apply", "-f", "-")
	waitPodSucceeded(c, "reader")
	if out := c.mustKubectl("", "logs", "reader"); strings.TrimSpace(out) != want {
		c.t.Errorf("the mount shows %q, want %q", out, want)
	}
}
