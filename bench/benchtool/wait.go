package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const pollEvery = 200 * time.Millisecond

func runWait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig file the tool writes")
	kctx := fs.String("context", "", "context name in it")
	nodes := fs.Int("nodes", 1, "number of nodes that must be Ready")
	start := fs.String("start", "", "start time, Unix seconds with a fraction (date +%s.%N)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long from -start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t0 := time.Now()
	if *start != "" {
		f, err := strconv.ParseFloat(*start, 64)
		if err != nil {
			return fmt.Errorf("-start: %w", err)
		}
		t0 = time.Unix(0, int64(f*1e9))
	}
	ctx, cancel := context.WithDeadline(context.Background(), t0.Add(*timeout))
	defer cancel()
	at, err := waitReady(ctx, *kubeconfig, *kctx, *nodes)
	if err != nil {
		fmt.Println("timeout")
		fmt.Fprintln(os.Stderr, "benchtool wait:", err)
		return nil
	}
	fmt.Printf("%.3f\n", at.Sub(t0).Seconds())
	return nil
}

// waitReady returns the time at which it first saw every node Ready and
// coredns Available.
func waitReady(ctx context.Context, kubeconfig, kctx string, want int) (time.Time, error) {
	var client *kubernetes.Clientset
	last := "kubeconfig not written yet"
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		if client == nil {
			client = tryClient(kubeconfig, kctx)
		}
		if client != nil {
			ok, why := ready(ctx, client, want)
			if ok {
				return time.Now(), nil
			}
			if why != last {
				// Each change of state, for finding where the time goes.
				fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05.000"), why)
			}
			last = why
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%w; last state: %s", ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// tryClient returns a client once the kubeconfig holds the context.
func tryClient(kubeconfig, kctx string) *kubernetes.Clientset {
	raw, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil || raw.Contexts[kctx] == nil {
		return nil
	}
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, kctx, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil
	}
	cfg.Timeout = 2 * time.Second
	cfg.QPS, cfg.Burst = 50, 100
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil
	}
	return client
}

func ready(ctx context.Context, client *kubernetes.Clientset, want int) (bool, string) {
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err.Error()
	}
	n := 0
	for _, node := range nodes.Items {
		for _, c := range node.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				n++
			}
		}
	}
	if n < want {
		return false, fmt.Sprintf("%d of %d nodes Ready (%d registered)", n, want, len(nodes.Items))
	}
	d, err := client.AppsV1().Deployments("kube-system").Get(ctx, "coredns", metav1.GetOptions{})
	if err != nil {
		return false, "coredns: " + err.Error()
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
			return true, ""
		}
	}
	return false, fmt.Sprintf("coredns not Available (%d/%d ready)", d.Status.ReadyReplicas, d.Status.Replicas)
}
